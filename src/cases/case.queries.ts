import type { FrameJoin } from '../inbox/page-frame.js';
import type { FusedWrite } from '../common/database/fused-write.js';
import type { CaseRecord, CycleOutcome } from './case.entity.js';
import { sqlIso, timelineInsertFrom } from '../timeline/timeline.js';
import { resolveOpenOfCasesSql, supportAwaitsSql } from '../escalations/escalations.queries.js';
import { type CaseStatus, transitionSql } from './case-status.js';
import type { SlaState } from './cases.dto.js';

/**
 * Set-based writes of the cases feature's tables (`cases`, `reply_cycles`),
 * for the sweeps and re-basing to embed in their statements: every row of
 * these tables is written here or by CasesService, and statuses come from
 * the state machine (case-status.ts).
 */

const escalate = transitionSql('escalate', 'c.status');
const close = transitionSql('close', 'status');

/**
 * Advances claimed cases to the SLA level they reached; a case whose
 * `escalated` level was acted on now is escalated where the state machine
 * allows. `levels` selects (id, level, escalate).
 */
export function advanceSlaLevelsSql(levels: string, now: string): string {
  return `UPDATE cases c
     SET sla_level = x.level,
         next_action_at = CASE x.level WHEN 1 THEN c.due_at WHEN 2 THEN c.escalate_at END,
         status = CASE WHEN x.escalate AND ${escalate.allowed} THEN ${escalate.next} ELSE c.status END,
         updated_at = ${now}
    FROM (${levels}) AS x (id, level, escalate)
   WHERE c.id = x.id`;
}

/**
 * Moves open reply cycles to new deadlines and copies them onto their cases,
 * with a timeline event per case. $1 cycle ids, $2 clock starts, $3 warn,
 * $4 due, $5 escalate, $6 actor id, $7 actor role, $8 now, $9 calendar version.
 */
export const MOVE_CYCLES = `
WITH moved AS (
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
${timelineInsertFrom(`
  SELECT id, 'sla_rebased', $6::uuid, $7::text, false, $8::timestamptz,
         jsonb_build_object('calendarVersion', $9::int, 'warnAt', ${sqlIso('warn_at')}, 'dueAt', ${sqlIso('due_at')}, 'escalateAt', ${sqlIso('escalate_at')})
    FROM cases_moved`)}
RETURNING 1`;

/** Cycles still on an older version of a calendar move to its version $2 (their deadlines unchanged). */
export const BUMP_CYCLE_VERSIONS = `UPDATE reply_cycles SET calendar_version = $2 WHERE calendar_id = $1 AND closed_at IS NULL AND calendar_version < $2`;

/** Closes resolved cases silent since $2, with a timeline event each; returns their ids. $1 now. */
export const CLOSE_RESOLVED = `
WITH closed AS (
  UPDATE cases SET status = ${close.next}, closed_at = $1, updated_at = $1
   WHERE ${close.allowed} AND resolved_at <= $2
  RETURNING id
), released AS (
  ${resolveOpenOfCasesSql('SELECT id FROM closed', "'case_closed'", '$1')}
  RETURNING id, case_id
), events AS (
  ${timelineInsertFrom(`
    SELECT id, 'case_closed', NULL::uuid, 'system', false, $1::timestamptz, '{"reason":"resolved_without_activity"}'::jsonb FROM closed
    UNION ALL
    SELECT case_id, 'escalation_resolved', NULL::uuid, 'system', true, $1::timestamptz, jsonb_build_object('escalationId', id, 'outcome', 'case_closed') FROM released`)}
)
SELECT id FROM closed`;

/** The prefix of the open cycle's columns in a message context's row. */
export const OPEN_CYCLE_PREFIX = 'open_cycle_';

/**
 * What the rules for a new message on case $1 by a caller of role $2 read,
 * in one statement: the case's row and its `version` (for a guarded write),
 * its open reply cycle (columns prefixed `open_cycle_`, null when none is
 * open; `cycleColumns` selects them from `y`) and `support_awaits`
 * (support waits on the author's party).
 * `countPost` is a CTE body that counts the post (parameters $3 and $4),
 * read back as `posts` and `retry_after`; the row then comes even when there
 * is no such case (its columns null). `lock` takes the case's row lock
 * (in a transaction; there is no row when there is no such case).
 */
