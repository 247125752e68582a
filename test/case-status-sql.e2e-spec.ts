import pg from 'pg';
import { CASE_ACTIONS, CASE_STATUSES, CASE_TRANSITIONS, transitionSql } from '../src/cases/case-status.js';
import { createTestDatabase, TestDatabase } from './support/database.js';

// The set-based writers (the SLA sweep, closing resolved cases) take statuses from transitionSql: PostgreSQL must compute exactly the table.
describe('the case state machine as SQL', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it.each(CASE_ACTIONS)('%s: allowed and next state for every status', async (action) => {
    const sql = transitionSql(action, 's');
    const { rows } = await client.query(
      `SELECT s, ${sql.allowed} AS allowed, ${sql.next} AS next FROM unnest($1::text[]) AS s`,
      [CASE_STATUSES],
    );
    const expected = CASE_STATUSES.map((s) => ({
      s,
      allowed: CASE_TRANSITIONS[action][s] !== undefined,
      next: CASE_TRANSITIONS[action][s] ?? null,
    }));
    expect(rows).toEqual(expected);
  });
});
