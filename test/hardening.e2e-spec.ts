import request from 'supertest';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

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
    expect((await t.sql.query('SELECT count(*)::int AS n FROM cases')).rows[0].n).toBe(0);
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
});
