import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { freePort, startThrowawayPostgres } from '../test/support/postgres-server.js';

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

async function startProcess(command: string, args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${output}`);
    if ((await fetch(readyUrl).then((r) => r.status, () => 0)) === 200) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} not ready in 60 s: ${output}`);
}

async function load(options: CasesBenchOptions, url: string, request: autocannon.Request, headers: Record<string, string> = {}): Promise<Measurement> {
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
  const throwaway = options.serverUrl
    ? undefined
    : await startThrowawayPostgres({ shared_buffers: '1GB', max_wal_size: '8GB', checkpoint_timeout: '30min', synchronous_commit: 'off', maintenance_work_mem: '512MB' });
  const serverUrl = options.serverUrl ?? throwaway!.url;
  const database = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const children: ChildProcess[] = [];
  try {
    await withSchemaLock(databaseUrl, runMigrations);
    const seedStart = Date.now();
    log(`seeding ${options.cases.toLocaleString('en-US')} cases and ${(options.cases * options.messagesPerCase).toLocaleString('en-US')} messages …`);
    await seed(databaseUrl, options);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    log(`seeded in ${seedSeconds.toFixed(1)} s`);

    const parleyPort = await freePort();
    const barePort = await freePort();
    const common = { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '20', LOG_LEVEL: 'warn' };
    children.push(
      // BENCH_PARLEY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the Parley process.
      await startProcess(process.execPath, [...(process.env.BENCH_PARLEY_NODE_ARGS?.split(' ') ?? []), join(process.cwd(), 'dist/src/main.js')], {
        ...common,
        PORT: String(parleyPort),
        JWT_SECRET,
        ADMIN_EMAIL: 'bench-admin@bench.test',
        ADMIN_PASSWORD: randomBytes(12).toString('hex'),
        SCHEDULER_ENABLED: 'false',
        POST_RATE_LIMIT_PER_MINUTE: '100000000',
      }, `http://127.0.0.1:${parleyPort}/health/ready`),
    );
    children.push(await startProcess(process.execPath, ['--import', 'tsx', join(process.cwd(), 'bench/bare-cases-server.ts')], { ...common, PORT: String(barePort) }, `http://127.0.0.1:${barePort}/health`));

    const token = new JwtService({ secret: JWT_SECRET }).sign({ sub: HOT_SELLER, role: 'seller' }, { expiresIn: 3600 });
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
      await load({ ...options, durationSeconds: 1 }, `http://127.0.0.1:${parleyPort}`, parleyRequest, auth);
      await load({ ...options, durationSeconds: 1 }, `http://127.0.0.1:${barePort}`, bareRequest);
      const parley = await load(options, `http://127.0.0.1:${parleyPort}`, parleyRequest, auth);
      const bare = await load(options, `http://127.0.0.1:${barePort}`, bareRequest);
      const scenario = { name, parley, bare, ratio: parley.requestsPerSecond / bare.requestsPerSecond };
      log(formatScenario(scenario));
      scenarios.push(scenario);
    };

    await measure(
      'POST /cases/:id/messages',
      { method: 'POST', setupRequest: (request) => ({ ...request, path: `/cases/${someCase()}/messages`, body: JSON.stringify({ body: 'Thanks, it ships tomorrow.' }) }) },
      { method: 'POST', setupRequest: (request) => ({ ...request, path: `/cases/${someCase()}/messages?author=${HOT_SELLER}`, body: JSON.stringify({ body: 'Thanks, it ships tomorrow.' }) }) },
    );
    await measure('GET /cases (deep cursor)', { method: 'GET', path: `/cases?limit=20&cursor=${cursor}` }, { method: 'GET', path: `/cases?seller=${HOT_SELLER}&limit=20&cursor=${cursor}` });
    await measure('GET /cases (first page)', { method: 'GET', path: '/cases?limit=20' }, { method: 'GET', path: `/cases?seller=${HOT_SELLER}&limit=20` });
    return { seedSeconds, scenarios };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
  }
}

export function formatScenario(scenario: Scenario): string {
  const side = (m: Measurement) => `${Math.round(m.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${m.p99Ms} ms${m.errors ? `, ${m.errors} errors` : ''}`;
  return `${scenario.name.padEnd(26)} parley ${side(scenario.parley)} | bare ${side(scenario.bare)} | ratio ${scenario.ratio.toFixed(2)}x`;
}
