import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { tokenClaims } from '../src/auth/auth.service.js';
import { RunningProcess, startProcess } from '../test/support/parley-process.js';
import { timedSeed, withBenchDatabase } from './bench-database.js';
import { onDatabase } from '../test/support/database.js';
import { searchVectorSql } from '../src/inbox/inbox.queries.js';
import { compare, LoadOptions, nodeArgs, Scenario, startParley } from './compare.js';

export interface InboxBenchOptions extends LoadOptions {
  /** A PostgreSQL server to create the bench database on; default: a throwaway embedded one. */
  serverUrl?: string;
  users: number;
  items: number;
  /** Items of the one heavy user that every request is made as; half of them from one seller (the bulk delete). */
  heavyUserItems: number;
  /** Both sides' connection pools. */
  poolSize: number;
  log?: (line: string) => void;
}

export interface InboxBenchResult {
  poolSize: { parley: number; bare: number };
  seedSeconds: number;
  scenarios: Scenario[];
  bulkDelete: { items: number; ms: number };
  /** The broadcast request, and a recipient's first read afterwards (which makes that user's item). */
  broadcast: { users: number; ms: number; firstLookMs: number };
}

const JWT_SECRET = randomBytes(32).toString('hex');
const HEAVY = '00000000-0000-4000-8000-0000000000aa';
const SELLER = '00000000-0000-4000-8000-0000000000bb';
const ADJECTIVES = [
  'blue',
  'red',
  'green',
  'small',
  'large',
  'vintage',
  'wooden',
  'steel',
  'silver',
  'golden',
  'soft',
  'bright',
  'quiet',
  'heavy',
  'light',
  'round',
  'square',
  'warm',
  'cold',
  'new',
];
const NOUNS = [
  'kettle',
  'lamp',
  'chair',
  'table',
  'mug',
  'jacket',
  'bicycle',
  'camera',
  'guitar',
  'blanket',
  'clock',
  'mirror',
  'kettlebell',
  'backpack',
  'sofa',
  'printer',
  'speaker',
  'watch',
  'notebook',
  'candle',
];
const WORDS = [
  'arrived',
  'shipped',
  'refund',
  'tracking',
  'parcel',
  'thanks',
  'question',
  'colour',
  'size',
  'delivery',
  'return',
  'invoice',
  'warranty',
  'broken',
  'café',
  'déjà',
  'naïve',
  'garantie',
  'lieferung',
  'paquete',
];

const sqlArray = (words: string[]) => `ARRAY[${words.map((word) => `'${word}'`).join(', ')}]`;

