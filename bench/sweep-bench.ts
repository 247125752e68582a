import { request as httpRequest } from 'node:http';
import { tokenClaims } from '../src/auth/auth.service.js';
import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { onDatabase } from '../test/support/database.js';
import { searchVectorSql } from '../src/inbox/inbox.queries.js';
import { slaNoticeTexts, SWEEP_BATCH } from '../src/sla/sla-sweep.queries.js';
import { startProcess } from '../test/support/parley-process.js';
import { startThrowawayPostgres } from '../test/support/postgres-server.js';

export interface SweepBenchOptions {
  serverUrl?: string;
  openCases: number;
  dueCases: number;
  log?: (line: string) => void;
}

export interface SweepBenchResult {
  seedSeconds: number;
  parleySeconds: number;
  bareSeconds: number;
  parleyRowsPerSecond: number;
  bareRowsPerSecond: number;
  ratio: number;
  swept: { atRisk: number; late: number; escalated: number };
  /** Median of five runs of the job through HTTP, and of its batch statement alone, with nothing due. */
  emptySweepMs: number;
  emptySweepSqlMs: number;
  emptyClaimPlan: string[];
  usesIndex: boolean;
}

const JWT_SECRET = randomBytes(32).toString('hex');
const NOW = '2026-03-20T18:00:00Z';

/**
 * The same row changes as one sweep, in one bare statement over a copy of the
 * same database: every due case gets its levels marked, the seller flagged,
 * an escalation, timeline events, outbox rows, Message Center items with
 * their counters, and webhook events, and is moved to escalated.
 * No batches, no SKIP LOCKED, no ON CONFLICT.
 */
const BARE = `
WITH due AS (SELECT id, cycle_id, buyer_id, seller_id, status, sla_level, warn_at, due_at, escalate_at FROM cases WHERE next_action_at <= $1),
levels AS (
  SELECT d.id AS case_id, d.cycle_id, d.buyer_id, d.seller_id, d.status, l.n, l.level, l.at
    FROM due d CROSS JOIN LATERAL (VALUES (1, 'at_risk', d.warn_at), (2, 'late', d.due_at), (3, 'escalated', d.escalate_at)) AS l (n, level, at)
   WHERE l.n > d.sla_level AND l.at <= $1),
marked AS (INSERT INTO sla_actions (case_id, cycle_id, level, threshold_at, acted_at) SELECT case_id, cycle_id, level, at, $1 FROM levels RETURNING 1),
flagged AS (INSERT INTO seller_flags (seller_id, case_id, cycle_id, reason, created_at) SELECT seller_id, case_id, cycle_id, 'late_reply', $1 FROM levels WHERE level = 'late' RETURNING 1),
escalated AS (INSERT INTO escalations (case_id, cycle_id, reason, priority, status, due_at, created_at, updated_at)
              SELECT case_id, cycle_id, 'missed_reply_window', 'normal', 'open', $1::timestamptz + interval '1 day', $1, $1 FROM levels WHERE level = 'escalated' RETURNING 1),
events AS (INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
           SELECT case_id, 'sla_' || level, NULL, 'system', false, $1, jsonb_build_object('cycleId', cycle_id, 'level', level, 'thresholdAt', at) FROM levels RETURNING 1),
notified AS (INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
             SELECT r.kind, r.category, r.recipient, l.case_id, l.cycle_id || ':' || l.level || ':' || r.role, jsonb_build_object('caseId', l.case_id, 'level', l.level, 'thresholdAt', l.at, 'role', r.role), $1, $1
               FROM levels l CROSS JOIN LATERAL (VALUES
                 ('at_risk', 'reply_window_at_risk', 'seller', l.seller_id, 'notices'), ('late', 'reply_window_late', 'seller', l.seller_id, 'notices'),
                 ('late', 'reply_window_late', 'buyer', l.buyer_id, 'customer_service'), ('escalated', 'case_escalated', 'seller', l.seller_id, 'customer_service'),
                 ('escalated', 'case_escalated', 'buyer', l.buyer_id, 'customer_service')) AS r (level, kind, role, recipient, category)
              WHERE r.level = l.level RETURNING id, recipient_id, category, case_id),
items AS (INSERT INTO inbox_items (outbox_id, user_id, seq, category, kind, sender_kind, sender_name, subject, body, case_id, created_at, search)
          SELECT id, recipient_id, row_number() OVER (PARTITION BY recipient_id ORDER BY id), category, 'notice', 'marketplace', 'Marketplace', 'Reply window', 'A notice', case_id, $1,
                 ${searchVectorSql(`'Reply window'`, `'Marketplace'`, `'A notice'`)}
            FROM notified RETURNING user_id, category),
counters AS (INSERT INTO inbox_counters (user_id, seq, unread_notices, unread_customer_service)
             SELECT user_id, count(*), count(*) FILTER (WHERE category = 'notices'), count(*) FILTER (WHERE category = 'customer_service') FROM items GROUP BY user_id
             ON CONFLICT (user_id) DO UPDATE SET seq = inbox_counters.seq + EXCLUDED.seq, unread_notices = inbox_counters.unread_notices + EXCLUDED.unread_notices,
                                                 unread_customer_service = inbox_counters.unread_customer_service + EXCLUDED.unread_customer_service RETURNING 1),
hooks AS (INSERT INTO webhook_events (type, data, created_at)
          SELECT CASE level WHEN 'late' THEN 'seller.flagged' ELSE 'case.escalated' END, jsonb_build_object('caseId', case_id), $1 FROM levels WHERE level IN ('late', 'escalated') RETURNING 1),
advanced AS (UPDATE cases c SET sla_level = 3, next_action_at = NULL, status = 'escalated', updated_at = $1 FROM due d WHERE c.id = d.id RETURNING 1)
SELECT (SELECT count(*) FROM due)::int AS cases, (SELECT count(*) FROM marked)::int AS marked, (SELECT count(*) FROM notified)::int AS notified, (SELECT count(*) FROM counters)::int AS counters,
       (SELECT count(*) FROM hooks)::int AS hooks, (SELECT count(*) FROM advanced)::int AS advanced`;

