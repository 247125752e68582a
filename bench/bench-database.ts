import { randomBytes } from 'node:crypto';
import { totalmem } from 'node:os';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { onDatabase } from '../test/support/database.js';
import { startThrowawayPostgres } from '../test/support/postgres-server.js';

/**
 * Server settings for loading millions of rows quickly on a throwaway server,
 * with the usual sizing of `shared_buffers` (a quarter of the machine's
 * memory), so that a table of millions of rows stays in PostgreSQL's own
 * cache as it would on a server sized for it.
 */
const BULK_LOAD: Record<string, string> = {
  shared_buffers: `${Math.floor(totalmem() / 4 / 2 ** 20)}MB`,
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  synchronous_commit: 'off',
  maintenance_work_mem: '1GB',
};

/** BENCH_STATEMENTS=1: the throwaway server loads pg_stat_statements, so a benchmark can show where the database's time went. */
export const STATEMENT_STATS = process.env.BENCH_STATEMENTS === '1';

/**
 * Runs `work` on a fresh, migrated database of its own: on `serverUrl`, or on
 * a throwaway embedded server tuned for bulk loads. The database (and the
 * throwaway server) is gone afterwards, whatever happened.
 */
export async function withBenchDatabase<T>(
  serverUrl: string | undefined,
  work: (databaseUrl: string) => Promise<T>,
): Promise<T> {
  const throwaway = serverUrl
    ? undefined
    : await startThrowawayPostgres(
        STATEMENT_STATS
          ? { ...BULK_LOAD, shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' }
          : BULK_LOAD,
      );
  const server = serverUrl ?? throwaway!.url;
  const database = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(server);
    url.pathname = `/${database}`;
    await withSchemaLock(url.toString(), runMigrations);
    if (STATEMENT_STATS)
      await onDatabase(url.toString(), (db) => db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
  }
}

/** With BENCH_STATEMENTS=1: forgets the statistics so far (call before a measured run). */
export async function resetStatements(db: pg.Client): Promise<void> {
  if (STATEMENT_STATS) await db.query('SELECT pg_stat_statements_reset()');
}

/** With BENCH_STATEMENTS=1: the statements that took the most database time since the last reset, one line each. */
export async function topStatements(db: pg.Client, limit = 12): Promise<string[]> {
  if (!STATEMENT_STATS) return [];
  const { rows } = await db.query(
    `SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, round(mean_plan_time::numeric, 3) AS plan_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT $1`,
    [limit],
  );
  return rows.map(
    (row) =>
      `${String(row.calls).padStart(7)} calls ${String(row.total_ms).padStart(7)} ms total ${String(row.mean_ms).padStart(8)} ms mean ${String(row.plan_ms).padStart(7)} ms planning  ${row.query}`,
  );
}

/**
 * Gives every seller a business calendar (America/Los_Angeles, weekdays, US-CA holidays) in force since 2000, as the
 * benchmarks' sellers have: one statement for the calendars, one for their first versions.
 */
export async function seedSellerCalendars(db: Pick<pg.Client, 'query'>): Promise<void> {
  await db.query(
    `INSERT INTO calendars (id, kind, seller_id, created_at) SELECT md5('cal' || id)::uuid, 'seller', id, '2000-01-01' FROM users WHERE role = 'seller'`,
  );
  await db.query(
    `INSERT INTO calendar_versions (calendar_id, version, effective_from, definition, note, created_at)
     SELECT id, 1, '2000-01-01', '{"timeZone":"America/Los_Angeles","workingDays":[1,2,3,4,5],"holidays":{"country":"US","subdivision":"CA"},"closures":[]}', 'bench', '2000-01-01'
       FROM calendars WHERE kind = 'seller'`,
  );
}

/**
 * Cases and their first reply cycles from the temporary table `plan` that the caller filled in its transaction (id,
 * cycle_id, buyer_id, seller_id, listing_ref, subject, status, opened_at). A case waiting for the seller has its cycle
 * open, warned a day after its opening, due after two, escalated after three, on its seller's calendar
 * (`seedSellerCalendars`); any other case's cycle was answered when it opened.
 */
export async function insertPlannedCases(db: Pick<pg.Client, 'query'>): Promise<void> {
  await db.query(
    `INSERT INTO cases (id, buyer_id, seller_id, listing_ref, topic, subject, status, cycle_id, clock_started_at, warn_at, due_at, escalate_at, next_action_at, resolved_at, closed_at, created_at, updated_at)
     SELECT id, buyer_id, seller_id, listing_ref, 'question', subject, status,
            CASE WHEN status = 'awaiting_seller' THEN cycle_id END,
            CASE WHEN status = 'awaiting_seller' THEN opened_at END,
            CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '1 day' END,
            CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '2 days' END,
            CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '3 days' END,
            CASE WHEN status = 'awaiting_seller' THEN opened_at + interval '1 day' END,
            CASE WHEN status IN ('resolved', 'closed') THEN opened_at END,
            CASE WHEN status = 'closed' THEN opened_at END,
            opened_at, opened_at
       FROM plan`,
  );
  await db.query(
    `INSERT INTO reply_cycles (id, case_id, seq, opened_at, clock_started_at, warn_at, due_at, escalate_at, calendar_id, calendar_version, policy_version, closed_at, outcome)
     SELECT cycle_id, id, 1, opened_at, opened_at, opened_at + interval '1 day', opened_at + interval '2 days', opened_at + interval '3 days', md5('cal' || seller_id)::uuid, 1, 1,
            CASE WHEN status <> 'awaiting_seller' THEN opened_at END,
            CASE WHEN status <> 'awaiting_seller' THEN 'answered' END
       FROM plan`,
  );
}

/** Runs a benchmark's seed, saying what it seeds before and how long that took after: the seconds it took. */
export async function timedSeed(log: (line: string) => void, what: string, seed: () => Promise<void>): Promise<number> {
  const start = Date.now();
  log(`seeding ${what} …`);
  await seed();
  const seconds = (Date.now() - start) / 1000;
  log(`seeded in ${seconds.toFixed(1)} s`);
  return seconds;
}
