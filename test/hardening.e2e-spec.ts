import request from 'supertest';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, openCase, TestUser } from './support/factories.js';

/** What a black-box probe found, each pinned: odd input gets a clear 4xx problem, never a 500 or a stall. */
describe('hardening against odd input', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const isProblem = (response: request.Response) => expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
  });
  afterAll(() => t.close());

  it('refuses NUL in any text field with 400 naming it, signed out on /auth/login too', async () => {
    const login = await t.http.post('/auth/login').send({ email: 'a\u0000@example.test', password: 'x' }).expect(400);
    isProblem(login);
    expect(login.body.errors).toEqual([{ field: 'email', message: 'email must not contain NUL characters' }]);
    const seller = await createUser(t.sql, 'seller');
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hi', body: 'nul \u0000 here' })
      .expect(400);
    expect(opened.body.errors[0].field).toBe('body');
    expect((await t.sql.query('SELECT count(*)::int AS n FROM cases WHERE seller_id = $1', [seller.id])).rows[0].n).toBe(0);
  });

  it('refuses a body nested 5,000 levels deep with 400 before validation', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await t.http.post('/auth/login').set('Content-Type', 'application/json').send(deep).expect(400);
    isProblem(response);
    expect(response.body.errors[0].message).toMatch(/nests deeper/);
  });

  it('refuses 60,000 unknown keys quickly, with a short answer, and /health/live stays responsive', async () => {
    const body = JSON.stringify({ email: 'a@example.test', password: 'x', ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])) });
    const began = Date.now();
    const [response] = await Promise.all([
      t.http.post('/auth/login').set('Content-Type', 'application/json').send(body),
      t.http.post('/auth/login').set('Content-Type', 'application/json').send(body),
    ]);
    const live = Date.now();
    await t.http.get('/health/live').expect(200);
    expect(Date.now() - live).toBeLessThan(500);
    expect(Date.now() - began).toBeLessThan(2000);
    expect(response.status).toBe(400);
    expect(response.text.length).toBeLessThan(2000);
  });

  it('caps the list of field errors', async () => {
    const body = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`unknown${i}`, i]));
    const response = await t.http
      .post('/auth/login')
      .send({ email: 'a@example.test', password: 'x', ...body })
      .expect(400);
    expect(response.body.errors).toHaveLength(21);
    expect(response.body.errors[20].message).toMatch(/more errors/);
  });

  it('refuses a repeated query parameter with 400 naming it', async () => {
    const response = await t.http.get('/unsubscribe?token=a&token=b').expect(400);
    isProblem(response);
    expect(response.body.errors).toEqual([{ field: 'token', message: 'token must be given once' }]);
    await t.http.post('/unsubscribe?token=a&token=b').type('form').send('List-Unsubscribe=One-Click').expect(400);
    await t.http.get('/cases?limit=1&limit=2').set('Authorization', as(buyer)).expect(400);
  });

  it('answers a 100 KB Authorization header with a 431 problem', async () => {
    const response = await t.http.get('/me').set('Authorization', `Bearer ${'x'.repeat(100_000)}`);
    expect(response.status).toBe(431);
    isProblem(response);
    expect(response.body).toMatchObject({ status: 431 });
  });

  it('refuses a form on JSON endpoints with 415, and takes one where a form is meant', async () => {
    const response = await t.http.post('/auth/login').type('form').send('email=a%40example.test&password=x').expect(415);
    isProblem(response);
    // The one-click unsubscribe is a form post: a bad token is 400, not 415.
    await t.http.post('/unsubscribe?token=forged').type('form').send('List-Unsubscribe=One-Click').expect(400);
  });

  it('refuses built-in property names as email-preference categories', async () => {
    const response = await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .set('Content-Type', 'application/json')
      .send('{"categories":{"constructor":{"email":false}}}')
      .expect(400);
    expect(response.body.errors[0].field).toBe('categories.constructor');
    await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .send({ categories: { toString: { email: false } } })
      .expect(400);
  });

  it('never logs query parameters: admins still get a clean 4xx for odd ids', async () => {
    await t.http.get('/orders/%00').set('Authorization', as(admin)).expect(404);
  });

  describe('orders and calendars', () => {
    const order = (seller: TestUser, overrides: Record<string, unknown> = {}) => ({
      externalId: `MKT-${Math.random().toString(36).slice(2, 10)}`,
      buyerId: buyer.id,
      sellerId: seller.id,
      placedAt: '2026-02-20T12:00:00Z',
      maxDeliveryDate: '2026-03-01',
      total: { amount: 2599, currency: 'USD' },
      ...overrides,
    });

    beforeEach(() => t.clock.set('2026-03-02T18:00:00Z'));

    it('refuses a delivery date before the order, and dates outside 2000 to a day from now', async () => {
      const seller = await createUser(t.sql, 'seller');
      const post = (body: object) => t.http.post('/orders').set('Authorization', as(admin)).send(body);
      expect((await post(order(seller, { maxDeliveryDate: '2026-02-19' })).expect(400)).body.errors[0].field).toBe('maxDeliveryDate');
      expect((await post(order(seller, { placedAt: '1900-01-01T00:00:00Z' })).expect(400)).body.errors[0].field).toBe('placedAt');
      expect((await post(order(seller, { placedAt: '2099-01-01T00:00:00Z', maxDeliveryDate: '2099-01-05' })).expect(400)).body.errors[0].field).toBe('placedAt');
      const created = await post(order(seller)).expect(201);
      const event = (at: string) => t.http.post(`/orders/${created.body.id}/events`).set('Authorization', as(admin)).send({ type: 'shipped', at });
      expect((await event('1900-01-01T00:00:00Z').expect(400)).body.errors[0].field).toBe('at');
      expect((await event('2099-01-01T00:00:00Z').expect(400)).body.errors[0].field).toBe('at');
      expect((await event('2026-02-19T00:00:00Z').expect(400)).body.errors[0].field).toBe('at');
      await event('2026-02-21T09:00:00Z').expect(201);
    });

    it('answers a re-posted externalId naming another buyer or seller with 409, and a true retry with the order', async () => {
      const seller = await createUser(t.sql, 'seller');
      const otherSeller = await createUser(t.sql, 'seller');
      const first = order(seller);
      const created = await t.http.post('/orders').set('Authorization', as(admin)).send(first).expect(201);
      const retried = await t.http.post('/orders').set('Authorization', as(admin)).send(first).expect(200);
      expect(retried.body.id).toBe(created.body.id);
      const conflict = await t.http
        .post('/orders')
        .set('Authorization', as(admin))
        .send({ ...first, sellerId: otherSeller.id })
        .expect(409);
      expect(conflict.body).toMatchObject({ status: 409, differs: ['sellerId'] });
    });

    it('bounds calendar years: a preview in 9999 or holidays of 3000 are 400', async () => {
      const preview = await t.http
        .get('/calendars/preview')
        .query({ timeZone: 'UTC', country: 'US', start: '9999-01-01T00:00:00Z', businessDays: 2 })
        .set('Authorization', as(buyer))
        .expect(400);
      expect(preview.body.errors[0].field).toBe('start');
      await t.http.get('/calendars/holidays').query({ country: 'US', year: 3000 }).set('Authorization', as(buyer)).expect(400);
      await t.http.get('/calendars/holidays').query({ country: 'US', year: 1969 }).set('Authorization', as(buyer)).expect(400);
    });
  });

  it('lets one agent hold an escalation: concurrent assigns have one winner, taking it over is explicit, only the holder resolves', async () => {
    const seller = await createUser(t.sql, 'seller');
    const [one, two] = [await createUser(t.sql, 'agent'), await createUser(t.sql, 'agent')];
    t.clock.set('2026-03-02T18:00:00Z');
    const openedId = await openCase(t, buyer, seller.id, { subject: 'Held', body: 'What is your password?' });
    const [{ id }] = (await t.sql.query('SELECT id FROM escalations WHERE case_id = $1', [openedId])).rows;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.http
          .post(`/escalations/${id}/assign`)
          .set('Authorization', as(i % 2 ? one : two))
          .send({}),
      ),
    );
    const winners = new Set(responses.filter((r) => r.status === 200).map((r) => r.body.assigneeId));
    expect(winners.size).toBe(1);
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const holder = [one, two].find((agent) => winners.has(agent.id))!;
    const other = holder === one ? two : one;
    const assignedEvents = async (type: string) => (await t.sql.query(`SELECT data FROM case_events WHERE case_id = $1 AND type = $2`, [openedId, type])).rows;
    expect(await assignedEvents('escalation_assigned')).toHaveLength(1);

    const refused = await t.http.post(`/escalations/${id}/resolve`).set('Authorization', as(other)).send({ outcome: 'answered_by_support' }).expect(409);
    expect(refused.body).toMatchObject({ assigneeId: holder.id });
    await t.http.post(`/escalations/${id}/assign`).set('Authorization', as(other)).send({ reassign: true }).expect(200);
    expect(await assignedEvents('escalation_reassigned')).toEqual([{ data: expect.objectContaining({ from: holder.id, assigneeId: other.id }) }]);
    await t.http.post(`/escalations/${id}/resolve`).set('Authorization', as(holder)).send({ outcome: 'answered_by_support' }).expect(409);
    await t.http.post(`/escalations/${id}/resolve`).set('Authorization', as(other)).send({ outcome: 'answered_by_support' }).expect(200);
  });

  it('a seller calling /resolve on a case it cannot see gets 404, on its own case 403', async () => {
    const seller = await createUser(t.sql, 'seller');
    const stranger = await createUser(t.sql, 'seller');
    const openedId = await openCase(t, buyer, seller.id, { subject: 'Mine', body: 'Hello' });
    await t.http.post(`/cases/${openedId}/resolve`).set('Authorization', as(stranger)).expect(404);
    await t.http.post(`/cases/${openedId}/resolve`).set('Authorization', as(seller)).expect(403);
    const otherBuyer = await createUser(t.sql, 'buyer');
    await t.http.post(`/cases/${openedId}/no-response-needed`).set('Authorization', as(otherBuyer)).expect(404);
  });
});

