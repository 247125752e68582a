import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../config/environment.js';
import { verifyPassword } from '../src/auth/password.js';
import { EmbeddedDatabaseError } from '../src/common/database/embedded-postgres.js';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { prepareRuntime } from '../src/runtime.js';
import { ensureFirstAdmin } from '../src/users/first-admin.js';
import { migrations } from '../migrations/index.js';
import { createTestDatabase } from './support/database.js';
import { freePort } from './support/postgres-server.js';

const quiet = { info: () => undefined, debug: () => undefined };

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('schema migrations', () => {
  it('are applied once when several instances start at the same time, and create one first admin', async () => {
    const database = await createTestDatabase({ empty: true });
    try {
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          withSchemaLock(database.url, async (db) => ({
            applied: await runMigrations(db),
            admin: await ensureFirstAdmin(db, new Date('2026-03-02T10:00:00Z'), {
              email: 'Boss@Example.test',
              password: 'a long admin password',
            }),
          })),
        ),
      );
      expect(results.flatMap((r) => r.applied)).toEqual(migrations.map((m) => new m().name));
      expect(results.filter((r) => r.admin !== undefined)).toEqual([
        {
          admin: {
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            email: 'boss@example.test',
            generatedPassword: undefined,
          },
          applied: expect.any(Array),
        },
      ]);
      const admins = await query<{ email: string; password_hash: string }>(
        database.url,
        `SELECT email, password_hash FROM users WHERE role = 'admin'`,
      );
      expect(admins).toHaveLength(1);
      await expect(verifyPassword('a long admin password', admins[0].password_hash)).resolves.toBe(true);
      const recorded = await query(database.url, 'SELECT name FROM migrations');
      expect(recorded).toHaveLength(migrations.length);
    } finally {
      await database.drop();
    }
  });

  it('can be reverted and applied again', async () => {
    const database = await createTestDatabase({ empty: true });
    const db = new DataSource({ type: 'postgres', url: database.url, migrations, migrationsTableName: 'migrations' });
    await db.initialize();
    try {
      await runMigrations(db);
      for (let i = 0; i < migrations.length; i++) await db.undoLastMigration({ transaction: 'each' });
      expect(await db.query(`SELECT to_regclass('public.users') AS t`)).toEqual([{ t: null }]);
      expect(await runMigrations(db)).toHaveLength(migrations.length);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe('start-up on the embedded default', () => {
  let dataDir: string;
  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'parley-runtime-'));
    await chmod(root, 0o755);
    dataDir = join(root, 'data');
  });
  afterAll(() => rm(join(dataDir, '..'), { recursive: true, force: true }));

  it('starts PostgreSQL, migrates, creates the first admin once, refuses a second start, and keeps data across restarts', async () => {
    const env = loadEnvironment({ DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()) });
    const first = await prepareRuntime(env, quiet);
    try {
      expect(first.config.embeddedDatabase).toBe(true);
      expect(first.appliedMigrations).toHaveLength(migrations.length);
      expect(first.firstAdmin).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: 'admin@parley.local',
        generatedPassword: expect.stringMatching(/^[\w-]{24}$/),
      });
      const [admin] = await query<{ password_hash: string }>(
        first.config.databaseUrl,
        `SELECT password_hash FROM users WHERE role = 'admin'`,
      );
      await expect(verifyPassword(first.firstAdmin!.generatedPassword!, admin.password_hash)).resolves.toBe(true);
      expect(first.config.jwtSecret).toBe(await readFile(join(dataDir, 'jwt-secret'), 'utf8'));

      await expect(prepareRuntime(env, quiet)).rejects.toThrow(EmbeddedDatabaseError);
      await expect(prepareRuntime(env, quiet)).rejects.toThrow(/already in use by another process/);
      await query(first.config.databaseUrl, `INSERT INTO simulated_clock VALUES (1, now())`);
    } finally {
      await first.stop();
    }

    const second = await prepareRuntime(env, quiet);
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(second.firstAdmin).toBeUndefined();
      expect(second.config.jwtSecret).toBe(first.config.jwtSecret);
      expect(await query(second.config.databaseUrl, 'SELECT id FROM simulated_clock')).toEqual([{ id: 1 }]);
    } finally {
      await second.stop();
    }
  });
});
