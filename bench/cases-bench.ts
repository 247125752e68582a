import { tokenClaims } from '../src/auth/auth.service.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import { RunningProcess, startProcess } from '../test/support/parley-process.js';
import { insertPlannedCases, seedSellerCalendars, timedSeed, withBenchDatabase } from './bench-database.js';
import { onDatabase } from '../test/support/database.js';
import { compare, LoadOptions, nodeArgs, Scenario, startParley } from './compare.js';

export interface CasesBenchOptions extends LoadOptions {
  /** A PostgreSQL server to create the bench database on; default: a throwaway embedded one. */
  serverUrl?: string;
  /** Each size is a database of its own with this many cases; the figures are printed side by side. */
  sizes: number[];
  messagesPerCase: number;
  /** Open cases of the measured seller (the rest are spread over other sellers). */
  hotSellerCases: number;
  sellers: number;
  buyers: number;
  /** Both sides' connection pools. */
  poolSize: number;
  /** Runs of the sweep with nothing due (the median is reported). */
  sweepRuns: number;
  log?: (line: string) => void;
}

/** What each side's replies wrote, per reply: every one should be 1. */
export interface RowChanges {
  replies: number;
  events: number;
  outbox: number;
  items: number;
  /** Replies that answered a waiting buyer (closed a cycle and changed the case's status). */
  cyclesClosed: number;
  statusEvents: number;
}

export interface SizeResult {
  cases: number;
  seedSeconds: number;
  scenarios: Scenario[];
  /** The SLA sweep with nothing due: median milliseconds of the job through HTTP. */
  emptySweepMs: number;
  rowChanges: { parley: RowChanges; bare: RowChanges };
}

export interface CasesBenchResult {
  poolSize: { parley: number; bare: number };
  sizes: SizeResult[];
}

const JWT_SECRET = randomBytes(32).toString('hex');
const HOT_SELLER = '00000000-0000-4000-8000-000000000001';

