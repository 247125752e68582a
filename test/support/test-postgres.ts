import { randomBytes } from 'node:crypto';
import { runMigrations, withSchemaLock } from '../../src/common/database/migrate.js';
import { startThrowawayPostgres } from './postgres-server.js';
import { createOwnDatabase, databaseUrl, dropOwnDatabase, onServer, templateDatabase } from './database.js';

/**
 * One PostgreSQL for the whole test run: TEST_DATABASE_URL's server, or an
 * embedded one. Migrations are applied once, to a template database of this
 * run's own that each test file clones (./database.ts). Returns what stops it.
 */
export async function setUpTestPostgres(): Promise<{ stop(): Promise<void> }> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stopServer = async () => undefined;
  if (!serverUrl) {
    const server = await startThrowawayPostgres();
    serverUrl = server.url;
    stopServer = async () => server.stop().then(() => undefined);
  }
  const runId = randomBytes(5).toString('hex');
  process.env.PARLEY_TEST_SERVER_URL = serverUrl;
  process.env.PARLEY_TEST_RUN_ID = runId;
  const template = templateDatabase(runId);
  await onServer((client) => createOwnDatabase(client, template, runId), serverUrl);
  await withSchemaLock(databaseUrl(serverUrl, template), runMigrations);
  return {
    stop: async () => {
      await onServer((client) => dropOwnDatabase(client, template, runId), serverUrl);
      await stopServer();
    },
  };
}
