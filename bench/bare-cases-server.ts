import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { INBOX_CHANNEL, searchVectorSql } from '../src/inbox/inbox.queries.js';

/**
 * The baseline for bench:cases: bare Fastify + pg running the same queries as
 * Parley's GET /cases (a seller's open cases, nearest deadline first, keyset
 * cursor) and the same row changes as its POST /cases/:id/messages, with no
 * auth, validation, content policy, rate limit or ORM.
 */
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
});
const app = Fastify();
const iso = (date: Date | null) => (date ? date.toISOString() : null);

app.get<{ Querystring: { seller: string; limit?: string; cursor?: string } }>('/cases', async (request) => {
  const limit = Number(request.query.limit ?? 20);
  const params: unknown[] = [request.query.seller, limit + 1];
  let keyset = '';
  if (request.query.cursor) {
    const [key, id] = JSON.parse(Buffer.from(request.query.cursor, 'base64url').toString('utf8'));
    params.push(key, id);
    keyset = `AND (COALESCE(c.due_at, 'infinity'::timestamptz), c.id) > ($3::timestamptz, $4::uuid)`;
  }
  const { rows } = await pool.query(
    `SELECT * FROM cases c
      WHERE c.seller_id = $1 AND c.status IN ('awaiting_seller', 'awaiting_buyer', 'escalated') ${keyset}
      ORDER BY COALESCE(c.due_at, 'infinity'::timestamptz) ASC, c.id ASC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((c) => ({
      id: c.id,
      buyerId: c.buyer_id,
      sellerId: c.seller_id,
      orderId: c.order_id,
      listingRef: c.listing_ref,
      topic: c.topic,
      subject: c.subject,
      status: c.status,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
      sla: {
        clockStartedAt: iso(c.clock_started_at),
        warnAt: iso(c.warn_at),
        dueAt: iso(c.due_at),
        escalateAt: iso(c.escalate_at),
      },
    })),
    nextCursor:
      rows.length > limit
        ? Buffer.from(JSON.stringify([last.due_at ? last.due_at.toISOString() : 'infinity', last.id])).toString(
            'base64url',
          )
        : null,
  };
});

// The seller's reply: the same row changes as Parley's (the message; its timeline event; the email's outbox row and the buyer's Message
// Center item with the counters and the live-update NOTIFY; when the buyer was waiting, the reply cycle closed with its two events
// and the case's new status), in the same shape: the case locked and read first, then one statement, in a transaction.
const REPLY = `
WITH posted AS (
  INSERT INTO messages (id, case_id, author_id, author_role, internal, body, visible_body, masked, quarantined, created_at)
  VALUES ($1, $2, $3, 'seller', false, $4, $4, '{}', false, $5) RETURNING id, visible_body
), events AS (
  INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
  SELECT $2, type, actor_id, actor_role, false, $5, data FROM (VALUES
    (1, 'message_posted', $3::uuid, 'seller', jsonb_build_object('messageId', $1::uuid, 'masked', '[]'::jsonb)),
    (2, 'reply_cycle_closed', NULL, 'system', jsonb_build_object('outcome', 'answered', 'onTime', $5 < $9::timestamptz, 'responseBusinessMinutes', $10::numeric)),
    (3, 'status_changed', $3::uuid, 'seller', jsonb_build_object('from', 'awaiting_seller', 'to', 'awaiting_buyer'))
  ) AS e (n, type, actor_id, actor_role, data)
  WHERE n = 1 OR $7::uuid IS NOT NULL ORDER BY n
), notified AS (
  INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
  VALUES ('new_message', 'seller_messages', $6, $2, $1 || ':new_message:buyer', jsonb_build_object('caseId', $2::uuid, 'role', 'buyer', 'messageId', $1::uuid), $5, $5)
  RETURNING id
), counted AS (
  INSERT INTO inbox_counters AS c (user_id, seq, unread_seller_messages) VALUES ($6, 1, 1)
  ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + 1, unread_seller_messages = c.unread_seller_messages + 1
  RETURNING seq
), item AS (
  INSERT INTO inbox_items (outbox_id, user_id, seq, category, kind, sender_kind, sender_id, sender_name, subject, body, case_id, message_id, created_at, search)
  SELECT n.id, $6, k.seq, 'seller_messages', 'new_message', 'seller', $3, $8, s.subject, p.visible_body, $2, p.id, $5, ${searchVectorSql('s.subject', '$8', 'p.visible_body')}
    FROM notified n, counted k, posted p, (SELECT COALESCE(subject_original, subject) AS subject FROM cases WHERE id = $2) AS s
  RETURNING user_id
), cycle AS (
  UPDATE reply_cycles SET closed_at = $5, outcome = 'answered', answered_by = $1, response_business_minutes = $10 WHERE id = $7
), saved AS (
  UPDATE cases SET status = CASE WHEN $7::uuid IS NULL THEN status ELSE 'awaiting_buyer' END, cycle_id = NULL, clock_started_at = NULL, warn_at = NULL, due_at = NULL,
         escalate_at = NULL, sla_level = 0, next_action_at = NULL, updated_at = $5
   WHERE id = $2
)
SELECT pg_notify('${INBOX_CHANNEL}', $6::text)`;

app.post<{ Params: { id: string }; Querystring: { author: string }; Body: { body: string } }>(
  '/cases/:id/messages',
  async (request, reply) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `SELECT c.id, c.buyer_id, c.status, c.cycle_id, y.opened_at, y.due_at AS cycle_due_at, u.display_name
         FROM cases c JOIN users u ON u.id = c.seller_id LEFT JOIN reply_cycles y ON y.id = c.cycle_id
        WHERE c.id = $1 FOR UPDATE OF c`,
        [request.params.id],
      );
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return reply.status(404).send({ status: 404 });
      }
      const [found] = rows;
      const id = randomUUID();
      const now = new Date();
      const minutes = found.opened_at ? Math.floor((now.getTime() - found.opened_at.getTime()) / 60_000) : null;
      await client.query(REPLY, [
        id,
        request.params.id,
        request.query.author,
        request.body.body,
        now,
        found.buyer_id,
        found.cycle_id,
        found.display_name,
        found.cycle_due_at,
        minutes,
      ]);
      await client.query('COMMIT');
      return reply.status(201).send({
        id,
        caseId: request.params.id,
        body: request.body.body,
        createdAt: now.toISOString(),
        masked: [],
        attachments: [],
      });
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  },
);

app.get('/health', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
// A clean exit on SIGTERM, so that a profile asked for with BENCH_BARE_NODE_ARGS gets written.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
