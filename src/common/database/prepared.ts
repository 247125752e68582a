import { createHash } from 'node:crypto';
import type { PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';

const names = new Map<string, string>();

/** A statement's name: the same text always has the same name, and different texts never share one. */
function nameOf(sql: string): string {
  let name = names.get(sql);
  if (!name) {
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
 * from input: each distinct text stays prepared on each connection.
 */
export async function queryPrepared<T extends QueryResultRow>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T>({ name: nameOf(sql), text: sql, values: params })).rows;
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}
