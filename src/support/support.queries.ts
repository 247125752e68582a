import { sqlIso, timelineInsertFrom } from '../timeline/timeline.js';

/** Escalations still waiting for a first agent action past their deadline become urgent, each on its case's timeline. $1 now. */
export const RAISE_OVERDUE = `
WITH raised AS (
  UPDATE escalations SET priority = 'urgent', priority_raised_at = $1, updated_at = $1
   WHERE status <> 'resolved' AND priority <> 'urgent' AND due_at <= $1 AND first_action_at IS NULL
  RETURNING id, case_id, due_at
)
${timelineInsertFrom(`SELECT case_id, 'escalation_overdue', NULL::uuid, 'system', true, $1::timestamptz, jsonb_build_object('escalationId', id, 'dueAt', ${sqlIso('due_at')}) FROM raised`)}
RETURNING 1`;
