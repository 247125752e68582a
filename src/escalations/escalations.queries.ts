/**
 * Statements of the escalations feature's tables (`escalations`,
 * `escalation_pauses`): what EscalationsService sends, and the builders that
 * set-based writers (the SLA sweep, closing resolved cases, a message's
 * context) embed instead of writing their own.
 */

/**
 * The columns a set-based writer selects for `escalationsInsertFrom`, in this
 * order: case_id, cycle_id, reason, priority, due_at, at; with `ids`, the
 * escalation's id (chosen by the writer, who can then name it without
 * reading it back) comes first. Append `RETURNING`.
 */
export function escalationsInsertFrom(select: string, { ids = false } = {}): string {
  const columns = `${ids ? 'id, ' : ''}case_id, cycle_id, reason, priority`;
  return `INSERT INTO escalations (${columns}, status, due_at, created_at, updated_at)
  SELECT ${columns}, 'open', due_at, at, at FROM (${select}) AS escalation_rows (${columns}, due_at, at)`;
}

/**
 * Resolves the open escalations of the cases `caseIds` selects, with an
 * outcome; ends any wait. Append `RETURNING`. $-parameters are the caller's.
 */
export function resolveOpenOfCasesSql(caseIds: string, outcome: string, now: string): string {
  return `UPDATE escalations SET status = 'resolved', outcome = ${outcome}, resolved_at = ${now}, updated_at = ${now}, waiting_on = NULL,
         first_action_at = COALESCE(first_action_at, ${now})
   WHERE status <> 'resolved' AND case_id IN (${caseIds})`;
}

/** True when support waits on `party` (an expression) on the case `caseId` (an expression), outside a claim: that party writing resumes the support clock. */
export function supportAwaitsSql(caseId: string, party: string): string {
  return `EXISTS (SELECT 1 FROM escalations e WHERE e.case_id = ${caseId} AND e.status <> 'resolved' AND e.waiting_on = ${party} AND e.claim_id IS NULL)`;
}

/** How many escalations of case $1 other than $2 are open with one of the reasons $3 (those that hold a case in `escalated`), as `others`. */
export const OTHERS_HOLDING = `SELECT count(*)::int AS others FROM escalations WHERE case_id = $1 AND id <> $2 AND status <> 'resolved' AND reason = ANY ($3)`;

/** Escalation $1's open pause (support's wait on a party) ends at $2. */
export const END_PAUSE = `UPDATE escalation_pauses SET to_at = $2 WHERE escalation_id = $1 AND to_at IS NULL`;

/**
 * The first agent action at `at` on the open escalations, not yet acted on,
 * whose `column` is `id` (a case's or a claim's): the body of a fused
 * write's CTE, written only `when` its guard holds. `at`, `id` and `when`
 * are SQL expressions (the write's placeholders and condition).
 */
export function firstActionSql(column: 'case_id' | 'claim_id', id: string, at: string, when: string): string {
  return `UPDATE escalations SET first_action_at = ${at}, updated_at = ${at} WHERE ${column} = ${id} AND status <> 'resolved' AND first_action_at IS NULL AND ${when}`;
}
