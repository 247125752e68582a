import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** At most this many texts are prepared (on each connection); any further text runs unnamed, so that no mix of filters can fill the server's memory. */
const MAX_PREPARED = 256;
const names = new Map<string, string>();

/** A statement's name: the same text always has the same name, and different texts never share one; none once MAX_PREPARED texts have one. */
function nameOf(sql: string): string | undefined {
  let name = names.get(sql);
  if (!name && names.size < MAX_PREPARED) {
    name = `parley_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs `sql` as a named (prepared) statement on the connection behind
 * `manager` (its transaction's, or one from the pool for the call):
 * PostgreSQL parses and plans it once per connection instead of on every
 * call. For the hot paths' large statements, whose planning costs more than
 * their execution (docs/performance.md). The texts must come from code, not
 * from input: each distinct text stays prepared on each connection (up to
 * MAX_PREPARED texts).
 */
export async function queryPrepared<T extends QueryResultRow>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T>({ name: nameOf(sql), text: sql, values: params })).rows;
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}

/**
 * Runs a read (`sql`, a statement on its own, outside any transaction)
 * straight on the pool, with no query runner per call. `plan: 'once'` makes
 * it a named statement, planned once per connection; `'each-call'` plans it
 * with each call's values, for a statement whose best plan depends on them
 * (a text search: the generic plan guesses one match and walks the word's
 * whole posting list instead of the user's newest items).
 */
export async function readOnPool<T extends QueryResultRow>(
  db: DataSource,
  sql: string,
  params: unknown[],
  plan: 'once' | 'each-call' = 'once',
): Promise<T[]> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  return (await pool.query<T>({ name: plan === 'once' ? nameOf(sql) : undefined, text: sql, values: params })).rows;
}
