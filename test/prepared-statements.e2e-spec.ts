import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { readOnPool } from '../src/common/database/prepared.js';
import { startTestApp, TestApp } from './support/app.js';

/** Reads straight on the pool: named statements planned once per connection, a bounded number of them, and reads planned per call when asked. */
describe('readOnPool', () => {
  let t: TestApp;
  let db: DataSource;
  // One connection, so that what it has prepared is what every call used.
  const prepared = async () =>
    (
      await readOnPool<{ statement: string }>(
        db,
        `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'parley\\_%' ORDER BY statement`,
        [],
        'each-call',
      )
    ).map((row) => row.statement);

  beforeAll(async () => {
    t = await startTestApp();
    db = await new DataSource({
      ...(t.app.get(DataSource).options as PostgresDataSourceOptions),
      poolSize: 1,
      migrationsRun: false,
    }).initialize();
  });
  afterAll(async () => {
    await db.destroy();
    await t.close();
  });

  it('prepares a text once and reuses it, up to 256 texts; a read planned per call is not prepared', async () => {
    for (const n of [1, 2, 3])
      expect(await readOnPool<{ n: number }>(db, 'SELECT $1::int + 1 AS n', [n])).toEqual([{ n: n + 1 }]);
    expect(await readOnPool<{ n: number }>(db, 'SELECT $1::int + 2 AS n', [1], 'each-call')).toEqual([{ n: 3 }]);
    expect(await prepared()).toEqual(['SELECT $1::int + 1 AS n']);

    // At most 256 texts are prepared, however many there are; the rest still run, unnamed (one test: the order matters).
    for (let k = 0; k < 300; k++)
      expect(await readOnPool<{ n: number }>(db, `SELECT $1::int * ${k} AS n`, [2])).toEqual([{ n: 2 * k }]);
    const statements = await prepared();
    expect(statements.length).toBe(256);
    expect(statements).toContain('SELECT $1::int + 1 AS n');
    expect(statements).not.toContain('SELECT $1::int * 299 AS n');
  });
});
