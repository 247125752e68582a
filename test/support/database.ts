import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Test databases are created by this run and only those are dropped: each
 * carries a comment naming the run (PARLEY_TEST_RUN_ID), and `dropOwnDatabase`
 * refuses any database without it, so a TEST_DATABASE_URL server's other
 * databases are never touched.
 */
export const templateDatabase = (runId: string) => `parley_test_template_${runId}`;
const marker = (runId: string) => `parley test run ${runId}`;

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run the tests through jest (test/global-setup.mjs)`);
  return value;
}

/** `work` with a client of its own on `url`, closed afterwards. */
export async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs statements on the test server's maintenance database (not on any test file's own). */
export async function onServer<T>(
  work: (client: pg.Client) => Promise<T>,
  serverUrl = required('PARLEY_TEST_SERVER_URL'),
): Promise<T> {
  return onDatabase(serverUrl, work);
}

/** Creates a database marked as this run's. */
export async function createOwnDatabase(
  client: pg.Client,
  name: string,
  runId: string,
  template?: string,
): Promise<void> {
  if (!/^parley_test_[a-z0-9_]+$/.test(name))
    throw new Error(`Refusing to create ${name}: test databases are named parley_test_…`);
  await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await client.query(`COMMENT ON DATABASE ${name} IS '${marker(runId)}'`);
}

/** Drops a database only if this run created it; anything else is refused with an error. */
export async function dropOwnDatabase(client: pg.Client, name: string, runId: string): Promise<void> {
  const { rows } = await client.query(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [name],
  );
  if (rows.length === 0) return;
  if (rows[0].comment !== marker(runId)) throw new Error(`Refusing to drop ${name}: this test run did not create it`);
  await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A database of this test file's own: migrated (cloned from the run's template) or, with `empty`, bare. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const runId = required('PARLEY_TEST_RUN_ID');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) =>
    createOwnDatabase(client, name, runId, options.empty ? undefined : templateDatabase(runId)),
  );
  return {
    name,
    url: databaseUrl(required('PARLEY_TEST_SERVER_URL'), name),
    drop: () => onServer((client) => dropOwnDatabase(client, name, runId)),
  };
}

/**
 * A small pool for a test's own statements on `url`. An idle connection that the server ends (a database dropped
 * with FORCE, a terminated backend) is only taken out of the pool: without a listener, pg-pool's `error` event
 * would be thrown in whatever test runs at that moment, in any file of the same worker. A query on a dead
 * connection still fails where it is made.
 */
export function testPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return pool;
}
