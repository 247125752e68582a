import { I18n } from '../src/i18n/i18n.service.js';
import { request as httpRequest } from 'node:http';
import { tokenClaims } from '../src/auth/auth.service.js';
import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { onDatabase } from '../test/support/database.js';
import { searchVectorSql } from '../src/inbox/inbox.queries.js';
import { ANY_DUE, slaNoticeTexts, SWEEP_BATCH } from '../src/sla/sla-sweep.queries.js';
import { SWEEP_BATCH_SIZE } from '../src/sla/sla-sweep.service.js';
import { slaNoticeKeySql } from '../src/notifications/outbox.service.js';
import { CASE_SUBJECT_SLOT } from '../src/notifications/templates.js';
import { sqlIso } from '../src/timeline/timeline.js';
import { explainRolledBack, phaseTimes } from './plan-phases.js';
import { readFile } from 'node:fs/promises';
import { startParley } from './compare.js';
import { seedSellerCalendars } from './bench-database.js';
import { startThrowawayPostgres } from '../test/support/postgres-server.js';

export interface SweepBenchOptions {
  serverUrl?: string;
  openCases: number;
  dueCases: number;
  /** The due cases all belong to one seller (whose Message Center counters row every batch then updates). */
  oneSeller?: boolean;
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
  /** Median of five runs of the job through HTTP, and of its look for due cases alone, with nothing due. */
  emptySweepMs: number;
  emptySweepSqlMs: number;
  emptyClaimPlan: string[];
  usesIndex: boolean;
  /** Where a batch of 1,000 cases spends its time on each side (EXPLAIN ANALYZE of one batch, rolled back; ms). */
  phases: { phase: string; parleyMs: number; bareMs: number; parleyWalBytes: number; bareWalBytes: number }[];
  /** A batch's own statement time and its commit on each side, without EXPLAIN's timing (ms, medians of 5). */
  batch: { parleyMs: number; parleyCommitMs: number; bareMs: number; bareCommitMs: number };
  /** Processor time the Parley process used during its sweep (ms): its own work per batch, in TypeScript. */
  parleyProcessCpuMs: number;
  /** The tables whose rows differ between the two runs (none: both wrote the same rows). */
  differences: string[];
}

const JWT_SECRET = randomBytes(32).toString('hex');
export const NOW = '2026-03-20T18:00:00Z';

/**
 * The same row changes as one sweep, in one bare statement over a copy of the
 * same database: every due case gets its levels marked, the seller flagged,
 * an escalation, timeline events, outbox rows, Message Center items (the same
 * texts, search vectors made from the whole texts) with their counters, and
 * webhook events, and is moved to escalated. No batches, no SKIP LOCKED, no
 * ON CONFLICT. `sameRows` checks that both runs wrote the same rows.
 * $1 now, $2 the notice texts by `kind:party` and locale, the recipient's picked as Parley does (slaNoticeTexts), $3 the due
 * date of new escalations, $4 how many cases at most (null: all that are due).
 */
