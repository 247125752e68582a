import { sellerCalendarZoneSql } from '../calendar/calendar.queries.js';
import { inboxDeliverCtes, searchVector, searchVectorSql } from '../inbox/inbox.queries.js';
import { categorySql } from './categories.js';
import { CASE_SUBJECT_SLOT } from './templates.js';

/** The CTEs that write the messages notices show, by conversation kind, when the notices' statement writes them. */
export interface MessagesShown {
  case?: string;
  claim?: string;
}

/**
 * A notice text cut around the case's subject, once per distinct text of a
 * statement (`notice_templates`): `<field>_parts` (how many pieces the
 * subject's slot cuts it into), the vector of the words before the word that
 * holds the slot (`<field>_before`), that word's text before and after the
 * slot (`<field>_lead`, `<field>_trail`), and the vector of the words after
 * it (`<field>_after`). The cuts are at white space, which parts words in
 * every locale (quotation marks do not: in some they are letters). A text
 * with the subject once, or not at all, then has its vector composed
 * (`composedVector`): a sweep's 5,000 notices have the words of their few
 * texts looked up once each, not 5,000 times.
 */
function templateVectors(field: 'title' | 'text'): string {
  const cut = `regexp_match(${field}, '^(.*\\s)?(\\S*)${CASE_SUBJECT_SLOT.replace(/[{}]/g, '\\$&')}(\\S*)(\\s.*)?$')`;
  return `cardinality(string_to_array(${field}, '${CASE_SUBJECT_SLOT}')) AS ${field}_parts,
         ${searchVector(`COALESCE((${cut})[1], CASE WHEN strpos(${field}, '${CASE_SUBJECT_SLOT}') = 0 THEN ${field} END, '')`)} AS ${field}_before,
         COALESCE((${cut})[2], '') AS ${field}_lead, COALESCE((${cut})[3], '') AS ${field}_trail,
         ${searchVector(`COALESCE((${cut})[4], '')`)} AS ${field}_after`;
}

/**
 * A notice text's search vector from its template's pieces and the quoted
 * subject (`quoted.subject`): `||` moves the right side's positions past the
 * left side's last, so the result is the vector of the whole text (the texts
 * are far below the 20,000 characters indexed); null where the text has the
 * subject more than once, or is not a template (the vector is then made from
 * the text).
 */
function composedVector(field: 'title' | 'text'): string {
  return `CASE t.${field}_parts WHEN 1 THEN t.${field}_before
           WHEN 2 THEN t.${field}_before || ${searchVector(`t.${field}_lead || quoted.subject || t.${field}_trail`)} || t.${field}_after END`;
}

/**
 * The CTEs that turn notice rows into outbox rows (email) and Message Center
 * items in one go. `select` yields, in this order: kind, party, recipient_id,
 * case_id, dedupe_key, payload, at, sender_kind, sender_id, titles, texts
 * (jsonb: the item's title and text by locale, the default's under `''`, as
 * `noticeTexts` makes them; null for an item that shows a message).
 * A notice whose dedupe key was already used makes neither. An item that
 * shows a message (title null) takes the case's subject as the recipient
 * sees it and the message as the recipient sees it; `{{case}}` in a title or
 * text becomes that subject. Defines `notice_rows`, `notified` (the outbox
 * rows), `notice_items` and the inbox CTEs; splice into a WITH list and put
 * `inboxNotifySql()` in the final SELECT. `shows` is where the messages
 * that notices show are found: a CTE's name when the statement writes them.
 */
