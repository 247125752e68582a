import { INBOX_CHANNEL, inboxDeliverCtes, inboxNotifySql } from '../inbox/inbox.queries.js';

/**
 * The statements of broadcasts (docs/inbox.md, "Broadcasts"): sending one
 * (its row and its emails), and delivering them into a user's Message
 * Center when that user next looks (BroadcastDelivery), with the inbox's
 * SQL for the items.
 */

/** Who a broadcast's items are from (an SQL literal). */
const BROADCAST_SENDER = `'Marketplace'`;

/** Whether a user of `role` is in a broadcast's `audience` (SQL expressions). */
const inAudienceSql = (audience: string, role: string): string =>
  `(${audience} = 'all' OR (${audience} = 'buyers' AND ${role} = 'buyer') OR (${audience} = 'sellers' AND ${role} = 'seller'))`;

/** The email of a broadcast to a user is the outbox row with this dedupe key. */
const broadcastDedupeKeySql = (broadcastId: string, userId: string): string =>
  `${broadcastId}::text || ':' || ${userId}::text`;

/**
 * A user's item for a broadcast (SQL expressions of the two ids): known before
 * the item exists, so the email can link to it. A hash of the email's dedupe
 * key as an RFC 9562 version 8 (custom) UUID: its version and variant bits
 * set, like every other id a client may send back.
 */
const broadcastItemIdSql = (broadcastId: string, userId: string): string => {
  const hash = `md5(${broadcastDedupeKeySql(broadcastId, userId)})`;
  return `(substr(${hash}, 1, 12) || '8' || substr(${hash}, 14, 3) || substr('89ab', get_byte(decode(${hash}, 'hex'), 8) % 4 + 1, 1) || substr(${hash}, 18))::uuid`;
};

/**
 * Who a broadcast of `category` to `audience` (placeholders) reaches, as
 * `(id, wants_email)`: everyone in the audience who is not disabled; those
 * who accept the category (notices always) get an email too.
 */
const audienceSql = (category: string, audience: string): string =>
  `SELECT u.id, (${category} = 'notices' OR COALESCE(p.email, true)) AS wants_email
    FROM users u LEFT JOIN email_preferences p ON p.user_id = u.id AND p.category = ${category}
   WHERE u.disabled_at IS NULL AND ${inAudienceSql(audience, 'u.role::text')}`;

/** How many a broadcast of category $1 to audience $2 would reach now, and how many of them by email: the preview before sending. */
export const AUDIENCE_SIZE = `
WITH audience AS (
  ${audienceSql('$1', '$2')}
)
SELECT count(*)::int AS recipients, (count(*) FILTER (WHERE wants_email))::int AS emails FROM audience`;

/**
 * Broadcasts sent, newest first ($1 how many, $2 a broadcast's number or
 * null): `older` reads those numbered below $2 (all the newest without it),
 * `newer` those above it, nearest first, on the unique index of `seq`; each
 * with who sent it and how many recipients have it in their Message Center
 * so far (a user's counters row says how far that user is delivered; the
 * others get it when they next look).
 */
function broadcastHistorySql(direction: 'older' | 'newer'): string {
  const [keyset, order] =
    direction === 'older' ? ['$2::bigint IS NULL OR seq < $2::bigint', 'DESC'] : ['seq > $2::bigint', 'ASC'];
  return `
WITH page AS (
  SELECT id, seq, category, subject, audience, recipients, created_by, created_at FROM broadcasts
   WHERE ${keyset} ORDER BY seq ${order} LIMIT $1
),
delivered AS (
  SELECT p.id, count(*)::int AS delivered
    FROM page p
    JOIN users u ON u.broadcast_seq_at_join < p.seq AND ${inAudienceSql('p.audience', 'u.role::text')}
    JOIN inbox_counters c ON c.user_id = u.id AND c.broadcast_seq >= p.seq
   GROUP BY p.id
)
SELECT p.id, p.seq, p.category, p.subject, p.audience, p.recipients, p.created_by, p.created_at, COALESCE(d.delivered, 0) AS delivered
  FROM page p LEFT JOIN delivered d ON d.id = p.id ORDER BY p.seq DESC`;
}

export const BROADCAST_HISTORY_OLDER = broadcastHistorySql('older');
export const BROADCAST_HISTORY_NEWER = broadcastHistorySql('newer');

