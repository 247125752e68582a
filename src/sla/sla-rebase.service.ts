import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { replyWindowPolicy } from '../../config/policies.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { Clock } from '../common/clock.js';
import { RebaseView } from './sla.dto.js';

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
 * Moves open reply cycles onto a calendar's current version (DOMAIN.md:
 * re-basing is an explicit admin action with a dry run). Deadlines are
 * recomputed from each cycle's original start, then written set-based.
 */
@Injectable()
export class SlaRebaseService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendars: CalendarsService,
    private readonly clock: Clock,
  ) {}

  async rebase(caller: Caller, calendarIdOrMarketplace: string, dryRun: boolean): Promise<RebaseView> {
    const calendar = await this.calendars.current(calendarIdOrMarketplace, caller);
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM calendars WHERE id = $1 FOR UPDATE', [calendar.id]);
      const cycles: OpenCycle[] = await tx.query(
        `SELECT id, case_id, opened_at, warn_at, due_at, escalate_at, calendar_version, policy_version
           FROM reply_cycles WHERE calendar_id = $1 AND closed_at IS NULL AND calendar_version < $2`,
        [calendar.id, calendar.version],
      );
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
        if (warn.getTime() === cycle.warn_at.getTime() && due.getTime() === cycle.due_at.getTime() && escalate.getTime() === cycle.escalate_at.getTime()) continue;
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
      await tx.query(`UPDATE reply_cycles SET calendar_version = $2 WHERE calendar_id = $1 AND closed_at IS NULL AND calendar_version < $2`, [calendar.id, calendar.version]);
      const changed: unknown[] = await tx.query(
        `WITH moved AS (
           SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[]) AS m (id, clock_started_at, warn_at, due_at, escalate_at)
         ), cycles_moved AS (
           UPDATE reply_cycles y SET clock_started_at = m.clock_started_at, warn_at = m.warn_at, due_at = m.due_at, escalate_at = m.escalate_at
             FROM moved m WHERE y.id = m.id
           RETURNING y.id, y.case_id, m.clock_started_at, m.warn_at, m.due_at, m.escalate_at
         ), cases_moved AS (
           UPDATE cases c SET clock_started_at = y.clock_started_at, warn_at = y.warn_at, due_at = y.due_at, escalate_at = y.escalate_at,
                  next_action_at = CASE c.sla_level WHEN 0 THEN y.warn_at WHEN 1 THEN y.due_at WHEN 2 THEN y.escalate_at END
             FROM cycles_moved y WHERE c.cycle_id = y.id
           RETURNING c.id, y.warn_at, y.due_at, y.escalate_at
         )
         INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
         SELECT id, 'sla_rebased', $6, $7, false, $8, jsonb_build_object('calendarVersion', $9::int, 'warnAt', warn_at, 'dueAt', due_at, 'escalateAt', escalate_at) FROM cases_moved
         RETURNING 1`,
        [ids, starts, warns, dues, escalates, caller.id, caller.role, now, calendar.version],
      );
      return { ...report, changed: changed.length };
    });
  }
}