async function seed(url: string, options: SweepBenchOptions): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
                    SELECT md5('s' || i)::uuid, 's' || i || '@bench.test', 'x', 'seller', 'S', '2025-01-01', '2025-01-01' FROM generate_series(1, 1000) i`);
    await db.query(`INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
                    SELECT md5('b' || i)::uuid, 'b' || i || '@bench.test', 'x', 'buyer', 'B', '2025-01-01', '2025-01-01' FROM generate_series(1, 10000) i`);
    await db.query(
      `INSERT INTO calendars (id, kind, seller_id, created_at) SELECT md5('cal' || id)::uuid, 'seller', id, '2000-01-01' FROM users WHERE role = 'seller'`,
    );
    await db.query(`INSERT INTO calendar_versions (calendar_id, version, effective_from, definition, note, created_at)
                    SELECT id, 1, '2000-01-01', '{"timeZone":"America/Los_Angeles","workingDays":[1,2,3,4,5],"holidays":{"country":"US","subdivision":"CA"},"closures":[]}', 'bench', '2000-01-01' FROM calendars`);
    // Case i is past escalateAt for i ≤ dueCases; the others opened today, nothing due yet.
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE plan ON COMMIT DROP AS
       SELECT i, md5('case' || i)::uuid AS id, md5('cycle' || i)::uuid AS cycle_id, md5('s' || (1 + i % 1000))::uuid AS seller_id, md5('b' || (1 + i % 10000))::uuid AS buyer_id,
              CASE WHEN i <= $2 THEN $3::timestamptz - interval '6 days' ELSE $3::timestamptz - interval '1 hour' END AS opened_at
         FROM generate_series(1, $1) i`,
      [options.openCases, options.dueCases, NOW],
    );
    await db.query(`INSERT INTO cases (id, buyer_id, seller_id, listing_ref, topic, subject, status, cycle_id, clock_started_at, warn_at, due_at, escalate_at, sla_level, next_action_at, created_at, updated_at)
                    SELECT id, buyer_id, seller_id, 'l-' || i, 'question', 'Q ' || i, 'awaiting_seller', cycle_id, opened_at, opened_at + interval '1 day', opened_at + interval '2 days',
                           opened_at + interval '3 days', 0, opened_at + interval '1 day', opened_at, opened_at FROM plan`);
    await db.query(`INSERT INTO reply_cycles (id, case_id, seq, opened_at, clock_started_at, warn_at, due_at, escalate_at, calendar_id, calendar_version, policy_version)
                    SELECT cycle_id, id, 1, opened_at, opened_at, opened_at + interval '1 day', opened_at + interval '2 days', opened_at + interval '3 days', md5('cal' || seller_id)::uuid, 1, 1 FROM plan`);
    await db.query('COMMIT');
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }
}

