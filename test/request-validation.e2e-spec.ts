import request from 'supertest';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * What every request passes before a handler (docs/security.md): odd input
 * gets a clear 4xx problem, never a 500 or a stall; and a client's made-up
 * names are not read back to people in problems.
 */
describe('request validation', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const isProblem = (response: request.Response) =>
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const newUser = (role: string, displayName: string) => ({
    email: `${role}-${Math.random().toString(36).slice(2)}@example.test`,
    password: 'a long enough password',
    role,
    displayName,
    ...(role === 'seller' ? { seller: { timeZone: 'UTC', country: 'none' } } : {}),
  });

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
  });
  afterAll(() => t.close());

  /** What a black-box probe found, each pinned. */
  describe('odd input gets a clear 4xx problem, never a 500 or a stall', () => {
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
      expect(
        (await t.sql.query('SELECT count(*)::int AS n FROM cases WHERE seller_id = $1', [seller.id])).rows[0].n,
      ).toBe(0);
    });

    it('refuses a body nested 5,000 levels deep with 400 before validation', async () => {
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const response = await t.http.post('/auth/login').set('Content-Type', 'application/json').send(deep).expect(400);
      isProblem(response);
      expect(response.body.errors[0].message).toMatch(/nests deeper/);
    });

    it('refuses 60,000 unknown keys quickly, with a short answer, and /health/live stays responsive', async () => {
      const body = JSON.stringify({
        email: 'a@example.test',
        password: 'x',
        ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])),
      });
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
      const response = await t.http
        .post('/auth/login')
        .type('form')
        .send('email=a%40example.test&password=x')
        .expect(415);
      isProblem(response);
      // The one-click unsubscribe is a form post: a bad token is 400, not 415.
      await t.http.post('/unsubscribe?token=forged').type('form').send('List-Unsubscribe=One-Click').expect(400);
    });

    it('never logs query parameters: admins still get a clean 4xx for odd ids', async () => {
      await t.http.get('/orders/%00').set('Authorization', as(admin)).expect(404);
    });
  });

  describe('names a client made up', () => {
    const sentence = 'Your account is suspended. Call 555';
    const leaks = (response: request.Response) => expect(response.text).not.toMatch(/suspended|555/);

    it('refuses a repeated query parameter without repeating its name, unless it reads as a field name', async () => {
      const name = encodeURIComponent(sentence);
      const response = await t.http.get(`/inbox?${name}=1&${name}=2`).set('Authorization', as(buyer)).expect(400);
      isProblem(response);
      leaks(response);
      expect(response.body.errors).toEqual([{ field: 'query', message: 'a query parameter is given more than once' }]);
      const named = await t.http.get('/inbox?limit=1&limit=2').set('Authorization', as(buyer)).expect(400);
      expect(named.body.errors).toEqual([{ field: 'limit', message: 'limit must be given once' }]);
    });

    it('refuses an unknown query parameter without repeating its name', async () => {
      const response = await t.http
        .get(`/cases?${encodeURIComponent(sentence)}=1`)
        .set('Authorization', as(buyer))
        .expect(400);
      isProblem(response);
      leaks(response);
      expect(response.body.errors).toEqual([{ field: 'request', message: expect.stringContaining('not accepted') }]);
    });

    it('refuses unknown properties of a body, at any depth, without repeating their names', async () => {
      const top = await t.http
        .post('/auth/login')
        .send({ email: 'a@example.test', password: 'x', [sentence]: 1 })
        .expect(400);
      isProblem(top);
      leaks(top);
      const nested = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send({ ...newUser('seller', 'Kathmandu Crafts'), seller: { timeZone: 'UTC', country: 'none', [sentence]: 1 } })
        .expect(400);
      leaks(nested);
      expect(nested.body.errors).toEqual([
        { field: 'seller', message: 'seller has a property that is not accepted (its name is not repeated here)' },
      ]);
    });

    it('refuses a made-up email category, weekday or holiday country without repeating it', async () => {
      const category = await t.http
        .put('/me/email-preferences')
        .set('Authorization', as(buyer))
        .send({ categories: { [sentence]: { email: false } } })
        .expect(400);
      leaks(category);
      expect(category.body.errors).toEqual([
        { field: 'categories', message: expect.stringContaining('categories may only name') },
      ]);
      const weekday = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send({
          ...newUser('seller', 'Hours Shop'),
          seller: { timeZone: 'UTC', country: 'none', openingHours: { [sentence]: ['09:00-17:00'] } },
        })
        .expect(400);
      leaks(weekday);
      const country = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send({
          ...newUser('seller', 'Country Shop'),
          seller: { timeZone: 'UTC', country: sentence, subdivision: 'CA' },
        })
        .expect(400);
      leaks(country);
    });

    it('refuses NUL under a made-up key without repeating it', async () => {
      const response = await t.http
        .post('/auth/login')
        .send({ email: 'a@example.test', password: 'x', [sentence]: 'a\u0000' })
        .expect(400);
      leaks(response);
      expect(response.body.errors).toEqual([
        { field: 'body', message: 'a value in the body must not contain NUL characters' },
      ]);
    });
  });
});