export const BARE = `
WITH due AS (SELECT id, cycle_id, buyer_id, seller_id, status, sla_level, warn_at, due_at, escalate_at, subject FROM cases WHERE next_action_at <= $1 ORDER BY next_action_at LIMIT $4),
levels AS (
  SELECT d.id AS case_id, d.cycle_id, d.buyer_id, d.seller_id, d.status, d.subject, l.n, l.level, l.at
    FROM due d CROSS JOIN LATERAL (VALUES (1, 'at_risk', d.warn_at), (2, 'late', d.due_at), (3, 'escalated', d.escalate_at)) AS l (n, level, at)
   WHERE l.n > d.sla_level AND l.at <= $1),
marked AS (INSERT INTO sla_actions (case_id, cycle_id, level, threshold_at, acted_at) SELECT case_id, cycle_id, level, at, $1 FROM levels RETURNING 1),
flagged AS (INSERT INTO seller_flags (seller_id, case_id, cycle_id, reason, created_at) SELECT seller_id, case_id, cycle_id, 'late_reply', $1 FROM levels WHERE level = 'late'
            RETURNING seller_id, case_id, cycle_id),
escalated AS (INSERT INTO escalations (case_id, cycle_id, reason, priority, status, due_at, created_at, updated_at)
              SELECT case_id, cycle_id, 'missed_reply_window', 'normal', 'open', $3, $1, $1 FROM levels WHERE level = 'escalated' RETURNING id, case_id),
events AS (INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
           SELECT l.case_id, 'sla_' || l.level, NULL, 'system', false, $1,
                  jsonb_build_object('cycleId', l.cycle_id, 'level', l.level, 'thresholdAt', ${sqlIso('l.at')})
                  || CASE WHEN e.id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('escalationId', e.id, 'from', l.status, 'to', 'escalated') END
             FROM levels l LEFT JOIN escalated e ON e.case_id = l.case_id AND l.level = 'escalated' RETURNING 1),
notices AS (SELECT l.case_id, l.level, l.at, l.cycle_id, r.kind, r.role, r.recipient, r.category,
                   replace(COALESCE($2::jsonb -> (r.kind || ':' || r.role) -> 'titles' ->> u.locale, $2::jsonb -> (r.kind || ':' || r.role) -> 'titles' ->> ''), '${CASE_SUBJECT_SLOT}', left(l.subject, 80)) AS subject,
                   replace(COALESCE($2::jsonb -> (r.kind || ':' || r.role) -> 'texts' ->> u.locale, $2::jsonb -> (r.kind || ':' || r.role) -> 'texts' ->> ''), '${CASE_SUBJECT_SLOT}', left(l.subject, 80)) AS body
              FROM levels l CROSS JOIN LATERAL (VALUES
                ('at_risk', 'reply_window_at_risk', 'seller', l.seller_id, 'notices'), ('late', 'reply_window_late', 'seller', l.seller_id, 'notices'),
                ('late', 'reply_window_late', 'buyer', l.buyer_id, 'customer_service'), ('escalated', 'case_escalated', 'seller', l.seller_id, 'customer_service'),
                ('escalated', 'case_escalated', 'buyer', l.buyer_id, 'customer_service')) AS r (level, kind, role, recipient, category)
              LEFT JOIN users u ON u.id = r.recipient
             WHERE r.level = l.level),
notified AS (INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
             SELECT kind, category, recipient, case_id, ${slaNoticeKeySql('cycle_id', 'level', 'role')},
                    jsonb_build_object('caseId', case_id, 'level', level, 'thresholdAt', ${sqlIso('at')}, 'role', role), $1, $1
               FROM notices RETURNING id, dedupe_key),
items AS (INSERT INTO inbox_items (outbox_id, user_id, seq, category, kind, sender_kind, sender_name, subject, body, case_id, created_at, search)
          SELECT o.id, n.recipient, COALESCE(k.seq, 0) + row_number() OVER (PARTITION BY n.recipient ORDER BY o.id), n.category, n.kind, 'marketplace', 'Marketplace', n.subject, n.body, n.case_id, $1,
                 ${searchVectorSql('n.subject', `'Marketplace'`, 'n.body')}
            FROM notified o JOIN notices n ON ${slaNoticeKeySql('n.cycle_id', 'n.level', 'n.role')} = o.dedupe_key LEFT JOIN inbox_counters k ON k.user_id = n.recipient RETURNING user_id, category),
counters AS (INSERT INTO inbox_counters (user_id, seq, unread_notices, unread_customer_service)
             SELECT user_id, count(*), count(*) FILTER (WHERE category = 'notices'), count(*) FILTER (WHERE category = 'customer_service') FROM items GROUP BY user_id
             ON CONFLICT (user_id) DO UPDATE SET seq = inbox_counters.seq + EXCLUDED.seq, unread_notices = inbox_counters.unread_notices + EXCLUDED.unread_notices,
                                                 unread_customer_service = inbox_counters.unread_customer_service + EXCLUDED.unread_customer_service RETURNING 1),
hooks AS (INSERT INTO webhook_events (type, data, created_at)
          SELECT 'case.escalated', jsonb_build_object('caseId', case_id, 'escalationId', id, 'reason', 'missed_reply_window'), $1 FROM escalated
          UNION ALL
          SELECT 'seller.flagged', jsonb_build_object('sellerId', seller_id, 'caseId', case_id, 'cycleId', cycle_id, 'reason', 'late_reply'), $1 FROM flagged RETURNING 1),
advanced AS (UPDATE cases c SET sla_level = 3, next_action_at = NULL, status = 'escalated', updated_at = $1 FROM due d WHERE c.id = d.id RETURNING 1)
SELECT (SELECT count(*) FROM due)::int AS cases, (SELECT count(*) FROM marked)::int AS marked, (SELECT count(*) FROM notified)::int AS notified, (SELECT count(*) FROM counters)::int AS counters,
       (SELECT count(*) FROM hooks)::int AS hooks, (SELECT count(*) FROM advanced)::int AS advanced`;