export function messageContextSql(options: { lock: boolean; countPost?: string; cycleColumns: string }): string {
  const columns = `c.*, c.xmin::text AS version, ${options.cycleColumns}, ${supportAwaitsSql('c.id', '$2::text')} AS support_awaits`;
  const cases = `cases c LEFT JOIN reply_cycles y ON y.id = c.cycle_id`;
  if (options.lock) return `SELECT ${columns} FROM ${cases} WHERE c.id = $1 FOR UPDATE OF c`;
  if (!options.countPost) return `SELECT ${columns} FROM ${cases} WHERE c.id = $1`;
  return `WITH counted AS (${options.countPost})
SELECT ${columns}, counted.count AS posts, counted.retry_after FROM counted LEFT JOIN (${cases}) ON c.id = $1`;
}

/** The lock a guarded write on a case takes first: the case's row, only while it is still `version` (both parameters' placeholders). */
export function caseUnchangedSql(caseId: string, version: string): string {
  return `SELECT 1 FROM cases WHERE id = ${caseId} AND xmin = ${version} FOR UPDATE`;
}

/** Writes a case's changed state as part of `write`, in one UPDATE (every command on a case ends with it). */
export function persistCaseIn(write: FusedWrite, record: CaseRecord): void {
  const p = (value: unknown, type: string) => write.param(value, type);
  write.with(
    write.name('case_saved'),
    `UPDATE cases SET status = ${p(record.status, 'text')}, cycle_id = ${p(record.cycleId, 'uuid')}, clock_started_at = ${p(record.clockStartedAt, 'timestamptz')},
            warn_at = ${p(record.warnAt, 'timestamptz')}, due_at = ${p(record.dueAt, 'timestamptz')}, escalate_at = ${p(record.escalateAt, 'timestamptz')},
            sla_level = ${p(record.slaLevel, 'smallint')}, next_action_at = ${p(record.nextActionAt, 'timestamptz')}, resolved_at = ${p(record.resolvedAt, 'timestamptz')},
            claim_id = ${p(record.claimId, 'uuid')}, closed_at = ${p(record.closedAt, 'timestamptz')}, updated_at = ${p(record.updatedAt, 'timestamptz')}
      WHERE id = ${p(record.id, 'uuid')} AND ${write.when}`,
  );
}

/** The number the next reply cycle of case $1 takes (its first is 1), as `seq`. */
export const NEXT_CYCLE_SEQ = 'SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM reply_cycles WHERE case_id = $1';

/**
 * Ends reply cycle `cycleId` at `now` as part of `write`, with its outcome,
 * who answered and the business minutes the answer took (null unless it was
 * answered), in one UPDATE (ReplyCyclesService.close).
 */
export function closeCycleIn(
  write: FusedWrite,
  cycleId: string,
  now: Date,
  outcome: CycleOutcome,
  answeredBy: string | null,
  responseBusinessMinutes: string | null,
): void {
  write.with(
    write.name('cycle_closed'),
    `UPDATE reply_cycles SET closed_at = ${write.param(now, 'timestamptz')}, outcome = ${write.param(outcome, 'text')}, answered_by = ${write.param(answeredBy, 'uuid')},
              response_business_minutes = ${write.param(responseBusinessMinutes, 'numeric')}
        WHERE id = ${write.param(cycleId, 'uuid')} AND ${write.when}`,
  );
}

/** The statuses a seller's list shows unless asked for one. */
const OPEN_STATUSES: readonly CaseStatus[] = ['awaiting_seller', 'awaiting_buyer', 'escalated'];

