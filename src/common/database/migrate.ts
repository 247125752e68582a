import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations/index.js';

/** Arbitrary but fixed: every Parley instance takes this advisory lock before touching the schema. */
export const SCHEMA_LOCK_KEY = 7_277_131_001;

/**
 * Runs `work` while holding Parley's schema advisory lock, on a dedicated
 * connection, so instances starting at once take turns.
 */
export async function withSchemaLock<T>(databaseUrl: string, work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations,
    migrationsTableName: 'migrations',
    poolSize: 2,
  });
  await db.initialize();
  const lock = db.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    try {
      return await work(db);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    }
  } finally {
    await lock.release();
    await db.destroy();
  }
}

/** Applies pending migrations, each in its own transaction; returns the names applied. */
export async function runMigrations(db: DataSource): Promise<string[]> {
  const applied = await db.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
