import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { ClockAdminService } from './clock-admin.service.js';
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
    private readonly admin: ClockAdminService,
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
    return { now: (await this.admin.advance(caller, dto)).toISOString() };
  }
}
