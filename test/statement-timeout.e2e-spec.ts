import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { readOnPool } from '../src/common/database/prepared.js';
import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { JobRegistry } from '../src/jobs/job-registry.js';
import { startTestApp, TestApp } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const DAY = 86_400_000;
// Long enough that a loaded machine's ordinary statements (the session lookup among them) finish within it; PostgreSQL shows it in ms.
const TIMEOUT_MS = 1500;

/**
 * What a security probe found: statements a request could keep running
 * without bound. A request's statements end at STATEMENT_TIMEOUT_MS with a
 * 503 to retry; a job's are not bound by it.
 */
describe('statement timeout (STATEMENT_TIMEOUT_MS)', () => {
  let t: TestApp;
  /** The same database and clock, every statement of a request bounded to TIMEOUT_MS. */
  let bounded: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;

  /** Holds an ACCESS EXCLUSIVE lock on a table from a connection of the test's own until the returned function is called. */
  const lockTable = async (table: string): Promise<{ release: () => Promise<void> }> => {
    const client = await t.sql.connect();
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await client.query('ROLLBACK');
        client.release();
      },
    };
  };
  /** Backends of this database waiting for a lock while running a statement whose text contains `text`. */
  const waitingOnLocks = async (text: string): Promise<number> => {
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, $1) > 0 AND pid <> pg_backend_pid()`,
      [text],
    );
    return rows[0].n;
  };
  const until = async (condition: () => Promise<boolean>, what: string) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (await condition()) return;
      await sleep(10);
    }
    throw new Error(`Timed out waiting until ${what}`);
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    bounded = await startTestApp({
      database: t.database,
      clock: t.clock,
      env: { STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(async () => {
    await bounded?.close();
    await t?.close();
  });
  beforeEach(() => {
    t.clock.set('2026-03-02T18:00:00Z');
  });

  it('a request whose statement runs past it is answered 503 problem+json with Retry-After, promptly', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const lock = await lockTable('inbox_items');
    // Were nothing to stop the statement, it would wait for the lock: let the lock go after a while, so such a run fails on the answer rather than hang.
    const letGo = setTimeout(() => void lock.release(), 10_000);
    try {
      const started = Date.now();
      const response = await bounded.http.get('/inbox').set('Authorization', as(buyer));
      expect({
        status: response.status,
        retryAfter: response.headers['retry-after'],
        type: response.headers['content-type'],
      }).toEqual({
        status: 503,
        retryAfter: '5',
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(response.body).toMatchObject({
        status: 503,
        detail: 'The database took too long to answer; try again shortly',
      });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 3000);
    } finally {
      clearTimeout(letGo);
      await lock.release();
    }
    // Nothing stays broken.
    await bounded.http.get('/inbox').set('Authorization', as(buyer)).expect(200);
  });

  it('a job is not bound by it: its statement waits for a lock past it and completes, while a request’s is cancelled', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    await orderWithCase(t, admin, buyer, seller);
    const [item] = (await t.http.get('/inbox').set('Authorization', as(seller)).expect(200)).body
      .items as InboxItemView[];
    await t.http
      .post('/inbox/delete')
      .set('Authorization', as(seller))
      .send({ ids: [item.id] })
      .expect(200);
    t.clock.advance(31 * DAY);

    const lock = await lockTable('inbox_items');
    const letGo = setTimeout(() => void lock.release(), 20_000);
    try {
      const job = bounded.http
        .post('/admin/jobs/inbox-purge/run')
        .set('Authorization', as(admin))
        .then((response) => response);
      await until(async () => (await waitingOnLocks('doomed')) === 1, 'the purge waits for the lock');
      // A request on the same table meanwhile is cancelled at the timeout.
      await bounded.http.get('/inbox').set('Authorization', as(buyer)).expect(503);
      await sleep(2 * TIMEOUT_MS);
      expect(await waitingOnLocks('doomed')).toBe(1); // the purge, still waiting, well past the timeout
      await lock.release();
      const response = await job;
      expect({ status: response.status, body: response.body }).toEqual({
        status: 200,
        body: { job: 'inbox-purge', purged: expect.any(Number) },
      });
    } finally {
      clearTimeout(letGo);
      await lock.release();
    }
    expect((await t.sql.query(`SELECT 1 FROM inbox_items WHERE id = $1`, [item.id])).rows).toEqual([]);
  });

  it('a job runs with no statement timeout on every connection it takes, and gives them back bounded', async () => {
    const db = bounded.app.get(DataSource);
    const setting = async () =>
      (await db.query<{ statement_timeout: string }[]>('SHOW statement_timeout'))[0].statement_timeout;
    const name = `probe-${Date.now()}`;
    bounded.app.get(JobRegistry).register({
      name,
      cron: '0 0 0 1 1 *',
      run: async () => ({
        query: await setting(),
        transaction: await db.transaction(
          async (tx) =>
            (await tx.query<{ statement_timeout: string }[]>('SHOW statement_timeout'))[0].statement_timeout,
        ),
        pool: (await readOnPool<{ statement_timeout: string }>(db, 'SHOW statement_timeout', [], 'each-call'))[0]
          .statement_timeout,
      }),
    });
    expect(await setting()).toBe(`${TIMEOUT_MS}ms`);
    const run = await bounded.http.post(`/admin/jobs/${name}/run`).set('Authorization', as(admin)).expect(200);
    expect(run.body).toEqual({ job: name, query: '0', transaction: '0', pool: '0' });
    // Every connection of the pool is bounded again.
    const pool = (db.driver as PostgresDriver).master as Pool;
    const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
    try {
      const settings = await Promise.all(
        clients.map(async (client) => (await client.query('SHOW statement_timeout')).rows[0].statement_timeout),
      );
      expect(settings).toEqual(Array(4).fill(`${TIMEOUT_MS}ms`));
    } finally {
      for (const client of clients) client.release();
    }
  });
});
