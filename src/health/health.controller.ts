import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** The process can serve: its database answers. */
  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
    } catch (error) {
      const failing = (error as { response?: { error?: Record<string, { message?: string }> } }).response?.error ?? {};
      const reasons = Object.entries(failing).map(
        ([name, state]) => `${name} down${state.message ? ` (${state.message})` : ''}`,
      );
      throw new DomainError('unavailable', `Not ready: ${reasons.join('; ') || 'a dependency is down'}`);
    }
  }
}
