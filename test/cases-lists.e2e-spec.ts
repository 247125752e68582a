import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

describe('case lists', () => {
  let t: TestApp;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const ids: Record<string, string> = {};

  const openAt = async (at: string, subject: string) => {
    t.clock.set(at);
    const response = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l-1', topic: 'question', subject, body: `About ${subject}` })
      .expect(201);
    ids[subject] = response.body.id;
    return response.body;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
    // Opened in this order; their reply deadlines are not in this order.
    await openAt('2026-03-04T18:00:00Z', 'C'); // Wed → due Fri 03-06
    await openAt('2026-03-02T18:00:00Z', 'A'); // Mon → due Wed 03-04
    await openAt('2026-03-03T18:00:00Z', 'B'); // Tue → due Thu 03-05
    await openAt('2026-03-05T18:00:00Z', 'D'); // Thu → due Mon 03-09
    await openAt('2026-03-06T18:00:00Z', 'E'); // Fri → due Tue 03-10
    // One answered (no open cycle) and one resolved.
    await t.http
      .post(`/cases/${ids.D}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Answered' })
      .expect(201);
    await t.http.post(`/cases/${ids.E}/resolve`).set('Authorization', as(buyer)).expect(200);
    t.clock.set('2026-03-04T19:00:00Z');
  });
  afterAll(() => t.close());

  const subjects = (items: { id: string }[]) =>
    items.map((item) => Object.keys(ids).find((key) => ids[key] === item.id));

  it("orders a seller's open cases by the nearest deadline, answered ones after, resolved ones out", async () => {
    const page = await t.http.get('/cases').set('Authorization', as(seller)).expect(200);
    expect(subjects(page.body.items)).toEqual(['A', 'B', 'C', 'D']);
    expect(page.body.nextCursor).toBeNull();
    const resolved = await t.http
      .get('/cases')
      .query({ status: 'resolved' })
      .set('Authorization', as(seller))
      .expect(200);
    expect(subjects(resolved.body.items)).toEqual(['E']);
  });

  it('filters by SLA state at the current time', async () => {
    t.clock.set('2026-03-04T19:00:00Z');
    // Now Wed 2026-03-04 11:00 PST: A is late (due Wed 10:00), B at risk (warn Wed 10:00), C on track, D stopped.
    const state = async (slaState: string) =>
      subjects(
        (await t.http.get('/cases').query({ slaState }).set('Authorization', as(seller)).expect(200)).body.items,
      );
    expect(await state('late')).toEqual(['A']);
    expect(await state('at_risk')).toEqual(['B']);
    expect(await state('on_track')).toEqual(['C']);
    expect(await state('stopped')).toEqual(['D']);
    expect(await state('escalated')).toEqual([]);
    const a = await t.http.get(`/cases/${ids.A}`).set('Authorization', as(seller)).expect(200);
    expect(a.body.sla.state).toBe('late');
  });

  it('pages with a cursor that stays stable when cases are added between pages', async () => {
    // A buyer and a seller of this test's own, so the other tests' lists stay as they are.
    const ownBuyer = await createUser(t.sql, 'buyer');
    const ownSeller = await createUser(t.sql, 'seller');
    const own: Record<string, string> = {};
    const open = async (at: string, subject: string) => {
      t.clock.set(at);
      const response = await t.http
        .post('/cases')
        .set('Authorization', as(ownBuyer))
        .send({ sellerId: ownSeller.id, listingRef: 'l-2', topic: 'question', subject, body: `About ${subject}` })
        .expect(201);
      own[response.body.id] = subject;
    };
    await open('2026-03-02T18:00:00Z', 'P');
    await open('2026-03-03T18:00:00Z', 'Q');
    await open('2026-03-04T18:00:00Z', 'R');
    const names = (items: { id: string }[]) => items.map((item) => own[item.id]);
    const first = await t.http.get('/cases').query({ limit: 2 }).set('Authorization', as(ownSeller)).expect(200);
    expect(names(first.body.items)).toEqual(['P', 'Q']);
    // A new case with the earliest deadline of all arrives between the pages.
    await open('2026-02-27T18:00:00Z', 'Z');
    const second = await t.http
      .get('/cases')
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set('Authorization', as(ownSeller))
      .expect(200);
    expect(names(second.body.items)).toEqual(['R']);
    expect(second.body.nextCursor).toBeNull();
    const fresh = await t.http.get('/cases').query({ limit: 2 }).set('Authorization', as(ownSeller)).expect(200);
    expect(names(fresh.body.items)).toEqual(['Z', 'P']);
  });

  it("lists a buyer's cases newest first, paged", async () => {
    const first = await t.http.get('/cases').query({ limit: 3 }).set('Authorization', as(buyer)).expect(200);
    expect(subjects(first.body.items)).toEqual(['E', 'D', 'C']);
    const rest = await t.http
      .get('/cases')
      .query({ limit: 3, cursor: first.body.nextCursor })
      .set('Authorization', as(buyer))
      .expect(200);
    expect(subjects(rest.body.items)).toEqual(['B', 'A']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('lets support see every case', async () => {
    const all = await t.http.get('/cases').query({ limit: 100 }).set('Authorization', as(agent)).expect(200);
    expect(all.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining(Object.values(ids)));
  });

  it('caps the page size at 100', async () => {
    await t.http.get('/cases').query({ limit: 100 }).set('Authorization', as(buyer)).expect(200);
    await t.http.get('/cases').query({ limit: 101 }).set('Authorization', as(buyer)).expect(400);
  });
});

describe('posting rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once a user posts too fast, and stores nothing more', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const auth = `Bearer ${t.tokenFor(buyer)}`;
    const opened = await t.http
      .post('/cases')
      .set('Authorization', auth)
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 's', body: 'b' })
      .expect(201);
    await t.http.post(`/cases/${opened.body.id}/messages`).set('Authorization', auth).send({ body: 'two' }).expect(201);
    await t.http
      .post(`/cases/${opened.body.id}/messages`)
      .set('Authorization', auth)
      .send({ body: 'three' })
      .expect(201);
    const limited = await t.http
      .post(`/cases/${opened.body.id}/messages`)
      .set('Authorization', auth)
      .send({ body: 'four' })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(
      (await t.sql.query('SELECT count(*)::int AS n FROM messages WHERE case_id = $1', [opened.body.id])).rows[0].n,
    ).toBe(3);
    // Another user is not limited by this one.
    await t.http
      .post(`/cases/${opened.body.id}/messages`)
      .set('Authorization', `Bearer ${t.tokenFor(seller)}`)
      .send({ body: 'reply' })
      .expect(201);
  });
});