/** What a sweep writes, table by table, as rows comparable between two databases (ids and sequence numbers left out). */
const WRITTEN: [string, string][] = [
  ['sla_actions', `SELECT case_id, cycle_id, level, threshold_at, acted_at FROM sla_actions`],
  ['seller_flags', `SELECT seller_id, case_id, cycle_id, reason, created_at FROM seller_flags`],
  ['escalations', `SELECT case_id, cycle_id, reason, priority, status, due_at, created_at FROM escalations`],
  ['case_events', `SELECT case_id, type, actor_role, internal, at, data - 'escalationId' FROM case_events`],
  ['outbox', `SELECT kind, category, recipient_id, case_id, dedupe_key, payload, status, next_attempt_at FROM outbox`],
  [
    'inbox_items',
    `SELECT user_id, category, kind, sender_kind, sender_name, subject, body, case_id, created_at, search FROM inbox_items`,
  ],
  ['inbox_counters', `SELECT * FROM inbox_counters`],
  ['webhook_events', `SELECT type, data - 'escalationId', created_at FROM webhook_events`],
  ['cases', `SELECT id, sla_level, next_action_at, status, updated_at FROM cases`],
];

/** Each table's rows as one checksum (row count and md5 of the sorted rows). */
async function checksums(url: string): Promise<Record<string, string>> {
  return onDatabase(url, async (db) => {
    const sums: Record<string, string> = {};
    for (const [table, rows] of WRITTEN) {
      const {
        rows: [row],
      } = await db.query(
        `SELECT count(*)::text || ' rows, ' || md5(COALESCE(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS sum FROM (${rows}) AS r`,
      );
      sums[table] = row.sum as string;
    }
    return sums;
  });
}

/** A table's rows as `checksums` reads them, as text (to show a difference). */
async function rowsOf(url: string, table: string): Promise<Set<string>> {
  const rows = WRITTEN.find(([name]) => name === table)![1];
  return onDatabase(
    url,
    async (db) =>
      new Set((await db.query(`SELECT r::text AS row FROM (${rows}) AS r`)).rows.map((r) => r.row as string)),
  );
}

/** The phases of a batch, by the CTEs of SWEEP_BATCH and of BARE that do each. */
const PHASES: { phase: string; parley: string[]; bare: string[] }[] = [
  { phase: 'claim the cases', parley: ['claimed'], bare: ['due'] },
  { phase: 'levels and their marks', parley: ['levels', 'marked', 'acted'], bare: ['levels', 'marked'] },
  { phase: 'seller flags', parley: ['flagged'], bare: ['flagged'] },
  { phase: 'escalations', parley: ['escalated'], bare: ['escalated'] },
  { phase: 'timeline events', parley: ['events'], bare: ['events'] },
  { phase: 'outbox rows', parley: ['notice_rows', 'notified'], bare: ['notices', 'notified'] },
  { phase: 'notice texts, search vectors', parley: ['notice_templates', 'notice_texts', 'notice_items'], bare: [] },
  { phase: 'Message Center counters', parley: ['delivery_per_user', 'delivery_counted'], bare: ['counters'] },
  { phase: 'Message Center items', parley: ['delivery_items'], bare: ['items'] },
  { phase: 'webhook events', parley: ['hooks'], bare: ['hooks'] },
  { phase: 'advance the cases', parley: ['advanced'], bare: ['advanced'] },
];

