import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { supportPolicyAt } from '../../config/policies.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';

export interface SweepResult {
  atRisk: number;
  late: number;
  escalated: number;
  failed: number;
  batches: number;
}

export const SWEEP_BATCH_SIZE = 1000;

/**
 * One batch of the SLA sweep as a single statement. It claims due cases with
 * FOR UPDATE SKIP LOCKED (so instances sweeping at once never take the same
 * case), works out every level each one has passed and not yet had (a case
 * several levels behind gets each, in order), and writes the level marks
 * (unique per cycle and level: exactly once), seller flags, escalations,
 * timeline events and outbox rows, and advances the case, all in one
 * transaction.
 *
 * $1 now, $2 batch size, $3 due date of new escalations, $4 only this case
 * (or null), $5 cases to leave out (failed earlier in this sweep).
 */
export const SWEEP_BATCH = `
WITH claimed AS (
  SELECT id, cycle_id, sla_level, warn_at, due_at, escalate_at, buyer_id, seller_id, status
    FROM cases
   WHERE next_action_at <= $1
     AND ($4::uuid IS NULL OR id = $4::uuid)
     AND id <> ALL ($5::uuid[])
   ORDER BY next_action_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED
),
levels AS (
  SELECT c.id AS case_id, c.cycle_id, c.buyer_id, c.seller_id, c.status, l.n, l.level, l.at
    FROM claimed c
   CROSS JOIN LATERAL (VALUES (1, 'at_risk', c.warn_at), (2, 'late', c.due_at), (3, 'escalated', c.escalate_at)) AS l (n, level, at)
   WHERE l.n > c.sla_level AND l.at <= $1
),
marked AS (
  INSERT INTO sla_actions (case_id, cycle_id, level, threshold_at, acted_at)
  SELECT case_id, cycle_id, level, at, $1 FROM levels ORDER BY case_id, n
  ON CONFLICT (cycle_id, level) DO NOTHING
  RETURNING case_id, cycle_id, level
),
acted AS (
  SELECT l.* FROM levels l JOIN marked m ON m.cycle_id = l.cycle_id AND m.level = l.level
),
flagged AS (
  INSERT INTO seller_flags (seller_id, case_id, cycle_id, reason, created_at)
  SELECT seller_id, case_id, cycle_id, 'late_reply', $1 FROM acted WHERE level = 'late'
  ON CONFLICT (cycle_id) DO NOTHING
  RETURNING 1
),
escalated AS (
  INSERT INTO escalations (case_id, cycle_id, reason, priority, status, due_at, created_at, updated_at)
  SELECT case_id, cycle_id, 'missed_reply_window', 'normal', 'open', $3, $1, $1 FROM acted
   WHERE level = 'escalated' AND status IN ('awaiting_seller', 'awaiting_buyer')
  RETURNING id, case_id
),
events AS (
  INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
  SELECT a.case_id, 'sla_' || a.level, NULL, 'system', false, $1,
         jsonb_build_object('cycleId', a.cycle_id, 'level', a.level, 'thresholdAt', a.at)
           || CASE WHEN e.id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('escalationId', e.id, 'from', a.status, 'to', 'escalated') END
    FROM acted a LEFT JOIN escalated e ON e.case_id = a.case_id AND a.level = 'escalated'
   ORDER BY a.case_id, a.n
  RETURNING 1
),
notified AS (
  INSERT INTO outbox (kind, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
  SELECT r.kind, r.recipient, a.case_id, a.cycle_id || ':' || a.level || ':' || r.role,
         jsonb_build_object('caseId', a.case_id, 'level', a.level, 'thresholdAt', a.at, 'role', r.role), $1, $1
    FROM acted a
   CROSS JOIN LATERAL (VALUES
     ('at_risk', 'reply_window_at_risk', 'seller', a.seller_id),
     ('late', 'reply_window_late', 'seller', a.seller_id),
     ('late', 'reply_window_late', 'buyer', a.buyer_id),
     ('escalated', 'case_escalated', 'seller', a.seller_id),
     ('escalated', 'case_escalated', 'buyer', a.buyer_id)) AS r (level, kind, role, recipient)
   WHERE r.level = a.level
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING 1
),
advanced AS (
  UPDATE cases c
     SET sla_level = x.level,
         next_action_at = CASE x.level WHEN 1 THEN c.due_at WHEN 2 THEN c.escalate_at END,
         status = CASE WHEN x.level = 3 AND c.status IN ('awaiting_seller', 'awaiting_buyer') THEN 'escalated' ELSE c.status END,
         updated_at = $1
    FROM (SELECT c.id, COALESCE(m.level, c.sla_level) AS level
            FROM claimed c LEFT JOIN (SELECT case_id, max(n) AS level FROM levels GROUP BY case_id) m ON m.case_id = c.id) x
   WHERE c.id = x.id
  RETURNING 1
)
SELECT (SELECT count(*) FROM claimed)::int AS claimed,
       (SELECT count(*) FROM acted WHERE level = 'at_risk')::int AS at_risk,
       (SELECT count(*) FROM acted WHERE level = 'late')::int AS late,
       (SELECT count(*) FROM acted WHERE level = 'escalated')::int AS escalated,
       (SELECT count(*) FROM flagged)::int AS flagged,
       (SELECT count(*) FROM events)::int AS events,
       (SELECT count(*) FROM notified)::int AS notified,
       (SELECT count(*) FROM advanced)::int AS advanced`;

