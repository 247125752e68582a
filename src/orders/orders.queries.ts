/**
 * An order, unless one with its external id exists (a retry): $1 id, $2
 * external id, $3 buyer, $4 seller, $5 placed at, $6 latest delivery date,
 * $7 total (minor units), $8 currency, $9 items (JSON), $10 now. Returns the
 * id only when it made the order.
 */
export const INSERT_ORDER = `
INSERT INTO orders (id, external_id, buyer_id, seller_id, placed_at, max_delivery_date, total_amount, currency, items, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
ON CONFLICT (external_id) DO NOTHING RETURNING id`;

/**
 * An order event, once per order, type and instant: $1 id, $2 order, $3
 * type, $4 at, $5 note, $6 now. Returns the id only when it recorded the event.
 */
export const INSERT_ORDER_EVENT = `
INSERT INTO order_events (id, order_id, type, at, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (order_id, type, at) DO NOTHING RETURNING id`;