/** Users, one seller, and `items` Message Center items loaded with set-based SQL (indexes built after the load), and each user's counters. */
async function seed(url: string, options: InboxBenchOptions): Promise<void> {
  await onDatabase(url, async (db) => {
    await db.query('SET synchronous_commit = off');
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
     SELECT CASE WHEN i = 1 THEN $2::uuid ELSE md5('inbox-user' || i)::uuid END, 'user' || i || '@bench.test', 'x', 'buyer', 'User ' || i, '2025-01-01', '2025-01-01'
       FROM generate_series(1, $1) i`,
      [options.users, HEAVY],
    );
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at) VALUES ($1, 'seller@bench.test', 'x', 'seller', 'Bolt Gadgets', '2025-01-01', '2025-01-01')`,
      [SELLER],
    );
    const { rows: indexes } = await db.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inbox_items' AND indexname NOT LIKE '%_pkey' AND indexdef NOT LIKE '%UNIQUE%'`,
    );
    for (const index of indexes) await db.query(`DROP INDEX ${index.indexname}`);
    // Items arrive a minute apart, every k-th one (k = items ÷ heavyUserItems) the heavy user's and the rest spread over the other users, as
    // they would over time, so a user's items share their pages with everyone else's. Each item's looks come from p, the heavy user's own count for
    // theirs: every other one from SELLER, a mix of categories and words, 70 % read.
    await db.query(
      `INSERT INTO inbox_items (user_id, seq, category, kind, sender_kind, sender_id, sender_name, subject, body, created_at, read_at, search)
     SELECT user_id, n, category, kind, sender_kind, sender_id, sender_name, subject, body, created_at, read_at, ${searchVectorSql('subject', 'sender_name', 'body')} FROM (
     SELECT n, CASE WHEN heavy THEN $4::uuid ELSE md5('inbox-user' || (2 + n % ($3 - 1)))::uuid END AS user_id,
            (ARRAY['seller_messages', 'seller_messages', 'order_updates', 'customer_service', 'promotions', 'notices'])[1 + p % 6] AS category,
            'new_message' AS kind,
            CASE WHEN p % 2 = 0 THEN 'seller' ELSE 'marketplace' END AS sender_kind,
            CASE WHEN p % 2 = 0 THEN $5::uuid END AS sender_id,
            CASE WHEN p % 2 = 0 THEN 'Bolt Gadgets' ELSE 'Marketplace' END AS sender_name,
            'About your ' || (${sqlArray(ADJECTIVES)})[1 + p % 20] || ' ' || (${sqlArray(NOUNS)})[1 + (p / 20) % 20] AS subject,
            (${sqlArray(WORDS)})[1 + (p * 7) % 20] || ' ' || (${sqlArray(WORDS)})[1 + (p * 13) % 20] || ': the ' || (${sqlArray(ADJECTIVES)})[1 + (p * 3) % 20] || ' '
              || (${sqlArray(NOUNS)})[1 + (p * 11) % 20] || ' ' || (${sqlArray(WORDS)})[1 + (p * 17) % 20] || ' order ' || (p % 100000) AS body,
            '2026-01-01T00:00:00Z'::timestamptz + n * interval '1 minute' AS created_at,
            CASE WHEN p % 10 < 7 THEN '2026-01-01T00:00:00Z'::timestamptz + n * interval '1 minute' END AS read_at
       FROM generate_series(1, $1) n,
            LATERAL (SELECT n % $6 = 0 AND n / $6 <= $2 AS heavy) h,
            LATERAL (SELECT CASE WHEN heavy THEN n / $6 ELSE n END AS p) q) AS planned`,
      [
        options.items,
        options.heavyUserItems,
        options.users,
        HEAVY,
        SELLER,
        Math.max(1, Math.floor(options.items / options.heavyUserItems)),
      ],
    );
    for (const index of indexes) await db.query(index.indexdef);
    await db.query(
      `INSERT INTO inbox_counters (user_id, seq, unread_order_updates, unread_seller_messages, unread_customer_service, unread_promotions, unread_notices)
     SELECT user_id, max(seq),
            count(*) FILTER (WHERE read_at IS NULL AND category = 'order_updates'), count(*) FILTER (WHERE read_at IS NULL AND category = 'seller_messages'),
            count(*) FILTER (WHERE read_at IS NULL AND category = 'customer_service'), count(*) FILTER (WHERE read_at IS NULL AND category = 'promotions'),
            count(*) FILTER (WHERE read_at IS NULL AND category = 'notices')
       FROM inbox_items GROUP BY user_id`,
    );
    await db.query('VACUUM ANALYZE');
  });
}

/**
 * bench:inbox: Parley's Message Center against bare Fastify + pg running the
 * same queries, as one heavy user, at `connections` connections; then a bulk
 * delete of half that user's items and a broadcast to every user, timed.
 */
