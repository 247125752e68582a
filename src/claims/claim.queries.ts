/**
 * The claims workflow's statements (the claim row itself is written through
 * FusedWrite, see ClaimWorkflow.persistIn).
 */

/**
 * What eligibility and filing know of orders at $2: $1 the orders, $3 the
 * open claim statuses. One row per order, whatever the number of orders
 * (the orders page asks for all of its orders at once).
 */
export const ORDER_FACTS = `
SELECT o.id, o.external_id, o.buyer_id, o.seller_id, to_char(o.max_delivery_date, 'YYYY-MM-DD') AS max_delivery_date, o.total_amount, o.currency,
       (SELECT min(at) FROM order_events WHERE order_id = o.id AND type = 'delivered' AND at <= $2) AS delivered_at,
       (SELECT min(at) FROM order_events WHERE order_id = o.id AND type = 'refunded' AND at <= $2) AS refunded_at,
       (SELECT min(created_at) FROM cases WHERE order_id = o.id AND buyer_id = o.buyer_id) AS first_contact_at,
       EXISTS (SELECT 1 FROM claims WHERE order_id = o.id AND status = ANY ($3)) AS open_claim
  FROM orders o WHERE o.id = ANY ($1::uuid[])`;

/** The same for one order, locked: filings on one order take turns. */
export const ORDER_FACTS_LOCKED = `${ORDER_FACTS} FOR UPDATE OF o`;

/**
 * Marks a claim deadline as acted on ($1 claim, $2 deadline, $3 due at, $4
 * now): a row only the first sweep to get there inserts, so each deadline is
 * acted on once on any number of instances.
 */
export const MARK_DEADLINE_ACTED = `INSERT INTO claim_deadline_actions (claim_id, deadline, due_at, acted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`;

/** The columns of a claim's timeline entries, for `claim_events` (claim_id, type, actor_id, actor_role, internal, at, data). */
export function claimEventsInsertFrom(select: string): string {
  return `INSERT INTO claim_events (claim_id, type, actor_id, actor_role, internal, at, data) SELECT * FROM (${select}) AS claim_event_rows`;
}

/**
 * Claims whose next deadline passed ($1 now), soonest first, at most $2,
 * leaving out $3 (claims that failed earlier in the run) and, with $4, only
 * that claim; locked, skipping any another instance holds.
 */
export const DUE_CLAIMS = `
SELECT id FROM claims
 WHERE next_deadline_at <= $1 AND NOT (id = ANY ($3::uuid[])) AND ($4::uuid IS NULL OR id = $4::uuid)
 ORDER BY next_deadline_at, id LIMIT $2
   FOR UPDATE SKIP LOCKED`;

/** The claims the next batch would take ($1 now, $2 at most, $3 left out), unlocked: a failed batch's, to take one at a time. */
export const DUE_CLAIM_CANDIDATES = `SELECT id FROM claims WHERE next_deadline_at <= $1 AND NOT (id = ANY ($3::uuid[])) ORDER BY next_deadline_at, id LIMIT $2`;

/** A claim the claims sweep could not process ($1 the claim, $2 why, $3 when), for operators. */
export const RECORD_CLAIMS_SWEEP_FAILURE = `INSERT INTO claims_sweep_failures (claim_id, error, at) VALUES ($1, $2, $3)`;

const BUYER_ORDERS_WHERE = `
  FROM orders o
 WHERE o.buyer_id = $1
   AND ($2::text IS NULL
        OR o.id::text = lower($2)
        OR o.external_id ILIKE $3 ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM jsonb_array_elements(o.items) AS item WHERE item->>'title' ILIKE $3 ESCAPE '\\'))`;

/**
 * A page of a buyer's orders for the orders page ($1 buyer; $2 the search
 * text or null, matching the order's id exactly, or $3, a LIKE pattern, in
 * its reference or an item's title; $6 rows): older ones after the keyset
 * ($4 placed at, $5 id; none for the first page), newest first.
 */
export const BUYER_ORDERS_OLDER = `
SELECT o.id, o.placed_at ${BUYER_ORDERS_WHERE}
   AND ($4::timestamptz IS NULL OR (o.placed_at, o.id) < ($4::timestamptz, $5::uuid))
 ORDER BY o.placed_at DESC, o.id DESC LIMIT $6`;

/** The same, the newer ones before the keyset, nearest first (the page before, read backwards). */
export const BUYER_ORDERS_NEWER = `
SELECT o.id, o.placed_at ${BUYER_ORDERS_WHERE}
   AND (o.placed_at, o.id) > ($4::timestamptz, $5::uuid)
 ORDER BY o.placed_at ASC, o.id ASC LIMIT $6`;
