import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The baseline for bench:cases: bare Fastify + pg running the same queries as
 * Parley's GET /cases (a seller's open cases, nearest deadline first, keyset
 * cursor) and POST /cases/:id/messages (lock the case, insert the message and
 * its timeline event, update the case), with no auth, validation or ORM.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
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
      sla: { clockStartedAt: iso(c.clock_started_at), warnAt: iso(c.warn_at), dueAt: iso(c.due_at), escalateAt: iso(c.escalate_at) },
    })),
    nextCursor: rows.length > limit ? Buffer.from(JSON.stringify([last.due_at ? last.due_at.toISOString() : 'infinity', last.id])).toString('base64url') : null,
  };
});

app.post<{ Params: { id: string }; Querystring: { author: string }; Body: { body: string } }>('/cases/:id/messages', async (request, reply) => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT id, status FROM cases WHERE id = $1 FOR UPDATE', [request.params.id]);
    if (rows.length === 0) {
      await client.query('ROLLBACK');
      return reply.status(404).send({ status: 404 });
    }
    const id = randomUUID();
    const now = new Date();
    await client.query(
      `INSERT INTO messages (id, case_id, author_id, author_role, internal, body, visible_body, masked, quarantined, created_at)
       VALUES ($1, $2, $3, 'seller', false, $4, $4, '{}', false, $5)`,
      [id, request.params.id, request.query.author, request.body.body, now],
    );
    await client.query(`INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data) VALUES ($1, 'message_posted', $2, 'seller', false, $3, $4)`, [
      request.params.id,
      request.query.author,
      now,
      JSON.stringify({ messageId: id, masked: [] }),
    ]);
    await client.query('UPDATE cases SET updated_at = $2 WHERE id = $1', [request.params.id, now]);
    await client.query('COMMIT');
    return reply.status(201).send({ id, caseId: request.params.id, body: request.body.body, createdAt: now.toISOString(), masked: [] });
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
});

app.get('/health', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