export async function runInboxBench(options: InboxBenchOptions): Promise<InboxBenchResult> {
  const log = options.log ?? (() => undefined);
  return withBenchDatabase(options.serverUrl, async (databaseUrl) => {
    const children: RunningProcess[] = [];
    try {
      const seedSeconds = await timedSeed(
        log,
        `${options.items.toLocaleString('en-US')} items over ${options.users.toLocaleString('en-US')} users (${options.heavyUserItems.toLocaleString('en-US')} for the heavy one)`,
        () => seed(databaseUrl, options),
      );

      const common = { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(options.poolSize), LOG_LEVEL: 'warn' };
      log(`pool size: parley ${common.DATABASE_POOL_SIZE}, bare ${common.DATABASE_POOL_SIZE}`);
      const parley = await startParley({
        ...common,
        JWT_SECRET,
      });
      children.push(parley);
      const bare = await startProcess(common, {
        args: [...nodeArgs('bare'), '--import', 'tsx', join(process.cwd(), 'bench/bare-inbox-server.ts')],
        readyPath: '/health',
      });
      children.push(bare);

      const jwt = new JwtService({ secret: JWT_SECRET });
      const auth = { authorization: `Bearer ${jwt.sign(tokenClaims(HEAVY), { expiresIn: 3600 })}` };
      return await onDatabase(databaseUrl, async (db) => {
        const scenarios: Scenario[] = [];
        const measure = async (
          name: string,
          parleyPath: string,
          barePath: string,
          connections = options.connections,
        ) => {
          // BENCH_ONLY=<part of a name> measures that scenario alone (for profiling one at a time).
          if (process.env.BENCH_ONLY && !name.includes(process.env.BENCH_ONLY)) return;
          const sides = {
            parley: { url: parley.url, request: { method: 'GET' as const, path: parleyPath }, headers: auth },
            bare: { url: bare.url, request: { method: 'GET' as const, path: barePath } },
          };
          scenarios.push(await compare({ ...options, connections }, name, sides, db, log));
        };
        await measure('GET /inbox (first page)', '/inbox?limit=50', `/inbox?user=${HEAVY}&limit=50`);
        await measure(
          'GET /inbox (filtered)',
          '/inbox?limit=50&category=seller_messages&unread=true',
          `/inbox?user=${HEAVY}&limit=50&category=seller_messages&unread=true`,
        );
        await measure('GET /inbox (search)', '/inbox?limit=50&q=kettle', `/inbox?user=${HEAVY}&limit=50&q=kettle`);
        await measure('GET /inbox/counts', '/inbox/counts', `/inbox/counts?user=${HEAVY}`);
        // The same two at a fifth of the connections: the latency of the work itself, with less of the queue in front of it.
        const few = Math.max(1, Math.round(options.connections / 5));
        await measure(
          `GET /inbox (search, ${few} conns)`,
          '/inbox?limit=50&q=kettle',
          `/inbox?user=${HEAVY}&limit=50&q=kettle`,
          few,
        );
        await measure(`GET /inbox/counts (${few} conns)`, '/inbox/counts', `/inbox/counts?user=${HEAVY}`, few);

        const timed = async (path: string, body: object, token: string) => {
          const began = Date.now();
          const response = await fetch(`${parley.url}${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          const ms = Date.now() - began;
          if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
          return { ms, body: (await response.json()) as Record<string, number> };
        };
        const deleted = await timed(
          '/inbox/delete',
          { filter: { sender: SELLER } },
          jwt.sign(tokenClaims(HEAVY), { expiresIn: 3600 }),
        );
        const bulkDelete = { items: deleted.body.updated, ms: deleted.ms };
        log(`bulk delete: ${bulkDelete.items.toLocaleString('en-US')} items in ${bulkDelete.ms} ms`);
        const [{ id: adminId }] = (await db.query(`SELECT id FROM users WHERE role = 'admin'`)).rows;
        const sent = await timed(
          '/admin/broadcasts',
          {
            category: 'promotions',
            subject: 'Spring sale',
            body: 'Twenty per cent off everything',
            audience: 'buyers',
          },
          jwt.sign(tokenClaims(adminId)),
        );
        // A recipient's first look afterwards makes its item (BroadcastDelivery): the part of a broadcast each user pays for.
        const looked = Date.now();
        const counts = await fetch(`${parley.url}/inbox/counts`, { headers: auth });
        if (!counts.ok) throw new Error(`/inbox/counts: ${counts.status}`);
        const broadcast = { users: sent.body.recipients, ms: sent.ms, firstLookMs: Date.now() - looked };
        if (((await counts.json()) as { unread: { promotions: number } }).unread.promotions < 1)
          throw new Error('the broadcast did not reach the heavy user');
        log(
          `broadcast: ${broadcast.users.toLocaleString('en-US')} users in ${broadcast.ms} ms; a recipient's first look after it: ${broadcast.firstLookMs} ms`,
        );
        return {
          poolSize: { parley: options.poolSize, bare: options.poolSize },
          seedSeconds,
          scenarios,
          bulkDelete,
          broadcast,
        };
      });
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
  });
}
