import { webhookEventsInsertFrom } from './webhooks.js';

/**
 * Webhooks' statements: events written with the change that causes them,
 * admins' endpoints and deliveries (WebhooksService), the dispatcher fanning
 * events out to endpoints, and each delivery's attempts.
 */

/**
 * Fans new events out to the endpoints subscribed when they happened (one
 * delivery each, unique per event and endpoint), in batches that instances
 * take with SKIP LOCKED. $1 now, $2 batch size.
 */
export const FAN_OUT = `
WITH due AS (
  SELECT id, type, created_at FROM webhook_events WHERE fanned_out_at IS NULL ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
), delivered AS (
  INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, created_at)
  SELECT d.id, w.id, $1::timestamptz, $1::timestamptz
    FROM due d JOIN webhook_endpoints w ON d.type = ANY (w.events) AND w.created_at <= d.created_at AND w.deleted_at IS NULL
  ON CONFLICT (event_id, endpoint_id) DO NOTHING
  RETURNING 1
), marked AS (
  UPDATE webhook_events e SET fanned_out_at = $1 FROM due WHERE e.id = due.id RETURNING 1
)
SELECT (SELECT count(*) FROM marked)::int AS events, (SELECT count(*) FROM delivered)::int AS deliveries`;

/** Takes due deliveries (and those whose sender's lease ran out), leases them and counts the attempt. $1 now, $2 batch, $3 lease end. */
export const CLAIM = `
WITH due AS (
  SELECT id FROM webhook_deliveries
   WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
   ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
), leased AS (
  UPDATE webhook_deliveries d SET status = 'sending', lease_until = $3, attempts = d.attempts + 1 FROM due WHERE d.id = due.id
  RETURNING d.id, d.event_id, d.endpoint_id, d.attempts
)
SELECT l.id, l.attempts, e.id AS event_id, e.type, e.data, e.created_at, w.url, w.secret
  FROM leased l JOIN webhook_events e ON e.id = l.event_id JOIN webhook_endpoints w ON w.id = l.endpoint_id`;

/** Leased delivery $1 was answered at $2 with status $3. */
export const DELIVERED = `UPDATE webhook_deliveries SET status = 'delivered', lease_until = NULL, delivered_at = $2, last_status_code = $3, last_error = NULL WHERE id = $1 AND status = 'sending'`;

/** Leased delivery $1 failed for good: last status $2 (or null), error $3. */
export const FAILED = `UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, last_status_code = $2, last_error = $3 WHERE id = $1 AND status = 'sending'`;

/** Leased delivery $1 goes back to pending, to be tried again at $2: last status $3 (or null), error $4. */
export const TRY_LATER = `UPDATE webhook_deliveries SET status = 'pending', lease_until = NULL, next_attempt_at = $2, last_status_code = $3, last_error = $4 WHERE id = $1 AND status = 'sending'`;

/** Events of types $1, data $2 and times $3 (arrays, one element per event), in that order. */
export const EMIT = webhookEventsInsertFrom(`SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[])`);

/** Registers endpoint $1 for URL $2 and event types $3, signing with secret $4, by user $5 at $6; returns it as the admin view shows it. */
export const REGISTER_ENDPOINT = `INSERT INTO webhook_endpoints (id, url, events, secret, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, url, events, created_at`;

/** The endpoints not deleted, oldest first. */
export const ENDPOINTS = `SELECT id, url, events, created_at FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id`;

/** Deletes endpoint $1 at $2 unless it was already; returns it (no row when there was none to delete). */
export const REMOVE_ENDPOINT = `WITH deleted AS (UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id, url, events, created_at) SELECT * FROM deleted`;

/** The deliveries of endpoint $1 not made yet fail: the endpoint was deleted. */
export const DROP_UNSENT_DELIVERIES = `UPDATE webhook_deliveries SET status = 'failed', last_error = 'The endpoint was deleted' WHERE endpoint_id = $1 AND status IN ('pending', 'sending')`;

/** A row when endpoint $1 exists (deleted or not). */
export const ENDPOINT_EXISTS = `SELECT 1 FROM webhook_endpoints WHERE id = $1`;

/**
 * A page of endpoint $1's deliveries with their event's type, newest first:
 * only those in status $2 unless null, after the keyset cursor ($3 created
 * at, $4 id) unless null, at most $5.
 */
export const DELIVERIES_PAGE = `
SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
 WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
   AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
 ORDER BY d.created_at DESC, d.id DESC LIMIT $5`;

/** Delivery $1, locked, with its event's type and its endpoint's `deleted_at`. */
export const DELIVERY_FOR_RETRY = `
SELECT d.*, e.type, w.deleted_at FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
 WHERE d.id = $1 FOR UPDATE OF d`;

/** Delivery $1 goes out again at $2 with a fresh series of attempts; returns it with its event's type. */
export const RETRY_DELIVERY = `
WITH retried AS (
  UPDATE webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_until = NULL FROM webhook_events e
   WHERE d.id = $1 AND e.id = d.event_id
  RETURNING d.*, e.type
)
SELECT * FROM retried`;