export async function seed(
  url: string,
  options: Pick<SweepBenchOptions, 'openCases' | 'dueCases' | 'oneSeller'>,
): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
                    SELECT md5('s' || i)::uuid, 's' || i || '@bench.test', 'x', 'seller', 'S', '2025-01-01', '2025-01-01' FROM generate_series(1, 1000) i`);
    await db.query(`INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
                    SELECT md5('b' || i)::uuid, 'b' || i || '@bench.test', 'x', 'buyer', 'B', '2025-01-01', '2025-01-01' FROM generate_series(1, 10000) i`);
    await seedSellerCalendars(db);
    // Case i is past escalateAt for i ≤ dueCases (all of one seller's with oneSeller); the others opened today, nothing due yet.
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE plan ON COMMIT DROP AS
       SELECT i, md5('case' || i)::uuid AS id, md5('cycle' || i)::uuid AS cycle_id,
              md5('s' || CASE WHEN $4 AND i <= $2 THEN 1 ELSE 1 + i % 1000 END)::uuid AS seller_id, md5('b' || (1 + i % 10000))::uuid AS buyer_id,
              CASE WHEN i <= $2 THEN $3::timestamptz - interval '6 days' ELSE $3::timestamptz - interval '1 hour' END AS opened_at
         FROM generate_series(1, $1) i`,
      [options.openCases, options.dueCases, NOW, options.oneSeller ?? false],
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
  const copies = [name, `${name}_bare`, `${name}_phases`, `${name}_bare_phases`];
  const urlOf = (database: string) => Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  const admin = new pg.Client({ connectionString: serverUrl });
  const texts = slaNoticeTexts(new Date(NOW), I18n.standalone());
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    await withSchemaLock(urlOf(name), runMigrations);
    const seedStart = Date.now();
    log(
      `seeding ${options.openCases.toLocaleString('en-US')} open cases, ${options.dueCases.toLocaleString('en-US')} past escalateAt${options.oneSeller ? ', all of one seller' : ''} …`,
    );
    await seed(urlOf(name), options);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    for (const copy of copies.slice(1)) await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${name}`);
    log(`seeded in ${seedSeconds.toFixed(1)} s, copied for the bare run and for the per-phase figures`);

    // Per phase: a batch of 1,000 on each side, the third (two run first, for real), under EXPLAIN and rolled back;
    // then five more for real, each in its own transaction, timing the statement and its commit.
    const escalationDue = new Date(Date.parse(NOW) + 86_400_000).toISOString();
    const parleyBatch = [NOW, SWEEP_BATCH_SIZE, escalationDue, null, [], texts];
    const bareBatch = [NOW, texts, escalationDue, SWEEP_BATCH_SIZE];
    const perBatch = async (database: string, sql: string, values: unknown[]) =>
      onDatabase(urlOf(database), async (db) => {
        // Two batches first, for real, where there are enough cases to leave a full one for the figures.
        for (let i = 0; i < 2 && options.dueCases >= 3 * SWEEP_BATCH_SIZE; i++) await db.query(sql, values);
        const explained = await explainRolledBack(db, sql, values);
        const statement: number[] = [];
        const commit: number[] = [];
        for (let i = 0; i < 5; i++) {
          await db.query('BEGIN');
          let began = process.hrtime.bigint();
          await db.query(sql, values);
          statement.push(Number(process.hrtime.bigint() - began) / 1e6);
          began = process.hrtime.bigint();
          await db.query('COMMIT');
          commit.push(Number(process.hrtime.bigint() - began) / 1e6);
        }
        return { explained, statementMs: median(statement), commitMs: median(commit) };
      });
    const parleyPhases = await perBatch(`${name}_phases`, SWEEP_BATCH, parleyBatch);
    const barePhases = await perBatch(`${name}_bare_phases`, BARE, bareBatch);
    const parleyTimes = phaseTimes(
      parleyPhases.explained,
      PHASES.map(({ phase, parley }) => [phase, parley]),
    );
    const bareTimes = phaseTimes(
      barePhases.explained,
      PHASES.map(({ phase, bare }) => [phase, bare]),
    );
    const phases = parleyTimes.map((time, index) => ({
      phase: time.phase,
      parleyMs: time.ms,
      bareMs: bareTimes[index].ms,
      parleyWalBytes: time.walBytes,
      bareWalBytes: bareTimes[index].walBytes,
    }));
    for (const copy of copies.slice(2)) await admin.query(`DROP DATABASE ${copy} WITH (FORCE)`);

    const parley = await startParley({
      DATABASE_URL: urlOf(name),
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      CLOCK_MODE: 'simulated',
      CLOCK_START: NOW,
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
      const cpuBefore = await processCpuMs(parley.child.pid!);
      const swept = await run();
      const parleyProcessCpuMs = (await processCpuMs(parley.child.pid!)) - cpuBefore;
      log(`parley sweep: ${swept.seconds.toFixed(2)} s for ${swept.body.escalated.toLocaleString('en-US')} cases`);

      // The bare statement's escalations are due when Parley's are (a business-time deadline Parley works out).
      const [{ due_at: bareEscalationDue }] = await onDatabase(
        urlOf(name),
        async (db) => (await db.query(`SELECT DISTINCT due_at FROM escalations`)).rows,
      );
      const bare = await onDatabase(urlOf(`${name}_bare`), async (db) => {
        const began = process.hrtime.bigint();
        const [row] = (await db.query(BARE, [NOW, texts, bareEscalationDue, null])).rows;
        return { row, seconds: Number(process.hrtime.bigint() - began) / 1e9 };
      });
      log(`bare SQL: ${bare.seconds.toFixed(2)} s for ${bare.row.cases.toLocaleString('en-US')} cases`);
      const [parleySums, bareSums] = [await checksums(urlOf(name)), await checksums(urlOf(`${name}_bare`))];
      const differences = Object.keys(parleySums).filter((table) => parleySums[table] !== bareSums[table]);
      for (const table of differences) {
        log(`rows differ in ${table}: parley ${parleySums[table]}, bare ${bareSums[table]}`);
        const [ours, theirs] = [await rowsOf(urlOf(name), table), await rowsOf(urlOf(`${name}_bare`), table)];
        log(`  a row only Parley wrote: ${[...ours].find((row) => !theirs.has(row)) ?? '(none)'}`);
        log(`  a row only the bare statement wrote: ${[...theirs].find((row) => !ours.has(row)) ?? '(none)'}`);
      }

      // Nothing due now: the empty sweep (through HTTP, and the look for due cases alone that answers it), and the
      // plans of that look and of the claim.
      const httpRuns: number[] = [];
      for (let i = 0; i < 5; i++) httpRuns.push((await run()).seconds * 1000);
      const { sqlRuns, plan } = await onDatabase(urlOf(name), async (db) => {
        const timings: number[] = [];
        for (let i = 0; i < 5; i++) {
          const began = process.hrtime.bigint();
          await db.query(ANY_DUE, [NOW]);
          timings.push(Number(process.hrtime.bigint() - began) / 1e6);
        }
        const plan: string[] = [];
        for (const sql of [
          ANY_DUE,
          `SELECT id FROM cases WHERE next_action_at <= $1 ORDER BY next_action_at LIMIT 1000 FOR UPDATE SKIP LOCKED`,
        ])
          plan.push(
            ...(await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [NOW])).rows.map((r) => r['QUERY PLAN'] as string),
          );
        return { sqlRuns: timings, plan };
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
        usesIndex: plan.filter((line) => line.includes('cases_next_action_idx')).length === 2,
        phases,
        batch: {
          parleyMs: parleyPhases.statementMs,
          parleyCommitMs: parleyPhases.commitMs,
          bareMs: barePhases.statementMs,
          bareCommitMs: barePhases.commitMs,
        },
        parleyProcessCpuMs,
        differences,
      };
    } finally {
      await parley.stop();
    }
  } finally {
    for (const copy of copies) await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A process's processor time so far (user and system, ms), from /proc. */
async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
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
