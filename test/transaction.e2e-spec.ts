import { DataSource } from 'typeorm';
import { transaction } from '../src/common/transaction.js';
import { startTestApp, TestApp } from './support/app.js';

/** Two transactions that lock the same rows in opposite orders: PostgreSQL aborts one (deadlock), and it runs again and succeeds. */
describe('transactions that collide', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.sql.query(`CREATE TABLE collide (id int PRIMARY KEY, n int NOT NULL)`);
    await t.sql.query(`INSERT INTO collide VALUES (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await t.close();
  });

  it('both succeed: the deadlock victim is retried from the start', async () => {
    let firstLocks = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    const attempts = { a: 0, b: 0 };
    const work = (name: 'a' | 'b', first: number, second: number) =>
      transaction(db, async (tx) => {
        attempts[name] += 1;
        await tx.query(`UPDATE collide SET n = n + 1 WHERE id = $1`, [first]);
        if (attempts[name] === 1) {
          if (++firstLocks === 2) release();
          await bothHoldOne;
        }
        await tx.query(`UPDATE collide SET n = n + 1 WHERE id = $1`, [second]);
        return name;
      });
    expect(await Promise.all([work('a', 1, 2), work('b', 2, 1)])).toEqual(['a', 'b']);
    expect(attempts.a + attempts.b).toBe(3); // one of them ran twice
    expect((await t.sql.query(`SELECT id, n FROM collide ORDER BY id`)).rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });
});
