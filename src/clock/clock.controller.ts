import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { AdvanceClockDto, ClockView } from './clock.dto.js';
import { SimulatedClock } from './simulated-clock.js';

/** Only mounted with CLOCK_MODE=simulated. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/clock')
export class ClockController {
  constructor(private readonly clock: SimulatedClock) {}

  @Get()
  @ApiOkResponse({ type: ClockView })
  async now(): Promise<ClockView> {
    return { now: (await this.clock.now()).toISOString() };
  }

  @Post('advance')
  @HttpCode(200)
  @ApiOkResponse({ type: ClockView })
  async advance(@Body() dto: AdvanceClockDto): Promise<ClockView> {
    if (dto.seconds !== undefined && dto.to !== undefined) {
      throw DomainError.invalid('to', 'give either seconds or to, not both');
    }
    const now = dto.to !== undefined ? await this.clock.advanceTo(new Date(dto.to), 'to') : await this.clock.advanceBy(dto.seconds!);
    return { now: now.toISOString() };
  }
}
