import { tokenClaims } from '../src/auth/auth.service.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { RunningProcess, startProcess } from '../test/support/parley-process.js';
import { withBenchDatabase } from './bench-database.js';

export interface CasesBenchOptions {
  /** A PostgreSQL server to create the bench database on; default: a throwaway embedded one. */
  serverUrl?: string;
  cases: number;
  messagesPerCase: number;
  /** Open cases of the measured seller (the rest are spread over other sellers). */
  hotSellerCases: number;
  sellers: number;
  buyers: number;
  connections: number;
  durationSeconds: number;
  log?: (line: string) => void;
}

export interface Measurement {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

export interface Scenario {
  name: string;
  parley: Measurement;
  bare: Measurement;
  ratio: number;
}

export interface CasesBenchResult {
  seedSeconds: number;
  scenarios: Scenario[];
}

const JWT_SECRET = randomBytes(32).toString('hex');
const HOT_SELLER = '00000000-0000-4000-8000-000000000001';

/** Loads users, calendars, cases, reply cycles and messages with set-based SQL. */
async function seed(url: string, options: CasesBenchOptions): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
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
    await db.query(`INSERT INTO calendars (id, kind, seller_id, created_at) SELECT md5('cal' || id)::uuid, 'seller', id, '2000-01-01' FROM users WHERE role = 'seller'`);
    await db.query(
      `INSERT INTO calendar_versions (calendar_id, version, effective_from, definition, note, created_at)
       SELECT id, 1, '2000-01-01', '{"timeZone":"America/Los_Angeles","workingDays":[1,2,3,4,5],"holidays":{"country":"US","subdivision":"CA"},"closures":[]}', 'bench', '2000-01-01'
         FROM calendars`,
    );
    // Case i: the hot seller's for i ≤ hotSellerCases, else one of the others. 70 % wait for the seller (an open cycle).
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE plan ON COMMIT DROP AS
       SELECT i,
              md5('case' || i)::uuid AS id,
              md5('cycle' || i)::uuid AS cycle_id,
              CASE WHEN i <= $2 THEN $3::uuid ELSE md5('seller' || (2 + i % ($4 - 1)))::uuid END AS seller_id,
              md5('buyer' || (1 + i % $5))::uuid AS buyer_id,
              (ARRAY['awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_buyer','resolved','closed'])[1 + i % 10] AS status,
              '2026-01-05T17:00:00Z'::timestamptz + (i % 200000) * interval '37 seconds' AS opened_at
         FROM generate_series(1, $1) i`,
      [options.cases, options.hotSellerCases, HOT_SELLER, options.sellers, options.buyers],
    );
    await db.query(
      `INSERT INTO cases (id, buyer_id, seller_id, listing_ref, topic, subject, status, cycle_id, clock_started_at, warn_at, due_at, escalate_at, resolved_at, closed_at, created_at, updated_at)
       SELECT id, buyer_id, seller_id, 'listing-' || i, 'question', 'Question ' || i, status,
              CASE WHEN status = 'awaiting_seller' THEN cycle_id END,
              CASE WHEN status = 'awaiting_seller' THEN opened_at END,
              CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '1 day' END,
              CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '2 days' END,
              CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '3 days' END,
              CASE WHEN status IN ('resolved', 'closed') THEN opened_at + interval '4 days' END,
              CASE WHEN status = 'closed' THEN opened_at + interval '34 days' END,
              opened_at, opened_at
         FROM plan`,
    );
    await db.query(
      `INSERT INTO reply_cycles (id, case_id, seq, opened_at, clock_started_at, warn_at, due_at, escalate_at, calendar_id, calendar_version, policy_version, closed_at, outcome)
       SELECT cycle_id, id, 1, opened_at, opened_at, opened_at + interval '1 day', opened_at + interval '2 days', opened_at + interval '3 days', md5('cal' || seller_id)::uuid, 1, 1,
              CASE WHEN status <> 'awaiting_seller' THEN opened_at + interval '1 hour' END,
              CASE WHEN status <> 'awaiting_seller' THEN 'answered' END
         FROM plan`,
    );
    await db.query('COMMIT');
    await db.query(
      `INSERT INTO messages (id, case_id, author_id, author_role, internal, body, visible_body, masked, quarantined, created_at)
       SELECT gen_random_uuid(), c.id, CASE WHEN k % 2 = 1 THEN c.buyer_id ELSE c.seller_id END, CASE WHEN k % 2 = 1 THEN 'buyer'::user_role ELSE 'seller'::user_role END,
              false, 'Message ' || k || ' about ' || c.subject, 'Message ' || k || ' about ' || c.subject, '{}', false, c.created_at + k * interval '1 hour'
         FROM cases c CROSS JOIN generate_series(1, $1) k`,
      [options.messagesPerCase],
    );
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }
}

export async function load(
  options: Pick<CasesBenchOptions, 'connections' | 'durationSeconds'>,
  url: string,
  request: autocannon.Request,
  headers: Record<string, string> = {},
): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [request],
  });
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts };
}

export async function runCasesBench(options: CasesBenchOptions): Promise<CasesBenchResult> {
  const log = options.log ?? (() => undefined);
  return withBenchDatabase(options.serverUrl, async (databaseUrl) => {
    const children: RunningProcess[] = [];
    try {
      const seedStart = Date.now();
      log(`seeding ${options.cases.toLocaleString('en-US')} cases and ${(options.cases * options.messagesPerCase).toLocaleString('en-US')} messages …`);
      await seed(databaseUrl, options);
      const seedSeconds = (Date.now() - seedStart) / 1000;
      log(`seeded in ${seedSeconds.toFixed(1)} s`);

      const common = { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '20', LOG_LEVEL: 'warn' };
      // BENCH_PARLEY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the Parley process.
      const parley = await startProcess(
        {
          ...common,
          JWT_SECRET,
          ADMIN_EMAIL: 'bench-admin@bench.test',
          ADMIN_PASSWORD: randomBytes(12).toString('hex'),
          SCHEDULER_ENABLED: 'false',
          POST_RATE_LIMIT_PER_MINUTE: '100000000',
        },
        { args: [...(process.env.BENCH_PARLEY_NODE_ARGS?.split(' ') ?? []), join(process.cwd(), 'dist/src/main.js')] },
      );
      children.push(parley);
      const bare = await startProcess(common, { args: ['--import', 'tsx', join(process.cwd(), 'bench/bare-cases-server.ts')], readyPath: '/health' });
      children.push(bare);

      const token = new JwtService({ secret: JWT_SECRET }).sign(tokenClaims(HOT_SELLER), { expiresIn: 3600 });
      const auth = { authorization: `Bearer ${token}` };
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      const deep = Math.floor(options.hotSellerCases * 0.6);
      const { rows: deepRows } = await db.query(
        `SELECT COALESCE(due_at, 'infinity'::timestamptz) AS key, id FROM cases
        WHERE seller_id = $1 AND status IN ('awaiting_seller', 'awaiting_buyer', 'escalated')
        ORDER BY COALESCE(due_at, 'infinity'::timestamptz), id OFFSET $2 LIMIT 1`,
        [HOT_SELLER, deep],
      );
      const key = deepRows[0].key instanceof Date ? deepRows[0].key.toISOString() : 'infinity';
      const cursor = Buffer.from(JSON.stringify([key, deepRows[0].id])).toString('base64url');
      const { rows: hotCases } = await db.query(`SELECT id FROM cases WHERE seller_id = $1 AND status IN ('awaiting_seller', 'awaiting_buyer') LIMIT 5000`, [HOT_SELLER]);
      await db.end();
      const caseIds = hotCases.map((row) => row.id as string);
      const someCase = () => caseIds[Math.floor(Math.random() * caseIds.length)];

      const scenarios: Scenario[] = [];
      const measure = async (name: string, parleyRequest: autocannon.Request, bareRequest: autocannon.Request) => {
        // A short warm-up of each side first, so that neither pays for JIT and cold caches in the measured run.
        await load({ ...options, durationSeconds: 1 }, parley.url, parleyRequest, auth);
        await load({ ...options, durationSeconds: 1 }, bare.url, bareRequest);
        const parleyLoad = await load(options, parley.url, parleyRequest, auth);
        const bareLoad = await load(options, bare.url, bareRequest);
        const scenario = { name, parley: parleyLoad, bare: bareLoad, ratio: parleyLoad.requestsPerSecond / bareLoad.requestsPerSecond };
        log(formatScenario(scenario));
        scenarios.push(scenario);
      };

      await measure(
        'POST /cases/:id/messages',
        { method: 'POST', setupRequest: (request) => ({ ...request, path: `/cases/${someCase()}/messages`, body: JSON.stringify({ body: 'Thanks, it ships tomorrow.' }) }) },
        {
          method: 'POST',
          setupRequest: (request) => ({ ...request, path: `/cases/${someCase()}/messages?author=${HOT_SELLER}`, body: JSON.stringify({ body: 'Thanks, it ships tomorrow.' }) }),
        },
      );
      await measure(
        'GET /cases (deep cursor)',
        { method: 'GET', path: `/cases?limit=20&cursor=${cursor}` },
        { method: 'GET', path: `/cases?seller=${HOT_SELLER}&limit=20&cursor=${cursor}` },
      );
      await measure('GET /cases (first page)', { method: 'GET', path: '/cases?limit=20' }, { method: 'GET', path: `/cases?seller=${HOT_SELLER}&limit=20` });
      return { seedSeconds, scenarios };
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
  });
}

export function formatScenario(scenario: Scenario): string {
  const side = (m: Measurement) => `${Math.round(m.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${m.p99Ms} ms${m.errors ? `, ${m.errors} errors` : ''}`;
  return `${scenario.name.padEnd(26)} parley ${side(scenario.parley)} | bare ${side(scenario.bare)} | ratio ${scenario.ratio.toFixed(2)}x`;
}
