import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { replyWindowPolicy } from '../../config/policies.js';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarAdminService } from '../calendar/calendar-admin.service.js';
import { LOCK_CALENDAR } from '../calendar/calendar.queries.js';
import { BUMP_CYCLE_VERSIONS, MOVE_CYCLES } from '../cases/case.queries.js';
import { Clock } from '../common/clock.js';
import { RebaseView } from './sla.dto.js';
import { CYCLES_TO_REBASE } from './sla.queries.js';

interface OpenCycle {
  id: string;
  case_id: string;
  opened_at: Date;
  due_at: Date;
  warn_at: Date;
  escalate_at: Date;
  calendar_version: number;
  policy_version: number;
}

/**
 * Moves open reply cycles onto a calendar's current version (docs/domain.md:
 * re-basing is an explicit admin action with a dry run). Deadlines are
 * recomputed from each cycle's original start, then written set-based.
 */
@Injectable()
export class SlaRebaseService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendars: CalendarAdminService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async rebase(caller: Caller, calendarIdOrMarketplace: string, dryRun: boolean): Promise<RebaseView> {
    const calendar = await this.calendars.current(calendarIdOrMarketplace, caller);
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      await tx.query(LOCK_CALENDAR, [calendar.id]);
      const cycles: OpenCycle[] = await tx.query(CYCLES_TO_REBASE, [calendar.id, calendar.version]);
      const ids: string[] = [];
      const starts: Date[] = [];
      const warns: Date[] = [];
      const dues: Date[] = [];
      const escalates: Date[] = [];
      let wouldBecomeLate = 0;
      for (const cycle of cycles) {
        const policy = replyWindowPolicy(cycle.policy_version);
        const warn = calendar.engine.addBusinessDays(cycle.opened_at, policy.atRiskAfterBusinessDays);
        const due = calendar.engine.addBusinessDays(cycle.opened_at, policy.lateAfterBusinessDays);
        const escalate = calendar.engine.addBusinessDays(cycle.opened_at, policy.escalateAfterBusinessDays);
        if (
          warn.getTime() === cycle.warn_at.getTime() &&
          due.getTime() === cycle.due_at.getTime() &&
          escalate.getTime() === cycle.escalate_at.getTime()
        )
          continue;
        ids.push(cycle.id);
        starts.push(calendar.engine.nextOpening(cycle.opened_at));
        warns.push(warn);
        dues.push(due);
        escalates.push(escalate);
        if (cycle.due_at > now && due <= now) wouldBecomeLate += 1;
      }
      const report: RebaseView = {
        calendarId: calendar.id,
        version: calendar.version,
        dryRun,
        openCycles: cycles.length,
        wouldChange: ids.length,
        wouldBecomeLate,
        changed: 0,
      };
      if (dryRun) return report;
      // Cycles whose deadlines stay put still move to the new version.
      await tx.query(BUMP_CYCLE_VERSIONS, [calendar.id, calendar.version]);
      const changed: unknown[] = await tx.query(MOVE_CYCLES, [
        ids,
        starts,
        warns,
        dues,
        escalates,
        caller.id,
        caller.role,
        now,
        calendar.version,
      ]);
      await this.audit.record(
        tx,
        caller,
        {
          action: 'calendar.rebased',
          subjectType: 'calendar',
          subjectId: calendar.id,
          after: { version: calendar.version, changed: changed.length },
        },
        now,
      );
      return { ...report, changed: changed.length };
    });
  }
}
