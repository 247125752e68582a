import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { AssignDto, EscalationPageView, EscalationView, ListEscalationsQueryDto, ResolveEscalationDto } from './support.dto.js';
import { SupportQueueService } from './support-queue.service.js';

@ApiTags('support')
@ApiBearerAuth()
@Roles('agent', 'admin')
@Controller('escalations')
export class SupportController {
  constructor(private readonly queue: SupportQueueService) {}

  @Get()
  @ApiOkResponse({ type: EscalationPageView, description: 'Ordered by support deadline' })
  list(@Query() query: ListEscalationsQueryDto): Promise<EscalationPageView> {
    return this.queue.list(query);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOkResponse({ type: EscalationView })
  assign(@Param('id') id: string, @Body() dto: AssignDto, @CurrentCaller() caller: Caller): Promise<EscalationView> {
    return this.queue.assign(caller, id, dto);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: EscalationView })
  resolve(@Param('id') id: string, @Body() dto: ResolveEscalationDto, @CurrentCaller() caller: Caller): Promise<EscalationView> {
    return this.queue.resolve(caller, id, dto);
  }
}
