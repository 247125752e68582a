import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { AdvanceClockDto, ClockView } from './clock.dto.js';
import { SimulatedClock } from './simulated-clock.js';

/** Only mounted with CLOCK_MODE=simulated. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/clock')
export class ClockController {
  constructor(
    private readonly clock: SimulatedClock,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ClockView })
  async now(): Promise<ClockView> {
    return { now: (await this.clock.now()).toISOString() };
  }

  @Post('advance')
  @HttpCode(200)
  @ApiOkResponse({ type: ClockView })
  async advance(@Body() dto: AdvanceClockDto, @CurrentCaller() caller: Caller): Promise<ClockView> {
    if (dto.seconds !== undefined && dto.to !== undefined) {
      throw DomainError.invalid('to', 'give either seconds or to, not both');
    }
    const before = await this.clock.now();
    const now = dto.to !== undefined ? await this.clock.advanceTo(new Date(dto.to), 'to') : await this.clock.advanceBy(dto.seconds!);
    await this.audit.record(
      null,
      caller,
      { action: 'clock.advanced', subjectType: 'clock', subjectId: null, before: { now: before.toISOString() }, after: { now: now.toISOString() } },
      now,
    );
    return { now: now.toISOString() };
  }
}