/** What a page of cases is read for (CaseQueriesService.list). */
export interface CaseListFilter {
  /** Only this buyer's cases, newest first. */
  buyerId?: string;
  /** Only this seller's cases, nearest reply deadline first, the open ones unless `status` names one. Without either party, every case, newest first. */
  sellerId?: string;
  status?: CaseStatus;
  slaState?: SlaState;
  /** Only cases whose subject, listing reference or order reference contains these characters (case-insensitive). */
  search?: string;
  /** The sort key and id of the previous page's last case. */
  cursor?: { key: string; id: string };
  /**
   * Read back from the cursor instead: the cases before it (the cursor being
   * the first case of the page after), in the list's reverse order.
   */
  backward?: boolean;
  /** With each case its buyer's and seller's display names (`buyer_name`, `seller_name`), for a page that shows them. */
  names?: boolean;
  /** With each case the columns of the page's frame (`InboxService.prepareFrame`): a list page in one round trip. */
  frame?: FrameJoin;
  /** The page's size: one more row is read, to tell whether another page follows. */
  limit: number;
  now: Date;
}

/**
 * A page of cases as one hand-written statement (no query builder per
 * request) on the index for the list's order (docs/performance.md). The
 * text depends only on which filters are set, never on their values, so it
 * runs as a named statement.
 */
export function caseListSql(filter: CaseListFilter): { sql: string; params: unknown[] } {
  const { now, cursor } = filter;
  const params: unknown[] = [];
  const p = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
  const where: string[] = [];
  const bySeller = filter.sellerId !== undefined;
  // The party's own condition, for the cases and for the orders a search looks through.
  let party: ((alias: string) => string) | undefined;
  if (filter.buyerId !== undefined) {
    const buyer = p(filter.buyerId, 'uuid');
    party = (alias) => `${alias}.buyer_id = ${buyer}`;
  } else if (bySeller) {
    const seller = p(filter.sellerId, 'uuid');
    party = (alias) => `${alias}.seller_id = ${seller}`;
  }
  if (party) where.push(party('c'));

  if (filter.status) where.push(`c.status = ${p(filter.status, 'text')}`);
  else if (bySeller) where.push(`c.status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})`);
  if (filter.slaState) {
    const at = () => p(now, 'timestamptz');
    const conditions: Record<SlaState, () => string> = {
      escalated: () => `c.status = 'escalated'`,
      stopped: () => `c.status <> 'escalated' AND c.cycle_id IS NULL`,
      on_track: () => `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND ${at()} < c.warn_at`,
      at_risk: () =>
        `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND c.warn_at <= ${at()} AND ${at()} < c.due_at`,
      late: () => `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND c.due_at <= ${at()}`,
    };
    where.push(conditions[filter.slaState]());
  }
  if (filter.search !== undefined) {
    // A filter on the rows the list's index yields in order: the plan and the keyset stay those of the list (docs/performance.md).
    const pattern = p(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, 'text');
    // The matching orders are read once, from the party's own (on its orders index), not looked up case by case.
    const orders = `SELECT o.id FROM orders o WHERE ${party ? `${party('o')} AND ` : ''}o.external_id ILIKE ${pattern}`;
    where.push(`(c.subject ILIKE ${pattern} OR c.listing_ref ILIKE ${pattern} OR c.order_id IN (${orders}))`);
  }
  // Nearest reply deadline first for a seller (cases without an open cycle after them), newest first otherwise; the id breaks ties.
  // Paging back reads the same index the other way.
  const [key, ascending] = bySeller
    ? [`COALESCE(c.due_at, 'infinity'::timestamptz)`, !filter.backward]
    : ['c.created_at', !!filter.backward];
  if (cursor)
    where.push(`(${key}, c.id) ${ascending ? '>' : '<'} (${p(cursor.key, 'timestamptz')}, ${p(cursor.id, 'uuid')})`);
  const direction = ascending ? 'ASC' : 'DESC';
  const order = `${key} ${direction}, c.id ${direction}`;
  const names = filter.names
    ? `, (SELECT display_name FROM users WHERE id = c.buyer_id) AS buyer_name, (SELECT display_name FROM users WHERE id = c.seller_id) AS seller_name`
    : '';
  // The frame is one row (or none, for a user who no longer exists): joined to each case, it leaves the plan on the list's index.
  const [frameColumns, frameJoin] = filter.frame ? [', frame.*', ` CROSS JOIN ${filter.frame(p)}`] : ['', ''];
  const sql = `SELECT c.*${names}${frameColumns} FROM cases c${frameJoin} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${p(filter.limit + 1, 'int')}`;
  return { sql, params };
}
