import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Environment } from '../config/environment.js';
import { SimulatedClock } from './clock/simulated-clock.js';
import { EmbeddedDatabase, startEmbeddedPostgres } from './common/database/embedded-postgres.js';
import { runMigrations, withSchemaLock } from './common/database/migrate.js';
import { AppConfig } from '../config/app-config.js';
import { ensureFirstAdmin, FirstAdmin } from './users/first-admin.js';

export interface Runtime {
  config: AppConfig;
  appliedMigrations: string[];
  firstAdmin?: FirstAdmin;
  /** Stops what start-up started (the embedded database). */
  stop(): Promise<void>;
}

export interface RuntimeLog {
  info(message: string): void;
  debug(message: string): void;
}

/** The embedded default keeps a generated token secret under DATA_DIR, so logins survive restarts. */
async function localSecret(dataDir: string): Promise<string> {
  const file = resolve(dataDir, 'jwt-secret');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing && existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(48).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Everything before the HTTP app: the database (embedded unless DATABASE_URL),
 * migrations and the first admin under the schema lock, the simulated clock.
 */
export async function prepareRuntime(
  env: Environment,
  log: RuntimeLog,
  options = { migrateOnly: false },
): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    log.info(
      `Starting the embedded PostgreSQL in ${resolve(env.DATA_DIR, 'postgres')} on port ${env.EMBEDDED_POSTGRES_PORT}`,
    );
    embedded = await startEmbeddedPostgres({
      dataDir: resolve(env.DATA_DIR, 'postgres'),
      port: env.EMBEDDED_POSTGRES_PORT,
      onLog: (message) => log.debug(message.trim()),
    });
  }
  try {
    const databaseUrl = env.DATABASE_URL ?? embedded!.url;
    const jwtSecret = env.JWT_SECRET ?? (await localSecret(env.DATA_DIR));
    const { appliedMigrations, firstAdmin } = await withSchemaLock(databaseUrl, async (db) => {
      const applied = await runMigrations(db);
      if (options.migrateOnly) return { appliedMigrations: applied, firstAdmin: undefined };
      const now = new Date();
      if (env.CLOCK_MODE === 'simulated')
        await SimulatedClock.initialise(db, env.CLOCK_START ? new Date(env.CLOCK_START) : now);
      const clockNow = env.CLOCK_MODE === 'simulated' ? await new SimulatedClock(db).now() : now;
      const admin = await ensureFirstAdmin(db, clockNow, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });
      return { appliedMigrations: applied, firstAdmin: admin };
    });
    return {
      config: new AppConfig(env, databaseUrl, jwtSecret, embedded !== undefined),
      appliedMigrations,
      firstAdmin,
      stop: async () => {
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