describe('the content policy on what the other party reads', () => {
  let t: TestApp;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(() => t.close());

  it('masks contact details in a case subject for the seller and its email; the buyer and support see it as written', async () => {
    const subject = 'mail bob@example.com or 415-555-0123';
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject, body: 'Hello' })
      .expect(201);
    expect(opened.body.subject).toBe(subject);
    const openedId = opened.body.id as string;
    const forSeller = await t.http.get(`/cases/${openedId}`).set('Authorization', as(seller)).expect(200);
    expect(forSeller.body.subject).toBe('mail [email removed] or [phone removed]');
    expect((await t.http.get(`/cases/${openedId}`).set('Authorization', as(agent)).expect(200)).body.subject).toBe(subject);
    const sellerList = await t.http.get('/cases').set('Authorization', as(seller)).expect(200);
    expect(JSON.stringify(sellerList.body)).not.toContain('bob@example.com');
    const [stored] = (await t.sql.query('SELECT subject FROM cases WHERE id = $1', [openedId])).rows;
    expect(stored.subject).not.toContain('bob@example.com');
    const [violation] = (await t.sql.query('SELECT kinds FROM content_violations WHERE case_id = $1', [openedId])).rows;
    expect(violation.kinds).toEqual(expect.arrayContaining(['email', 'phone']));
  });

  it('quarantines the opening message when the subject asks for credentials', async () => {
    const openedId = await openCase(t, buyer, seller.id, { subject: 'Send me your password please', body: 'Hello' });
    const [message] = (await t.sql.query('SELECT quarantined FROM messages WHERE case_id = $1', [openedId])).rows;
    expect(message.quarantined).toBe(true);
    expect((await t.sql.query(`SELECT reason FROM escalations WHERE case_id = $1`, [openedId])).rows).toEqual([{ reason: 'quarantined_message' }]);
  });

  it('strips bidi overrides from display names', async () => {
    const admin = await createUser(t.sql, 'admin');
    const created = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({
        email: 'mallory@example.test',
        password: 'a long enough password',
        role: 'seller',
        displayName: 'Mallory\u202Egnp.exe',
        seller: { timeZone: 'UTC', country: 'none' },
      })
      .expect(201);
    expect(created.body.displayName).toBe('Mallorygnp.exe');
  });

  it('masks obfuscated contact details in messages and strips bidi overrides from what others read', async () => {
    const openedId = await openCase(t, buyer, seller.id, { subject: 'Hi', body: 'Hello' });
    await t.http.post(`/cases/${openedId}/messages`).set('Authorization', as(seller)).send({ body: 'write bob [at] example [dot] com \u202Eok' }).expect(201);
    const forBuyer = await t.http.get(`/cases/${openedId}/messages`).set('Authorization', as(buyer)).expect(200);
    expect(forBuyer.body[1].body).toBe('write [email removed] ok');
    const forAgent = await t.http.get(`/cases/${openedId}/messages`).set('Authorization', as(agent)).expect(200);
    expect(forAgent.body[1].body).toContain('bob [at] example [dot] com');
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  it('answers only a scraper with the token', async () => {
    const t = await startTestApp({ env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      const refused = await t.http.get('/metrics').expect(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      const metrics = await t.http.get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789').expect(200);
      expect(metrics.text).toContain('parley_outbox_depth');
    } finally {
      await t.close();
    }
  });
});
