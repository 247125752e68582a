import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { RebaseDto, RebaseView } from './sla.dto.js';
import { SlaRebaseService } from './sla-rebase.service.js';

@ApiTags('calendars')
@ApiBearerAuth()
@Controller('calendars')
export class SlaController {
  constructor(private readonly rebaser: SlaRebaseService) {}

  @Post(':id/rebase')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({
    type: RebaseView,
    description: 'Moves open reply cycles onto the calendar’s current version; dryRun (the default) only reports',
  })
  rebase(@Param('id') id: string, @Body() dto: RebaseDto, @CurrentCaller() caller: Caller): Promise<RebaseView> {
    return this.rebaser.rebase(caller, id, dto.dryRun ?? true);
  }
}
