import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/auth.decorators.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/domain-error.js';
import { AdvanceClockDto } from './clock.dto.js';
import { SimulatedClock } from './simulated-clock.js';

/** Moving the simulated clock, recorded in the audit log; the API and the portal's clock page both come here. */
@Injectable()
export class ClockAdminService {
  constructor(
    private readonly clock: SimulatedClock,
    private readonly audit: AuditService,
  ) {}

  async advance(caller: Caller, dto: AdvanceClockDto): Promise<Date> {
    if (dto.seconds !== undefined && dto.to !== undefined)
      throw DomainError.invalid('to', 'give either seconds or to, not both');
    const before = await this.clock.now();
    const now =
      dto.to !== undefined
        ? await this.clock.advanceTo(new Date(dto.to), 'to')
        : await this.clock.advanceBy(dto.seconds!, 'seconds');
    await this.audit.record(
      null,
      caller,
      {
        action: 'clock.advanced',
        subjectType: 'clock',
        subjectId: null,
        before: { now: before.toISOString() },
        after: { now: now.toISOString() },
      },
      now,
    );
    return now;
  }
}
