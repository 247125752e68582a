import Fastify from 'fastify';
import pg from 'pg';
import { searchSnippetSql } from '../src/inbox/inbox.queries.js';

/**
 * The baseline for bench:inbox: bare Fastify + pg running the same queries as
 * Parley's Message Center (a user's first page, a filtered page, a search
 * with snippets, the counts), with no auth, validation or framework. The
 * snippet's SQL is Parley's own (searchSnippetSql), so both sides do the same work.
 */
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
});
const app = Fastify();
const CATEGORIES = ['order_updates', 'seller_messages', 'buyer_messages', 'customer_service', 'promotions', 'notices'];
const COLUMNS = `i.id, i.seq, i.category, i.sender_kind, i.sender_id, i.sender_name, i.subject, i.case_id, i.order_id, i.claim_id, i.created_at, i.read_at, i.deleted_at`;

interface Row {
  id: string;
  category: string;
  sender_kind: string;
  sender_id: string | null;
  sender_name: string;
  subject: string;
  snippet: string;
  case_id: string | null;
  order_id: string | null;
  claim_id: string | null;
  created_at: Date;
  read_at: Date | null;
  deleted_at: Date | null;
}

const view = (row: Row) => ({
  id: row.id,
  category: row.category,
  sender: {
    kind: row.sender_kind,
    ...(row.sender_id ? { id: row.sender_id } : {}),
    name: row.sender_name,
    verified: row.sender_kind === 'marketplace',
  },
  subject: row.subject,
  snippet: row.snippet,
  ...(row.case_id ? { caseId: row.case_id } : {}),
  createdAt: row.created_at.toISOString(),
  readAt: row.read_at ? row.read_at.toISOString() : null,
  deletedAt: row.deleted_at ? row.deleted_at.toISOString() : null,
});

app.get<{ Querystring: { user: string; category?: string; unread?: string; q?: string; limit?: string } }>(
  '/inbox',
  async (request) => {
    const limit = Number(request.query.limit ?? 50);
    const params: unknown[] = [request.query.user];
    const where = ['i.user_id = $1', 'i.hidden_at IS NULL', 'i.deleted_at IS NULL'];
    if (request.query.category) where.push(`i.category = $${params.push(request.query.category)}`);
    if (request.query.unread === 'true') where.push('i.read_at IS NULL');
    let snippet = 'left(i.body, 200)';
    if (request.query.q) {
      const q = `$${params.push(request.query.q)}`;
      where.push(`i.search @@ websearch_to_tsquery('parley_search', ${q})`);
      snippet = searchSnippetSql(q);
    }
    const { rows } = await pool.query<Row>(
      `SELECT ${COLUMNS}, ${snippet} AS snippet FROM inbox_items i WHERE ${where.join(' AND ')} ORDER BY i.created_at DESC, i.seq DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(view),
      nextCursor:
        rows.length > limit
          ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString('base64url')
          : null,
    };
  },
);

app.get<{ Querystring: { user: string } }>('/inbox/counts', async (request) => {
  const { rows } = await pool.query<Record<string, number>>('SELECT * FROM inbox_counters WHERE user_id = $1', [
    request.query.user,
  ]);
  const unread = Object.fromEntries(
    CATEGORIES.map((category) => [category, Number(rows[0]?.[`unread_${category}`] ?? 0)]),
  );
  return {
    unread: { ...unread, total: Object.values(unread).reduce((sum, n) => sum + n, 0) },
    trash: Number(rows[0]?.trash ?? 0),
  };
});

app.get('/health', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
// A clean exit on SIGTERM, so that a profile asked for with BENCH_BARE_NODE_ARGS gets written.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
