import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, openCase, TestUser } from './support/factories.js';

const DAY = 24 * 3_600_000;

interface Page {
  items: { id: string; dueAt?: string | null }[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/** A cursor as the API writes it, with whatever key and id a client might forge. */
const forged = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');

/**
 * `GET /claims` and `GET /escalations` page back as well as forward
 * (issue 24): `before=prevCursor` reads exactly the pages `cursor=nextCursor`
 * read, ties on the sort key broken by the id both ways; a cursor the
 * endpoint did not give is a 400 naming the parameter it came in.
 */
describe('paging back: claims and the support queue', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const ids = (pages: Page[]) => pages.map((page) => page.items.map((item) => item.id));

  /** Every page forward from the first, then every page back from the last; both lists of pages. */
  const walk = async (get: (query: Record<string, string | number>) => Promise<Page>) => {
    const forward: Page[] = [await get({})];
    expect(forward[0].prevCursor).toBeNull();
    while (forward[forward.length - 1].nextCursor)
      forward.push(await get({ cursor: forward[forward.length - 1].nextCursor! }));
    const backward: Page[] = [forward[forward.length - 1]];
    while (backward[0].prevCursor) backward.unshift(await get({ before: backward[0].prevCursor }));
    return { forward, backward };
  };

  /** The field each 400 names, for these queries. */
  const refusals = async (path: string, user: TestUser, queries: Record<string, string>[]) => {
    const fields: string[] = [];
    for (const query of queries) {
      const response = await t.http.get(path).query(query).set('Authorization', as(user)).expect(400);
      fields.push((response.body as { errors: { field: string }[] }).errors[0].field);
    }
    return fields;
  };

  beforeEach(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    t.clock.set('2026-03-02T17:00:00Z');
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterEach(async () => {
    await t?.close();
  });

  it('GET /claims pages back through the pages it paged forward through, for each party and support, with the filter kept', async () => {
    const orders: string[] = [];
    for (let n = 0; n < 7; n++) orders.push((await orderWithCase(t, admin, buyer, seller)).orderId);
    // Someone else's claim: on support's pages, never on the buyer's or the seller's.
    const other = await createUser(t.sql, 'buyer');
    const otherOrder = (await orderWithCase(t, admin, other, seller)).orderId;
    t.clock.advance(5 * DAY);
    const filed: string[] = [];
    for (const [n, orderId] of orders.entries()) {
      filed.push((await fileClaim(t, buyer, orderId)).id);
      // Pairs filed at the same instant: the id breaks the tie both ways.
      if (n % 2 === 1) t.clock.advance(60_000);
    }
    await fileClaim(t, other, otherOrder);
    await t.http.post(`/claims/${filed[2]}/withdraw`).set('Authorization', as(buyer)).expect(200);

    for (const [user, count] of [
      [buyer, 7],
      [seller, 8],
      [agent, 8],
    ] as const) {
      const { forward, backward } = await walk(
        async (query) =>
          (
            await t.http
              .get('/claims')
              .query({ limit: 3, ...query })
              .set('Authorization', as(user))
              .expect(200)
          ).body as Page,
      );
      expect(forward.map((page) => page.items.length)).toEqual(count === 7 ? [3, 3, 1] : [3, 3, 2]);
      expect(new Set(ids(forward).flat()).size).toBe(count);
      expect(ids(backward)).toEqual(ids(forward));
      if (user === buyer) expect(new Set(ids(forward).flat())).toEqual(new Set(filed));
    }

    // A filter stays a filter on the way back: the withdrawn claim is on no page of the open ones.
    const { forward, backward } = await walk(
      async (query) =>
        (
          await t.http
            .get('/claims')
            .query({ limit: 2, status: 'awaiting_seller', ...query })
            .set('Authorization', as(buyer))
            .expect(200)
        ).body as Page,
    );
    expect(ids(forward).flat()).toHaveLength(6);
    expect(ids(forward).flat()).not.toContain(filed[2]);
    expect(ids(backward)).toEqual(ids(forward));

    const first = (await t.http.get('/claims').query({ limit: 3 }).set('Authorization', as(buyer)).expect(200))
      .body as Page;
    const fields = await refusals('/claims', buyer, [
      { cursor: 'nonsense' },
      { before: 'nonsense' },
      // An instant PostgreSQL would refuse (a 500 before isInstant checked it).
      { before: forged('1', randomUUID()) },
      { cursor: forged('+100000-01-01T00:00:00Z', randomUUID()) },
      { cursor: first.nextCursor!, before: first.nextCursor! },
    ]);
    expect(fields).toEqual(['cursor', 'before', 'before', 'cursor', 'before']);
  });

  it('GET /escalations pages back through the pages it paged forward through, those waiting on a party last', async () => {
    const caseId = await openCase(t, buyer, seller.id);
    // Eleven escalations: three sharing one deadline, two whose clock is stopped (no deadline), one resolved.
    await t.sql.query(
      `INSERT INTO escalations (case_id, reason, priority, status, due_at, waiting_on, created_at, updated_at)
       SELECT $1, 'quarantined_message', 'normal', CASE WHEN n = 11 THEN 'resolved' ELSE 'open' END,
              CASE WHEN n IN (9, 10) THEN NULL ELSE $2::timestamptz + make_interval(hours => LEAST(n, 4)) END,
              CASE WHEN n IN (9, 10) THEN 'buyer' END, $2, $2
         FROM generate_series(1, 11) AS n`,
      [caseId, new Date('2026-03-03T12:00:00Z')],
    );
    const get = async (query: Record<string, string | number>) =>
      (
        await t.http
          .get('/escalations')
          .query({ limit: 3, status: 'open', ...query })
          .set('Authorization', as(agent))
          .expect(200)
      ).body as Page;
    const { forward, backward } = await walk(get);
    expect(forward.map((page) => page.items.length)).toEqual([3, 3, 3, 1]);
    expect(ids(backward)).toEqual(ids(forward));
    const dueAts = forward.flatMap((page) => page.items.map((item) => item.dueAt));
    expect(dueAts.slice(-2)).toEqual([null, null]);
    expect(dueAts.slice(0, -2)).toEqual([...dueAts.slice(0, -2)].sort());
    const everyone = (await t.http.get('/escalations').set('Authorization', as(agent)).expect(200)).body as Page;
    expect(everyone.items).toHaveLength(11);
    expect(everyone.prevCursor).toBeNull();

    const fields = await refusals('/escalations', agent, [
      { cursor: 'nonsense' },
      { before: 'nonsense' },
      { before: forged('2026-13-45T00:00:00Z', randomUUID()) },
      { cursor: forward[0].nextCursor!, before: forward[1].prevCursor! },
    ]);
    expect(fields).toEqual(['cursor', 'before', 'before', 'before']);
    // The queue is support's: a buyer may not read it at all.
    await t.http
      .get('/escalations')
      .query({ before: forward[1].prevCursor! })
      .set('Authorization', as(buyer))
      .expect(403);
  });
});
