import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { startThrowawayPostgres } from '../test/support/postgres-server.js';

/** Server settings for loading millions of rows quickly on a throwaway server. */
const BULK_LOAD = { shared_buffers: '1GB', max_wal_size: '8GB', checkpoint_timeout: '30min', synchronous_commit: 'off', maintenance_work_mem: '1GB' };

/**
 * Runs `work` on a fresh, migrated database of its own: on `serverUrl`, or on
 * a throwaway embedded server tuned for bulk loads. The database (and the
 * throwaway server) is gone afterwards, whatever happened.
 */
export async function withBenchDatabase<T>(serverUrl: string | undefined, work: (databaseUrl: string) => Promise<T>): Promise<T> {
  const throwaway = serverUrl ? undefined : await startThrowawayPostgres(BULK_LOAD);
  const server = serverUrl ?? throwaway!.url;
  const database = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(server);
    url.pathname = `/${database}`;
    await withSchemaLock(url.toString(), runMigrations);
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
  }
}
