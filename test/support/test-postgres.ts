import pg from 'pg';
import { runMigrations, withSchemaLock } from '../../src/common/database/migrate.js';
import { startThrowawayPostgres } from './postgres-server.js';
import { TEMPLATE_DATABASE, databaseUrl } from './database.js';

/**
 * One PostgreSQL for the whole test run: TEST_DATABASE_URL's server, or an
 * embedded one. Migrations are applied once, to a template database that
 * each test file clones (./database.ts). Returns what stops it.
 */
export async function setUpTestPostgres(): Promise<{ stop(): Promise<void> }> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => undefined;
  if (!serverUrl) {
    const server = await startThrowawayPostgres();
    serverUrl = server.url;
    stop = async () => server.stop().then(() => undefined);
  }
  process.env.PARLEY_TEST_SERVER_URL = serverUrl;

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  await withSchemaLock(databaseUrl(serverUrl, TEMPLATE_DATABASE), runMigrations);
  return { stop };
}