interface BatchRow {
  claimed: number;
  at_risk: number;
  late: number;
  escalated: number;
}

/** The `sla-sweep` job: turns passed reply-window deadlines into actions, exactly once per cycle and level, on any number of instances. */
@Injectable()
export class SlaSweepService {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendars: CalendarsService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async sweep(batchSize = SWEEP_BATCH_SIZE): Promise<SweepResult> {
    const stopTimer = this.metrics.slaSweepDuration.startTimer();
    const now = await this.clock.now();
    const marketplace = await this.calendars.marketplace(now);
    const escalationDue = marketplace.engine.addBusinessDays(now, supportPolicyAt(now).firstActionBusinessDays);
    const result: SweepResult = { atRisk: 0, late: 0, escalated: 0, failed: 0, batches: 0 };
    const failed: string[] = [];
    const add = (row: BatchRow) => {
      result.atRisk += row.at_risk;
      result.late += row.late;
      result.escalated += row.escalated;
    };
    try {
      for (;;) {
        let row: BatchRow;
        try {
          [row] = await this.db.query(SWEEP_BATCH, [now, batchSize, escalationDue, null, failed]);
        } catch (error) {
          // Something in this batch fails: take its cases one at a time, so that one bad case cannot stop the rest.
          row = await this.sweepOneByOne(now, batchSize, escalationDue, failed, error);
        }
        result.batches += 1;
        add(row);
        if (row.claimed < batchSize) break;
      }
    } finally {
      stopTimer();
    }
    result.failed = failed.length;
    this.metrics.slaSweepActions.inc({ level: 'at_risk' }, result.atRisk);
    this.metrics.slaSweepActions.inc({ level: 'late' }, result.late);
    this.metrics.slaSweepActions.inc({ level: 'escalated' }, result.escalated);
    return result;
  }

  private async sweepOneByOne(now: Date, batchSize: number, escalationDue: Date, failed: string[], batchError: unknown): Promise<BatchRow> {
    this.logger.warn({ err: batchError }, 'An SLA sweep batch failed; retrying its cases one by one');
    const candidates: { id: string }[] = await this.db.query(
      `SELECT id FROM cases WHERE next_action_at <= $1 AND id <> ALL ($3::uuid[]) ORDER BY next_action_at LIMIT $2`,
      [now, batchSize, failed],
    );
    const total: BatchRow = { claimed: 0, at_risk: 0, late: 0, escalated: 0 };
    for (const { id } of candidates) {
      try {
        const [row]: BatchRow[] = await this.db.query(SWEEP_BATCH, [now, 1, escalationDue, id, failed]);
        total.claimed += row.claimed;
        total.at_risk += row.at_risk;
        total.late += row.late;
        total.escalated += row.escalated;
      } catch (error) {
        failed.push(id);
        total.claimed += 1;
        this.metrics.slaSweepFailures.inc();
        this.logger.error({ err: error, caseId: id }, 'The SLA sweep could not process a case');
        await this.db.query('INSERT INTO sla_sweep_failures (case_id, error, at) VALUES ($1, $2, $3)', [id, String((error as Error).message ?? error), now]);
      }
    }
    // A full batch's worth of candidates means there may be more: the caller goes on.
    return { ...total, claimed: candidates.length };
  }
}
