import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import {
  AssignDto,
  EscalationPageView,
  EscalationView,
  ListEscalationsQueryDto,
  ResolveEscalationDto,
  WaitDto,
} from './support.dto.js';
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

  @Post(':id/wait')
  @HttpCode(200)
  @ApiOkResponse({
    type: EscalationView,
    description:
      'Support waits on a party: the support deadline stops (dueAt null) until that party writes on the case or support resumes',
  })
  wait(@Param('id') id: string, @Body() dto: WaitDto, @CurrentCaller() caller: Caller): Promise<EscalationView> {
    return this.queue.wait(caller, id, dto);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOkResponse({
    type: EscalationView,
    description: 'The wait ends; the deadline is recomputed from the original start minus every span waited',
  })
  resume(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<EscalationView> {
    return this.queue.resume(caller, id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: EscalationView })
  resolve(
    @Param('id') id: string,
    @Body() dto: ResolveEscalationDto,
    @CurrentCaller() caller: Caller,
  ): Promise<EscalationView> {
    return this.queue.resolve(caller, id, dto);
  }
}