/** Broadcasts take turns: a table lock that readers do not wait for, so they commit in the order of their numbers. */
export const LOCK_BROADCASTS = `LOCK TABLE broadcasts IN EXCLUSIVE MODE`;

/** A broadcast's row, its recipients counted later (SET_RECIPIENTS): $1 category, $2 subject, $3 body, $4 audience, $5 sender, $6 now. Returns its id. */
export const INSERT_BROADCAST = `INSERT INTO broadcasts (category, subject, body, audience, recipients, created_by, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6) RETURNING id`;

/** Broadcast $1 went to $2 recipients. */
export const SET_RECIPIENTS = `UPDATE broadcasts SET recipients = $2 WHERE id = $1`;

/**
 * A broadcast's emails: $1 broadcast id, $2 category, $3 subject, $4 body, $5
 * now, $6 audience. Everyone in the audience (not disabled) counts as a
 * recipient; those who accept the category (notices always) get an email
 * that links to the item they will find (BroadcastDelivery makes it when they
 * next look); one NOTIFY tells every instance.
 */
export const BROADCAST_EMAILS = `
WITH audience AS (
  ${audienceSql('$2', '$6')}
),
emailed AS (
  INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, next_attempt_at, created_at)
  SELECT 'broadcast', $2, id, ${broadcastDedupeKeySql('$1', 'id')},
         jsonb_build_object('broadcastId', $1::uuid, 'subject', $3::text, 'body', $4::text, 'itemId', ${broadcastItemIdSql('$1', 'id')}), $5, $5
    FROM audience WHERE wants_email
  RETURNING 1
)
SELECT (SELECT count(*) FROM audience)::int AS recipients, (SELECT count(*) FROM emailed)::int AS emails, pg_notify('${INBOX_CHANNEL}', '*') IS NOT NULL AS notified`;

/** The last broadcast delivered to $1 (or sent before the account was made), and the newest one sent. */
export const DELIVERY_POSITION = `SELECT GREATEST((SELECT broadcast_seq FROM inbox_counters WHERE user_id = $1), (SELECT broadcast_seq_at_join FROM users WHERE id = $1), 0) AS seen, latest_broadcast_seq() AS latest`;

/** User $1's counters row, made if missing: the user's lock for deliveries (inboxDeliverCtes). */
export const ENSURE_COUNTERS = `INSERT INTO inbox_counters (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`;

/** Locks user $1's counters row; the last broadcast delivered to the user, and the newest one sent. */
export const LOCK_DELIVERY_POSITION = `SELECT c.broadcast_seq AS seen, latest_broadcast_seq() AS latest FROM inbox_counters c WHERE c.user_id = $1 FOR UPDATE OF c`;

/** User $1 has had every broadcast up to number $2. */
export const SET_DELIVERY_POSITION = `UPDATE inbox_counters SET broadcast_seq = $2 WHERE user_id = $1`;

/**
 * The broadcasts numbered after $2 up to $3 that are for user $1 (in the
 * audience by role, sent after the account was made), as the user's items.
 */
export const DELIVER_BROADCASTS = `
WITH pending AS (
  SELECT b.id, b.seq, b.category, b.subject, b.body, b.created_at, u.id AS user_id
    FROM users u JOIN broadcasts b ON b.seq > GREATEST($2, u.broadcast_seq_at_join) AND b.seq <= $3 AND ${inAudienceSql('b.audience', 'u.role::text')}
   WHERE u.id = $1
),
broadcast_items AS (
  SELECT ${broadcastItemIdSql('p.id', 'p.user_id')} AS id, o.id AS outbox_id, p.user_id, p.category, 'broadcast' AS kind, 'marketplace' AS sender_kind, NULL::uuid AS sender_id,
         ${BROADCAST_SENDER} AS sender_name, p.subject, p.body, NULL::uuid AS case_id, NULL::uuid AS order_id, NULL::uuid AS claim_id, NULL::uuid AS message_id, p.created_at AS at, p.seq AS ord
    FROM pending p LEFT JOIN outbox o ON o.dedupe_key = ${broadcastDedupeKeySql('p.id', 'p.user_id')}
),
${inboxDeliverCtes('broadcast_items', 'delivery', { ids: true })}
SELECT (SELECT count(*) FROM delivery_items)::int AS items, ${inboxNotifySql('delivery')} AS notified`;