export async function runSweepBench(options: SweepBenchOptions): Promise<SweepBenchResult> {
  const log = options.log ?? (() => undefined);
  const throwaway = options.serverUrl
    ? undefined
    : await startThrowawayPostgres({
        shared_buffers: '1GB',
        max_wal_size: '8GB',
        checkpoint_timeout: '30min',
        synchronous_commit: 'off',
        maintenance_work_mem: '512MB',
      });
  const serverUrl = options.serverUrl ?? throwaway!.url;
  const name = `parley_bench_${randomBytes(4).toString('hex')}`;
  const urlOf = (database: string) => Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    await withSchemaLock(urlOf(name), runMigrations);
    const seedStart = Date.now();
    log(
      `seeding ${options.openCases.toLocaleString('en-US')} open cases, ${options.dueCases.toLocaleString('en-US')} past escalateAt …`,
    );
    await seed(urlOf(name), options);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    await admin.query(`CREATE DATABASE ${name}_bare TEMPLATE ${name}`);
    log(`seeded in ${seedSeconds.toFixed(1)} s, copied for the bare run`);

    const parley = await startProcess({
      DATABASE_URL: urlOf(name),
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      CLOCK_MODE: 'simulated',
      CLOCK_START: NOW,
      ADMIN_EMAIL: 'bench-admin@bench.test',
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    });
    try {
      const adminId = await onDatabase(
        urlOf(name),
        async (db) => (await db.query(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id,
      );
      const token = new JwtService({ secret: JWT_SECRET }).sign(tokenClaims(adminId));
      const run = async () => {
        const began = process.hrtime.bigint();
        const response = await postJob(`${parley.url}/admin/jobs/sla-sweep/run`, token);
        const body = response.body as { atRisk: number; late: number; escalated: number };
        if (response.status !== 200) throw new Error(`sweep failed: ${JSON.stringify(body)}`);
        return { body, seconds: Number(process.hrtime.bigint() - began) / 1e9 };
      };
      const swept = await run();
      log(`parley sweep: ${swept.seconds.toFixed(2)} s for ${swept.body.escalated.toLocaleString('en-US')} cases`);

      const bare = await onDatabase(urlOf(`${name}_bare`), async (db) => {
        const began = process.hrtime.bigint();
        const [row] = (await db.query(BARE, [NOW])).rows;
        return { row, seconds: Number(process.hrtime.bigint() - began) / 1e9 };
      });
      log(`bare SQL: ${bare.seconds.toFixed(2)} s for ${bare.row.cases.toLocaleString('en-US')} cases`);

      // Nothing due now: the empty sweep (through HTTP, and its statement alone), and the plan of its claim.
      const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const httpRuns: number[] = [];
      for (let i = 0; i < 5; i++) httpRuns.push((await run()).seconds * 1000);
      const { sqlRuns, plan } = await onDatabase(urlOf(name), async (db) => {
        const timings: number[] = [];
        for (let i = 0; i < 5; i++) {
          const began = process.hrtime.bigint();
          await db.query(SWEEP_BATCH, [NOW, 1000, NOW, null, [], slaNoticeTexts(new Date(NOW))]);
          timings.push(Number(process.hrtime.bigint() - began) / 1e6);
        }
        const explained = await db.query(
          `EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM cases WHERE next_action_at <= $1 ORDER BY next_action_at LIMIT 1000 FOR UPDATE SKIP LOCKED`,
          [NOW],
        );
        return { sqlRuns: timings, plan: explained.rows.map((r) => r['QUERY PLAN'] as string) };
      });
      return {
        seedSeconds,
        parleySeconds: swept.seconds,
        bareSeconds: bare.seconds,
        parleyRowsPerSecond: swept.body.escalated / swept.seconds,
        bareRowsPerSecond: bare.row.cases / bare.seconds,
        ratio: swept.body.escalated / swept.seconds / (bare.row.cases / bare.seconds),
        swept: swept.body,
        emptySweepMs: median(httpRuns),
        emptySweepSqlMs: median(sqlRuns),
        emptyClaimPlan: plan,
        usesIndex: plan.some((line) => line.includes('cases_next_action_idx')),
      };
    } finally {
      await parley.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${name}_bare WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
  }
}

/** POSTs a job run with no deadline: on a slow machine a sweep of 100,000 cases answers later than fetch's five minutes allow. */
function postJob(url: string, token: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end();
  });
}
