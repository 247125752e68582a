import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { replyWindowPolicyAt } from '../../config/policies.js';
import { FusedWrite } from '../common/database/fused-write.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { SYSTEM } from '../timeline/timeline.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { CaseRecord, CycleOutcome, ReplyCycle } from './case.entity.js';
import { closeCycleIn, NEXT_CYCLE_SEQ } from './case.queries.js';

/**
 * The reply clock: a cycle opens at the oldest unanswered buyer message with
 * deadlines on the seller's calendar and the policy in force, and ends with a
 * reply, "no response needed", resolution or support. The open cycle's
 * deadlines are copied onto the case (the caller saves the case row).
 */
@Injectable()
export class ReplyCyclesService {
  constructor(
    private readonly calendars: CalendarsService,
    private readonly timeline: TimelineService,
  ) {}

  /** Opens a cycle: its calendar and number are read in `tx`, the cycle and its event are written with `write`. */
  async open(
    tx: EntityManager,
    write: FusedWrite,
    record: CaseRecord,
    openedBy: string | null,
    openedAt: Date,
  ): Promise<void> {
    const calendar = await this.calendars.forSeller(tx, record.sellerId, openedAt);
    const policy = replyWindowPolicyAt(openedAt);
    const [{ seq }]: { seq: number }[] = await tx.query(NEXT_CYCLE_SEQ, [record.id]);
    const cycle = tx.create(ReplyCycle, {
      id: randomUUID(),
      caseId: record.id,
      seq,
      openedAt,
      openedBy,
      clockStartedAt: calendar.engine.nextOpening(openedAt),
      warnAt: calendar.engine.addBusinessDays(openedAt, policy.atRiskAfterBusinessDays),
      dueAt: calendar.engine.addBusinessDays(openedAt, policy.lateAfterBusinessDays),
      escalateAt: calendar.engine.addBusinessDays(openedAt, policy.escalateAfterBusinessDays),
      calendarId: calendar.id,
      calendarVersion: calendar.version,
      policyVersion: policy.version,
      closedAt: null,
      outcome: null,
      answeredBy: null,
    });
    write.with(
      write.name('cycle_opened'),
      write.insert('reply_cycles', {
        id: [cycle.id, 'uuid'],
        case_id: [cycle.caseId, 'uuid'],
        seq: [seq, 'int'],
        opened_at: [openedAt, 'timestamptz'],
        opened_by: [openedBy, 'uuid'],
        clock_started_at: [cycle.clockStartedAt, 'timestamptz'],
        warn_at: [cycle.warnAt, 'timestamptz'],
        due_at: [cycle.dueAt, 'timestamptz'],
        escalate_at: [cycle.escalateAt, 'timestamptz'],
        calendar_id: [calendar.id, 'uuid'],
        calendar_version: [calendar.version, 'int'],
        policy_version: [policy.version, 'int'],
      }),
    );
    Object.assign(record, {
      cycleId: cycle.id,
      clockStartedAt: cycle.clockStartedAt,
      warnAt: cycle.warnAt,
      dueAt: cycle.dueAt,
      escalateAt: cycle.escalateAt,
      slaLevel: 0,
      nextActionAt: cycle.warnAt,
    });
    this.timeline.appendIn(write, {
      caseId: record.id,
      type: 'reply_cycle_opened',
      actor: SYSTEM,
      at: openedAt,
      data: {
        cycle: seq,
        clockStartedAt: cycle.clockStartedAt.toISOString(),
        warnAt: cycle.warnAt.toISOString(),
        dueAt: cycle.dueAt.toISOString(),
        escalateAt: cycle.escalateAt.toISOString(),
        calendarVersion: calendar.version,
        policyVersion: policy.version,
      },
    });
  }

  /** Ends the open cycle; `cycle` when the caller read it with the case, else it is read in `tx`. The change is written with `write`. */
  async close(
    tx: EntityManager,
    write: FusedWrite,
    record: CaseRecord,
    outcome: CycleOutcome,
    answeredBy: string | null,
    now: Date,
    cycle?: ReplyCycle,
  ): Promise<void> {
    cycle ??= await tx.findOneByOrFail(ReplyCycle, { id: record.cycleId! });
    let responseBusinessMinutes: string | null = null;
    if (outcome === 'answered') {
      const calendar = await this.calendars.atVersion(tx, cycle.calendarId, cycle.calendarVersion);
      responseBusinessMinutes = String(calendar.engine.businessTimeBetween(cycle.openedAt, now));
    }
    closeCycleIn(write, cycle.id, now, outcome, answeredBy, responseBusinessMinutes);
    Object.assign(record, {
      cycleId: null,
      clockStartedAt: null,
      warnAt: null,
      dueAt: null,
      escalateAt: null,
      slaLevel: 0,
      nextActionAt: null,
    });
    this.timeline.appendIn(write, {
      caseId: record.id,
      type: 'reply_cycle_closed',
      actor: SYSTEM,
      at: now,
      data: {
        outcome,
        ...(outcome === 'answered'
          ? { onTime: now < cycle.dueAt, responseBusinessMinutes: Number(responseBusinessMinutes) }
          : {}),
      },
    });
  }

  /** The open cycle of a case, with the calendar version it runs on. */
  async openCycleOf(manager: EntityManager, record: CaseRecord) {
    const cycle = await manager.findOneByOrFail(ReplyCycle, { id: record.cycleId! });
    return { cycle, calendar: await this.calendars.atVersion(manager, cycle.calendarId, cycle.calendarVersion) };
  }
}