export function noticesInsertFrom(select: string, shows: MessagesShown = {}): string {
  const messages = shows.case ?? 'messages';
  const claimMessages = shows.claim ?? 'claim_messages';
  const caseSubject = `CASE WHEN n.party = 'buyer' THEN COALESCE(c.subject_original, c.subject) ELSE c.subject END`;
  const quotedSubject = `COALESCE(left(${caseSubject}, 80), 'your case')`;
  return `notice_rows AS (
  SELECT gen_random_uuid() AS outbox_id, ${categorySql('n.kind', 'n.party')} AS category,
         n.kind, n.party, n.recipient_id, n.case_id, n.dedupe_key, n.payload, n.at, n.sender_kind, n.sender_id,
         -- The title and text in the recipient's language, else the marketplace's default (under '').
         COALESCE(n.titles ->> r.locale, n.titles ->> '') AS title, COALESCE(n.texts ->> r.locale, n.texts ->> '') AS text
    FROM (${select}) AS n (kind, party, recipient_id, case_id, dedupe_key, payload, at, sender_kind, sender_id, titles, texts)
    -- A lookup per notice, not a join: the notices keep the order they were given in (a case's go out in it).
    CROSS JOIN LATERAL (SELECT (SELECT u.locale FROM users u WHERE u.id = n.recipient_id) AS locale) AS r
),
notified AS (
  INSERT INTO outbox (id, kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
  SELECT outbox_id, kind, category, recipient_id, case_id, dedupe_key, payload, at, at FROM notice_rows
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id
),
notice_templates AS (
  SELECT title, text, ${templateVectors('title')}, ${templateVectors('text')}
    FROM (SELECT DISTINCT title, text FROM notice_rows WHERE title IS NOT NULL) AS distinct_texts
),
notice_texts AS (
  SELECT n.outbox_id, n.recipient_id AS user_id, n.category, n.kind, n.sender_kind, n.sender_id,
         CASE n.sender_kind WHEN 'marketplace' THEN 'Marketplace' WHEN 'support' THEN 'Customer service' ELSE COALESCE(s.display_name, 'A user') END AS sender_name,
         COALESCE(replace(n.title, '${CASE_SUBJECT_SLOT}', quoted.subject), ${caseSubject}, '') AS subject,
         COALESCE(replace(n.text, '${CASE_SUBJECT_SLOT}', quoted.subject), m.visible_body, cm.visible_body, '') AS body,
         ${composedVector('title')} AS subject_vector, ${composedVector('text')} AS body_vector,
         n.case_id, COALESCE((n.payload->>'orderId')::uuid, c.order_id) AS order_id, COALESCE((n.payload->>'claimId')::uuid, c.claim_id) AS claim_id,
         COALESCE(n.payload->>'messageId', n.payload->>'claimMessageId')::uuid AS message_id, n.at, n.dedupe_key AS ord
    FROM notice_rows n
    LEFT JOIN notice_templates t ON t.title = n.title AND t.text = n.text
    LEFT JOIN users s ON s.id = n.sender_id
    LEFT JOIN cases c ON c.id = n.case_id
    CROSS JOIN LATERAL (SELECT ${quotedSubject} AS subject) AS quoted
    LEFT JOIN ${messages} m ON m.id = (n.payload->>'messageId')::uuid
    LEFT JOIN ${claimMessages} cm ON cm.id = (n.payload->>'claimMessageId')::uuid
   -- Only the notices whose outbox row was written (a used dedupe key writes none). Not a join of the two CTEs:
   -- inside IS TRUE the test stays a hashed lookup in the ids written, whatever PostgreSQL guesses of their number.
   WHERE (n.outbox_id IN (SELECT id FROM notified)) IS TRUE
),
notice_items AS (
  SELECT outbox_id, user_id, category, kind, sender_kind, sender_id, sender_name, subject, body, case_id, order_id, claim_id, message_id, at, ord,
         ${searchVectorSql('subject', 'sender_name', 'body', { subject: 'subject_vector', body: 'body_vector' })} AS search
    FROM notice_texts
),
${inboxDeliverCtes('notice_items', 'delivery', { search: true })}`;
}

/**
 * Claims a batch for sending: due pending rows, and rows whose sender's
 * lease ran out (it crashed), skipping rows another dispatcher holds; leases
 * them and returns each with what its email needs, the reader's time zone
 * among it (null: UTC). $1 now, $2 batch size, $3 lease end.
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
       u.email AS recipient_email, u.display_name AS recipient_name, u.locale AS recipient_locale, p.email AS wants_email,
       c.subject AS case_subject, COALESCE(m.visible_body, cm.visible_body) AS message_body,
       -- A broadcast's item may not exist yet (it is made when the recipient next looks); its id is known beforehand.
       COALESCE(i.id, (l.payload->>'itemId')::uuid) AS item_id,
       -- The reader's time zone, for the instants an email names: the one the user chose, else a seller's calendar's as in
       -- force now. A broadcast names none, and is most of the volume: its calendar is not looked up. COALESCE evaluates
       -- the lookup only for a row whose user chose no zone.
       COALESCE(u.time_zone, CASE WHEN l.kind <> 'broadcast' THEN ${sellerCalendarZoneSql('l.recipient_id', '$1')} END) AS recipient_zone
  FROM leased l
  JOIN users u ON u.id = l.recipient_id
  LEFT JOIN email_preferences p ON p.user_id = l.recipient_id AND p.category = l.category
  LEFT JOIN cases c ON c.id = l.case_id
  LEFT JOIN messages m ON m.id = (l.payload->>'messageId')::uuid
  LEFT JOIN claim_messages cm ON cm.id = (l.payload->>'claimMessageId')::uuid
  LEFT JOIN inbox_items i ON i.outbox_id = l.id`;

/** A leased email that could not be sent goes back to pending, to be tried again at $2; $3 why it failed. */
export const SEND_LATER = `UPDATE outbox SET status = 'pending', lease_until = NULL, next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'sending'`;

/** Leased emails $1 end in status $2 ('sent' records $3 as when), with the error $4 if any. */
export const FINISH = `
UPDATE outbox SET status = $2, lease_until = NULL, sent_at = CASE WHEN $2 = 'sent' THEN $3::timestamptz END, last_error = COALESCE($4, last_error)
 WHERE id = ANY ($1::uuid[]) AND status = 'sending'`;

/** What the admin view of the outbox shows of an email. */
const OUTBOX_COLUMNS = 'id, kind, category, recipient_id, case_id, status, attempts, last_error, created_at';

/** The newest 500 emails in status $1, for the admin view. */
export const OUTBOX_BY_STATUS = `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE status = $1 ORDER BY created_at DESC LIMIT 500`;

/** Email $1 back in the queue at $2 with a fresh set of attempts, only if it failed; returns it as the admin view shows it. */
export const RETRY_FAILED = `WITH retried AS (UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2 WHERE id = $1 AND status = 'failed' RETURNING ${OUTBOX_COLUMNS}) SELECT * FROM retried`;

/** The status of email $1. */
export const OUTBOX_STATUS = `SELECT status FROM outbox WHERE id = $1`;