/** Loads users, calendars, cases, reply cycles and messages with set-based SQL. */
async function seed(url: string, options: CasesBenchOptions, cases: number): Promise<void> {
  await onDatabase(url, async (db) => {
    await db.query('SET synchronous_commit = off');
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
     SELECT CASE WHEN i = 1 THEN $2::uuid ELSE md5('seller' || i)::uuid END, 'seller' || i || '@bench.test', 'x', 'seller', 'Seller ' || i, '2025-01-01', '2025-01-01'
       FROM generate_series(1, $1) i`,
      [options.sellers, HOT_SELLER],
    );
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
     SELECT md5('buyer' || i)::uuid, 'buyer' || i || '@bench.test', 'x', 'buyer', 'Buyer ' || i, '2025-01-01', '2025-01-01'
       FROM generate_series(1, $1) i`,
      [options.buyers],
    );
    await seedSellerCalendars(db);
    // Case i: the hot seller's for i ≤ hotSellerCases, else one of the others. 70 % wait for the seller (an open cycle, opened
    // in the last 11 hours, so its first deadline is ahead and the sweep has nothing due although its index holds them all).
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE plan ON COMMIT DROP AS
     SELECT i,
            md5('case' || i)::uuid AS id,
            md5('cycle' || i)::uuid AS cycle_id,
            CASE WHEN i <= $2 THEN $3::uuid ELSE md5('seller' || (2 + i % ($4 - 1)))::uuid END AS seller_id,
            md5('buyer' || (1 + i % $5))::uuid AS buyer_id,
            'listing-' || i AS listing_ref,
            'Question ' || i AS subject,
            (ARRAY['awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_buyer','resolved','closed'])[1 + i % 10] AS status,
            now() - interval '1 minute' - (i % 200000) * interval '200 milliseconds' AS opened_at
       FROM generate_series(1, $1) i`,
      [cases, options.hotSellerCases, HOT_SELLER, options.sellers, options.buyers],
    );
    await insertPlannedCases(db);
    await db.query('COMMIT');
    await db.query(
      `INSERT INTO messages (id, case_id, author_id, author_role, internal, body, visible_body, masked, quarantined, created_at)
     SELECT gen_random_uuid(), c.id, CASE WHEN k % 2 = 1 THEN c.buyer_id ELSE c.seller_id END, CASE WHEN k % 2 = 1 THEN 'buyer'::user_role ELSE 'seller'::user_role END,
            false, 'Message ' || k || ' about ' || c.subject, 'Message ' || k || ' about ' || c.subject, '{}', false, c.created_at - (6 - k) * interval '1 minute'
       FROM cases c CROSS JOIN generate_series(1, $1) k`,
      [options.messagesPerCase],
    );
    await db.query('VACUUM ANALYZE');
  });
}

const REPLY_BODY = 'Thanks, it ships tomorrow.';

/** Per side (told apart by the body's tag), what its replies wrote: joins, so each table is read once however many replies there were. */
const ROW_CHANGES = `
WITH mine AS (SELECT id, case_id, created_at FROM messages WHERE author_id = $1 AND body = $2)
SELECT (SELECT count(*) FROM mine)::int AS replies,
       (SELECT count(*) FROM case_events e JOIN mine m ON e.case_id = m.case_id AND e.data->>'messageId' = m.id::text WHERE e.type = 'message_posted')::int AS events,
       (SELECT count(*) FROM outbox o JOIN mine m ON o.dedupe_key = m.id || ':new_message:buyer')::int AS outbox,
       (SELECT count(*) FROM inbox_items i JOIN mine m ON i.message_id = m.id WHERE i.category = 'seller_messages')::int AS items,
       (SELECT count(*) FROM reply_cycles y JOIN mine m ON y.answered_by = m.id WHERE y.outcome = 'answered')::int AS "cyclesClosed",
       (SELECT count(*) FROM case_events e JOIN mine m ON e.case_id = m.case_id AND e.at = m.created_at WHERE e.type = 'status_changed' AND e.actor_id = $1)::int AS "statusEvents"`;

/** One size: a database of its own, both servers on it, every scenario, then the empty sweep and the row-change check. */
async function runSize(options: CasesBenchOptions, cases: number, log: (line: string) => void): Promise<SizeResult> {
  return withBenchDatabase(options.serverUrl, async (databaseUrl) => {
    const children: RunningProcess[] = [];
    try {
      const seedSeconds = await timedSeed(
        log,
        `${cases.toLocaleString('en-US')} cases and ${(cases * options.messagesPerCase).toLocaleString('en-US')} messages`,
        () => seed(databaseUrl, options, cases),
      );

      const common = { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(options.poolSize), LOG_LEVEL: 'warn' };
      const parley = await startParley({
        ...common,
        JWT_SECRET,
        POST_RATE_LIMIT_PER_MINUTE: '100000000',
      });
      children.push(parley);
      const bare = await startProcess(common, {
        args: [...nodeArgs('bare'), '--import', 'tsx', join(process.cwd(), 'bench/bare-cases-server.ts')],
        readyPath: '/health',
      });
      children.push(bare);

      const jwt = new JwtService({ secret: JWT_SECRET });
      const auth = { authorization: `Bearer ${jwt.sign(tokenClaims(HOT_SELLER), { expiresIn: 3600 })}` };
      return await onDatabase(databaseUrl, async (db) => {
        const deep = Math.floor(options.hotSellerCases * 0.6);
        const { rows: deepRows } = await db.query(
          `SELECT COALESCE(due_at, 'infinity'::timestamptz) AS key, id FROM cases
        WHERE seller_id = $1 AND status IN ('awaiting_seller', 'awaiting_buyer', 'escalated')
        ORDER BY COALESCE(due_at, 'infinity'::timestamptz), id OFFSET $2 LIMIT 1`,
          [HOT_SELLER, deep],
        );
        const key = deepRows[0].key instanceof Date ? deepRows[0].key.toISOString() : 'infinity';
        const cursor = Buffer.from(JSON.stringify([key, deepRows[0].id])).toString('base64url');
        // Each side replies on cases of its own, buyers waiting on most of them: the same mix of work on both sides.
        const { rows: waiting } = await db.query(
          `SELECT id FROM cases WHERE seller_id = $1 AND status IN ('awaiting_seller', 'awaiting_buyer') ORDER BY id LIMIT 10000`,
          [HOT_SELLER],
        );
        const ids = waiting.map((row) => row.id as string);
        const pick = (pool: string[]) => () => pool[Math.floor(Math.random() * pool.length)];
        const parleyCase = pick(ids.filter((_, index) => index % 2 === 0));
        const bareCase = pick(ids.filter((_, index) => index % 2 === 1));

        const scenarios: Scenario[] = [];
        const measure = async (name: string, parleyRequest: autocannon.Request, bareRequest: autocannon.Request) => {
          // BENCH_ONLY=<part of a name> measures that scenario alone (for profiling one at a time).
          if (process.env.BENCH_ONLY && !name.includes(process.env.BENCH_ONLY)) return;
          scenarios.push(
            await compare(
              options,
              name,
              {
                parley: { url: parley.url, request: parleyRequest, headers: auth },
                bare: { url: bare.url, request: bareRequest },
              },
              db,
              log,
            ),
          );
        };

        await measure(
          'POST /cases/:id/messages',
          {
            method: 'POST',
            setupRequest: (request) => ({
              ...request,
              path: `/cases/${parleyCase()}/messages`,
              body: JSON.stringify({ body: `${REPLY_BODY} [parley]` }),
            }),
          },
          {
            method: 'POST',
            setupRequest: (request) => ({
              ...request,
              path: `/cases/${bareCase()}/messages?author=${HOT_SELLER}`,
              body: JSON.stringify({ body: `${REPLY_BODY} [bare]` }),
            }),
          },
        );
        await measure(
          'GET /cases (deep cursor)',
          { method: 'GET', path: `/cases?limit=20&cursor=${cursor}` },
          { method: 'GET', path: `/cases?seller=${HOT_SELLER}&limit=20&cursor=${cursor}` },
        );
        await measure(
          'GET /cases (first page)',
          { method: 'GET', path: '/cases?limit=20' },
          { method: 'GET', path: `/cases?seller=${HOT_SELLER}&limit=20` },
        );

        const rowChanges = {
          parley: (await db.query(ROW_CHANGES, [HOT_SELLER, `${REPLY_BODY} [parley]`])).rows[0] as RowChanges,
          bare: (await db.query(ROW_CHANGES, [HOT_SELLER, `${REPLY_BODY} [bare]`])).rows[0] as RowChanges,
        };

        // The sweep with nothing due, through HTTP as its job runs it (the index holds every open cycle).
        const adminId: string = (await db.query(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
        const adminAuth = { authorization: `Bearer ${jwt.sign(tokenClaims(adminId), { expiresIn: 3600 })}` };
        const sweeps: number[] = [];
        for (let run = 0; run <= options.sweepRuns; run++) {
          const began = process.hrtime.bigint();
          const response = await fetch(`${parley.url}/admin/jobs/sla-sweep/run`, {
            method: 'POST',
            headers: adminAuth,
          });
          const swept = (await response.json()) as { atRisk: number; late: number; escalated: number };
          if (response.status !== 200 || swept.atRisk + swept.late + swept.escalated > 0)
            throw new Error(`the sweep was to find nothing due: ${JSON.stringify(swept)}`);
          if (run > 0) sweeps.push(Number(process.hrtime.bigint() - began) / 1e6); // the first one warms up
        }
        const emptySweepMs = sweeps.sort((a, b) => a - b)[Math.floor(sweeps.length / 2)];
        log(`empty sweep ${emptySweepMs.toFixed(1)} ms (median of ${options.sweepRuns})`);
        return { cases, seedSeconds, scenarios, emptySweepMs, rowChanges };
      });
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
  });
}

export async function runCasesBench(options: CasesBenchOptions): Promise<CasesBenchResult> {
  const log = options.log ?? (() => undefined);
  const sizes: SizeResult[] = [];
  for (const cases of options.sizes) sizes.push(await runSize(options, cases, log));
  return { poolSize: { parley: options.poolSize, bare: options.poolSize }, sizes };
}
