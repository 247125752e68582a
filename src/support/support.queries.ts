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

/**
 * What support's queue shows beside escalations $1: the case's subject, its
 * buyer and seller and the order it is about (a claim's, or the case's),
 * whether the escalation names the case, the claim or both; a report about
 * a marketplace notice has none of these.
 */
export const ESCALATIONS_ABOUT = `
SELECT e.id, c.id AS case_id, c.subject, c.listing_ref,
       COALESCE(cl.buyer_id, c.buyer_id) AS buyer_id, COALESCE(cl.seller_id, c.seller_id) AS seller_id,
       o.id AS order_id, o.external_id AS order_ref, o.total_amount, o.currency
  FROM escalations e
  LEFT JOIN claims cl ON cl.id = e.claim_id
  LEFT JOIN cases c ON c.id = COALESCE(e.case_id, cl.case_id)
  LEFT JOIN orders o ON o.id = COALESCE(cl.order_id, c.order_id)
 WHERE e.id = ANY($1::uuid[])`;

/**
 * Where each of reports $1 was made: the case or claim of the reported
 * message and the message as its author wrote it (support reviews the
 * original words, links and all), from the report's own record, so a
 * purged Message Center item does not lose it.
 */
export const REPORTS_ABOUT = `
SELECT r.id, r.case_id, r.claim_id, COALESCE(r.message_kind, CASE WHEN m.id IS NOT NULL THEN 'case' WHEN cm.id IS NOT NULL THEN 'claim' END) AS message_kind,
       COALESCE(m.body, cm.body) AS message_body, COALESCE(m.created_at, cm.created_at) AS sent_at
  FROM inbox_reports r
  LEFT JOIN messages m ON m.id = r.message_id
  LEFT JOIN claim_messages cm ON cm.id = r.message_id
 WHERE r.id = ANY($1::uuid[])`;
