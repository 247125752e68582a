/**
 * Claims a batch for sending: due pending rows, and rows whose sender's
 * lease ran out (it crashed), skipping rows another dispatcher holds; leases
 * them and returns each with what its email needs. $1 now, $2 batch size,
 * $3 lease end.
 */
export const CLAIM_BATCH = `
WITH due AS (
  SELECT id FROM outbox
   WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
   ORDER BY next_attempt_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED
), leased AS (
  UPDATE outbox o SET status = 'sending', lease_until = $3, attempts = o.attempts + 1
    FROM due WHERE o.id = due.id
  RETURNING o.*
)
SELECT l.id, l.kind, l.category, l.attempts, l.payload, l.case_id, l.recipient_id, l.created_at,
       u.email AS recipient_email, u.display_name AS recipient_name, p.email AS wants_email,
       c.subject AS case_subject, COALESCE(m.visible_body, cm.visible_body) AS message_body,
       -- A broadcast's item may not exist yet (it is made when the recipient next looks); its id is known beforehand.
       COALESCE(i.id, (l.payload->>'itemId')::uuid) AS item_id
  FROM leased l
  JOIN users u ON u.id = l.recipient_id
  LEFT JOIN email_preferences p ON p.user_id = l.recipient_id AND p.category = l.category
  LEFT JOIN cases c ON c.id = l.case_id
  LEFT JOIN messages m ON m.id = (l.payload->>'messageId')::uuid
  LEFT JOIN claim_messages cm ON cm.id = (l.payload->>'claimMessageId')::uuid
  LEFT JOIN inbox_items i ON i.outbox_id = l.id`;
