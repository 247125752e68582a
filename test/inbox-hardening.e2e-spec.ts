import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { readOnPool } from '../src/common/database/prepared.js';
import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { parseSearch, SEARCH_LIMITS } from '../src/inbox/inbox.queries.js';
import { JobRegistry } from '../src/jobs/job-registry.js';
import { startTestApp, TestApp } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const DAY = 86_400_000;
// Long enough that a loaded machine's ordinary statements (the session lookup among them) finish within it; PostgreSQL shows it in ms.
const TIMEOUT_MS = 1500;

/**
 * What a security probe found in the Message Center: searches whose shape
 * made PostgreSQL fail or work for seconds, statements a request could keep
 * running without bound, and a second report of an item after support
 * dismissed the first.
 */
describe('Message Center hardening', () => {
  let t: TestApp;
  /** The same database and clock, every statement of a request bounded to TIMEOUT_MS. */
  let bounded: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const search = (user: TestUser, q: string) => t.http.get('/inbox').query({ q }).set('Authorization', as(user));
  const said = async (buyer: TestUser, seller: TestUser, bodies: string[]) => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    for (const body of bodies) {
      t.clock.advance(1000);
      await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body }).expect(201);
    }
  };

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
    bounded = await startTestApp({ database: t.database, clock: t.clock, env: { STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS) } });
    admin = await createUser(t.sql, 'admin');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await bounded?.close();
    await t?.close();
  });
  beforeEach(() => {
    t.clock.set('2026-03-02T18:00:00Z');
  });

  describe('search (q)', () => {
    it('degenerate searches (only operators, runs of minus signs, stray quotes, a dangling or) are a harmless search, never a 500', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const seller = await createUser(t.sql, 'seller');
      await said(buyer, seller, ['The blue kettle ships tomorrow.', 'The red kettle is discontinued.']);
      const [red, blue] = (await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body.items as InboxItemView[];
      const both = ['red', 'blue'];
      const cases: [string, string[]][] = [
        ['-'.repeat(33), []],
        ['-'.repeat(200), []],
        ['- '.repeat(60), []],
        [`${'-'.repeat(40)}red`, ['blue']],
        [`kettle ${'- '.repeat(40)}red`, ['blue']],
        ['"""', []],
        ['""""""""', []],
        ['"-"', []],
        ["'''", []],
        ['or', []],
        ['or or or', []],
        ['kettle or', []], // a dangling or is the word "or", as PostgreSQL reads it
        ['kettle or or', both], // kettle, or the word "or"
        ['or kettle', []],
        ['-or', both],
        ['& | ! ( ) :* <-> \\ %_%', []],
        ['kettle -red', ['blue']],
        ['"blue kettle" or "red kettle"', both],
      ];
      const answers = [];
      for (const [q] of cases) {
        const response = await search(buyer, q);
        const found =
          response.status === 200 ? (response.body.items as InboxItemView[]).map((item) => (item.id === red.id ? 'red' : item.id === blue.id ? 'blue' : item.id)) : response.body;
        answers.push({ q, status: response.status, found });
      }
      expect(answers).toEqual(cases.map(([q, found]) => ({ q, status: 200, found })));
    });

    it('a search over the limits is a 400 naming q, in plain words, before it reaches PostgreSQL', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const phrases = Array.from({ length: 60 }, (_, i) => `"never seen ${i}"`)
        .join(' or ')
        .slice(0, 1000);
      expect(phrases).toHaveLength(1000);
      const refused: [string, string][] = [
        [phrases, `Search with at most ${SEARCH_LIMITS.characters} characters`],
        ['x'.repeat(SEARCH_LIMITS.characters + 1), 'Search with at most 256 characters'],
        [Array.from({ length: 17 }, (_, i) => `"q${i} z"`).join(' or '), 'Search for at most 16 words or phrases'],
        [Array.from({ length: 17 }, (_, i) => `word${i}`).join(' '), 'Search for at most 16 words or phrases'],
        [Array.from({ length: 17 }, (_, i) => `-no${i}`).join(' '), 'Search for at most 16 words or phrases'],
        [`"${Array.from({ length: 9 }, (_, i) => `w${i}`).join(' ')}"`, 'Put at most 8 words in a phrase'],
        [Array.from({ length: 9 }, (_, i) => `w${i}`).join('-'), "Join at most 8 words with - or '"],
      ];
      for (const [q, message] of refused) {
        const response = await search(buyer, q);
        expect({ q: q.slice(0, 40), status: response.status, type: response.headers['content-type'], errors: response.body.errors }).toEqual({
          q: q.slice(0, 40),
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
          errors: [{ field: 'q', message }],
        });
      }
      // At the limits, a search is made.
      await search(buyer, Array.from({ length: 16 }, (_, i) => `"q${i} z"`).join(' or ')).expect(200);
      await search(buyer, `"${Array.from({ length: 8 }, (_, i) => `w${i}`).join(' ')}"`).expect(200);
      await search(buyer, 'x'.repeat(SEARCH_LIMITS.characters)).expect(200);
      // A bulk action's filter is the same search.
      const bulk = await t.http
        .post('/inbox/read')
        .set('Authorization', as(buyer))
        .send({ filter: { q: phrases } });
      expect({ status: bulk.status, errors: bulk.body.errors }).toEqual({ status: 400, errors: [{ field: 'filter.q', message: 'Search with at most 256 characters' }] });
    });

    it('on the portal, a search over the limits is a page that says why (400), a degenerate one a page of results', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const cookie = `parley_session=${t.tokenFor(buyer)}`;
      const tooMany = Array.from({ length: 20 }, (_, i) => `"q${i} z"`).join(' or ');
      const refused = await t.http.get('/app/inbox').query({ q: tooMany }).set('Cookie', cookie);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^text\/html/);
      expect(refused.text).toContain('Search for at most 16 words or phrases');
      const degenerate = await t.http
        .get('/app/inbox')
        .query({ q: '-'.repeat(33) })
        .set('Cookie', cookie);
      expect(degenerate.status).toBe(200);
    });

    it('what PostgreSQL is given is always a query it accepts', async () => {
      // Generated from the pieces degenerate searches are made of; each rewritten search goes through websearch_to_tsquery.
      const pieces = ['-', '--', ' - ', '"', "'", ' ', 'or', 'OR', ' or ', 'kettle', 'bé', 'e-mail', "l'été", '🙂', '&', '|', '!', '(', ')', ':*', '<->', '\\', '"a b"'];
      let seed = 7;
      const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      const written: string[] = [];
      for (let n = 0; n < 3000; n++) {
        const q = Array.from({ length: Math.floor(next() * 90) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
        const parsed = parseSearch(q);
        if ('websearch' in parsed) written.push(parsed.websearch);
      }
      expect(written.length).toBeGreaterThan(1000);
      const { rows } = await t.sql.query(`SELECT count(websearch_to_tsquery('parley_search', q))::int AS n FROM unnest($1::text[]) AS q`, [written]);
      expect(rows[0].n).toBe(written.length);
    });
  });

  describe('statement timeout (STATEMENT_TIMEOUT_MS)', () => {
    it('a request whose statement runs past it is answered 503 problem+json with Retry-After, promptly', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const lock = await lockTable('inbox_items');
      // Were nothing to stop the statement, it would wait for the lock: let the lock go after a while, so such a run fails on the answer rather than hang.
      const letGo = setTimeout(() => void lock.release(), 10_000);
      try {
        const started = Date.now();
        const response = await bounded.http.get('/inbox').set('Authorization', as(buyer));
        expect({ status: response.status, retryAfter: response.headers['retry-after'], type: response.headers['content-type'] }).toEqual({
          status: 503,
          retryAfter: '5',
          type: expect.stringMatching(/^application\/problem\+json/),
        });
        expect(response.body).toMatchObject({ status: 503, detail: 'The database took too long to answer; try again shortly' });
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
      const [item] = (await t.http.get('/inbox').set('Authorization', as(seller)).expect(200)).body.items as InboxItemView[];
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
        expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { job: 'inbox-purge', purged: expect.any(Number) } });
      } finally {
        clearTimeout(letGo);
        await lock.release();
      }
      expect((await t.sql.query(`SELECT 1 FROM inbox_items WHERE id = $1`, [item.id])).rows).toEqual([]);
    });

    it('a job runs with no statement timeout on every connection it takes, and gives them back bounded', async () => {
      const db = bounded.app.get(DataSource);
      const setting = async () => (await db.query<{ statement_timeout: string }[]>('SHOW statement_timeout'))[0].statement_timeout;
      const name = `probe-${Date.now()}`;
      bounded.app.get(JobRegistry).register({
        name,
        cron: '0 0 0 1 1 *',
        run: async () => ({
          query: await setting(),
          transaction: await db.transaction(async (tx) => (await tx.query<{ statement_timeout: string }[]>('SHOW statement_timeout'))[0].statement_timeout),
          pool: (await readOnPool<{ statement_timeout: string }>(db, 'SHOW statement_timeout', [], 'each-call'))[0].statement_timeout,
        }),
      });
      expect(await setting()).toBe(`${TIMEOUT_MS}ms`);
      const run = await bounded.http.post(`/admin/jobs/${name}/run`).set('Authorization', as(admin)).expect(200);
      expect(run.body).toEqual({ job: name, query: '0', transaction: '0', pool: '0' });
      // Every connection of the pool is bounded again.
      const pool = (db.driver as PostgresDriver).master as Pool;
      const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
      try {
        const settings = await Promise.all(clients.map(async (client) => (await client.query('SHOW statement_timeout')).rows[0].statement_timeout));
        expect(settings).toEqual(Array(4).fill(`${TIMEOUT_MS}ms`));
      } finally {
        for (const client of clients) client.release();
      }
    });
  });

  describe('phishing reports', () => {
    it('reporting an item again after support dismissed the report is 409 saying so; while a report is open the item is not there to report', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const seller = await createUser(t.sql, 'seller');
      await said(buyer, seller, ['Your parcel left the warehouse.']);
      const [item] = (await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body.items as InboxItemView[];
      const report = await t.http.post(`/inbox/${item.id}/report`).set('Authorization', as(buyer)).send({ reason: 'Asks for my card' }).expect(202);
      await t.http.post(`/inbox/${item.id}/report`).set('Authorization', as(buyer)).send({}).expect(404);
      await t.http.post(`/reports/${report.body.id}/dismiss`).set('Authorization', as(agent)).send({ note: 'A real order question' }).expect(200);
      expect((await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body.items.map((i: InboxItemView) => i.id)).toEqual([item.id]);

      const again = await t.http.post(`/inbox/${item.id}/report`).set('Authorization', as(buyer)).send({ reason: 'Still suspicious' });
      expect({ status: again.status, type: again.headers['content-type'], body: again.body }).toEqual({
        status: 409,
        type: expect.stringMatching(/^application\/problem\+json/),
        body: expect.objectContaining({ status: 409, detail: 'You already reported this message and support reviewed it', reportId: report.body.id, reportStatus: 'dismissed' }),
      });
      // Nothing changed: one report, dismissed; the item still in view; no second escalation.
      expect((await t.sql.query(`SELECT status FROM inbox_reports WHERE item_id = $1`, [item.id])).rows).toEqual([{ status: 'dismissed' }]);
      expect((await t.sql.query(`SELECT hidden_at FROM inbox_items WHERE id = $1`, [item.id])).rows).toEqual([{ hidden_at: null }]);
      expect((await t.sql.query(`SELECT count(*)::int AS n FROM escalations WHERE report_id = $1`, [report.body.id])).rows).toEqual([{ n: 1 }]);
      expect((await t.sql.query(`SELECT count(*)::int AS n FROM escalations e JOIN inbox_reports r ON r.id = e.report_id WHERE r.reporter_id = $1`, [buyer.id])).rows).toEqual([
        { n: 1 },
      ]);
    });
  });
});
