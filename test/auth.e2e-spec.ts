import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TEST_PASSWORD, TestUser } from './support/factories.js';

const problemJson = /^application\/problem\+json/;

// Limits are shared by every instance on the database, so each test signs in from an address of its own (TRUST_PROXY believes X-Forwarded-For).
const LIMITS = {
  LOGIN_RATE_LIMIT_PER_ACCOUNT: '3',
  LOGIN_RATE_LIMIT_PER_IP: '12',
  LOGIN_RATE_WINDOW_SECONDS: '600',
  TRUST_PROXY: 'true',
};
let addresses = 0;
const freshAddress = () => `198.51.100.${++addresses}`;

describe('auth', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ env: LIMITS });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });
  });
  afterAll(() => t.close());

  describe('POST /auth/login', () => {
    let address: string;
    const login = () => t.http.post('/auth/login').set('X-Forwarded-For', address);
    beforeEach(() => {
      address = freshAddress();
    });

    it('returns a token and the user for good credentials, case-insensitive email', async () => {
      const response = await login().send({ email: buyer.email.toUpperCase(), password: TEST_PASSWORD }).expect(200);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: 3600,
        user: { id: buyer.id, email: buyer.email, role: 'buyer', displayName: 'Test buyer' },
      });
      expect(JSON.stringify(response.body)).not.toMatch(/password|scrypt/i);
      await t.http.get('/me').set('Authorization', `Bearer ${response.body.accessToken}`).expect(200);
    });

    it('refuses a wrong password and an unknown user alike, with 401 problem+json', async () => {
      const wrong = await login().send({ email: admin.email, password: 'not the password' }).expect(401);
      const unknown = await login().send({ email: 'nobody@example.test', password: TEST_PASSWORD }).expect(401);
      expect(wrong.headers['content-type']).toMatch(problemJson);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toMatchObject({ status: 401, detail: 'Wrong email or password' });
    });

    it('answers a malformed body with 400 naming each field', async () => {
      const response = await login().send({ email: 42 }).expect(400);
      expect(response.body.errors).toEqual([
        { field: 'email', message: 'email must be a string' },
        { field: 'password', message: 'password must be a string' },
      ]);
    });

    it('locks an account after repeated failures, with 429 and Retry-After', async () => {
      const victim = await createUser(t.sql, 'buyer');
      for (let i = 0; i < 3; i++) {
        await login()
          .send({ email: victim.email, password: `guess ${i}` })
          .expect(401);
      }
      const locked = await login().send({ email: victim.email, password: TEST_PASSWORD }).expect(429);
      expect(locked.headers['content-type']).toMatch(problemJson);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(590);
      expect(retryAfter).toBeLessThanOrEqual(600);
      // Other accounts are not affected by this account's lock.
      await login().send({ email: seller.email, password: TEST_PASSWORD }).expect(200);
    });

    it('limits failures per client address across accounts, for that address only', async () => {
      for (let i = 0; i < 12; i++) {
        await login()
          .send({ email: `someone-${i}@example.test`, password: 'x' })
          .expect(401);
      }
      await login().send({ email: 'someone-12@example.test', password: 'x' }).expect(429);
      const response = await login().send({ email: admin.email, password: TEST_PASSWORD }).expect(429);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not affected.
      await t.http
        .post('/auth/login')
        .set('X-Forwarded-For', freshAddress())
        .send({ email: admin.email, password: TEST_PASSWORD })
        .expect(200);
    });
  });

  describe('tokens', () => {
    it('rejects requests without a token, with a malformed one, or with a forged one', async () => {
      const none = await t.http.get('/me').expect(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.headers['content-type']).toMatch(problemJson);
      await t.http.get('/me').set('Authorization', 'Bearer not-a-jwt').expect(401);
      await t.http.get('/me').set('Authorization', t.tokenFor(admin)).expect(401);
      const forged = new JwtService({ secret: 'some-other-secret-that-is-long-enough-000' }).sign({
        sub: admin.id,
        ver: 1,
        jti: randomUUID(),
      });
      await t.http.get('/me').set('Authorization', `Bearer ${forged}`).expect(401);
    });

    it('rejects an expired token', async () => {
      const jwt = t.app.get(JwtService);
      const twoHoursAgo = Math.floor(Date.now() / 1000) - 7200;
      const expired = jwt.sign({ sub: buyer.id, ver: 1, jti: randomUUID(), iat: twoHoursAgo });
      const decoded = jwt.decode<{ exp: number }>(expired);
      expect(decoded.exp).toBeLessThan(Date.now() / 1000);
      await t.http.get('/me').set('Authorization', `Bearer ${expired}`).expect(401);
      const fresh = jwt.sign({ sub: buyer.id, ver: 1, jti: randomUUID() });
      await t.http.get('/me').set('Authorization', `Bearer ${fresh}`).expect(200);
    });

    it('rejects an unsigned (alg none) token', async () => {
      const payload = Buffer.from(
        JSON.stringify({ sub: admin.id, ver: 1, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600 }),
      ).toString('base64url');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await t.http.get('/me').set('Authorization', `Bearer ${header}.${payload}.`).expect(401);
    });
  });

  describe('GET /me', () => {
    it('returns the caller, with the seller calendar for sellers and never the password', async () => {
      const me = await t.http
        .get('/me')
        .set('Authorization', `Bearer ${t.tokenFor(seller)}`)
        .expect(200);
      expect(me.body).toEqual({
        id: seller.id,
        email: seller.email,
        role: 'seller',
        displayName: 'Test seller',
        createdAt: expect.stringMatching(/Z$/),
        locale: 'en',
        localeChosen: false,
        seller: {
          timeZone: 'Europe/Berlin',
          country: 'DE',
          subdivision: 'BY',
          workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
        },
      });
      const buyerMe = await t.http
        .get('/me')
        .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
        .expect(200);
      expect(buyerMe.body.seller).toBeUndefined();
      expect(JSON.stringify(buyerMe.body)).not.toMatch(/password/i);
    });
  });

  describe('role guards', () => {
    it.each([
      ['buyer', 403],
      ['seller', 403],
      ['agent', 403],
      ['admin', 200],
    ] as const)('POST /admin/jobs/support-sweep/run as %s → %i', async (role, status) => {
      const user = role === 'admin' ? admin : await createUser(t.sql, role);
      const response = await t.http
        .post('/admin/jobs/support-sweep/run')
        .set('Authorization', `Bearer ${t.tokenFor(user)}`)
        .expect(status);
      if (status === 403) expect(response.headers['content-type']).toMatch(problemJson);
      else expect(response.body).toEqual({ job: 'support-sweep', raised: 0 });
    });

    it('answers an unknown job with 404 and no token with 401', async () => {
      await t.http
        .post('/admin/jobs/nope/run')
        .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
        .expect(404);
      await t.http.post('/admin/jobs/support-sweep/run').expect(401);
    });
  });
});
