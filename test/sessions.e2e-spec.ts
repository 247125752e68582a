import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TEST_PASSWORD, TestUser } from './support/factories.js';

/** Sessions and limits on two instances sharing one database: what one does, the other honours at once. */
describe('sessions and limits across instances', () => {
  const env = {
    TRUST_PROXY: 'true',
    LOGIN_RATE_LIMIT_PER_ACCOUNT: '3',
    LOGIN_RATE_LIMIT_PER_IP: '20',
    LOGIN_SLOWDOWN_AFTER: '4',
    LOGIN_RATE_WINDOW_SECONDS: '600',
    POST_RATE_LIMIT_PER_MINUTE: '3',
  };
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  let addresses = 0;
  const address = () => `203.0.113.${++addresses}`;
  const login = (app: TestApp, email: string, password: string, from = address()) =>
    app.http.post('/auth/login').set('X-Forwarded-For', from).send({ email, password });
  const bearer = (token: string) => `Bearer ${token}`;

  beforeAll(async () => {
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database, clock: a.clock });
    admin = await createUser(a.sql, 'admin');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('refuses a validly signed token for a user that does not exist: 401 on reads and writes, never 500', async () => {
    const ghost = a.app.get(JwtService).sign({ sub: randomUUID(), ver: 1, jti: randomUUID() });
    await a.http.get('/cases').set('Authorization', bearer(ghost)).expect(401);
    const seller = await createUser(a.sql, 'seller');
    await a.http
      .post('/cases')
      .set('Authorization', bearer(ghost))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hi', body: 'Hello' })
      .expect(401);
  });

  it("takes the role from the database, not the token's claims", async () => {
    const user = await createUser(a.sql, 'buyer');
    const token = (await login(a, user.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const forgedRole = a.app.get(JwtService).sign({ sub: user.id, ver: 1, jti: randomUUID(), role: 'admin' });
    await a.http.get('/admin/outbox').set('Authorization', bearer(forgedRole)).expect(403);
    await a.sql.query(`UPDATE users SET role = 'agent' WHERE id = $1`, [user.id]);
    await a.http.get('/escalations').set('Authorization', bearer(token)).expect(200);
  });

  it('signs out one token on every instance, leaving the others', async () => {
    const user = await createUser(a.sql, 'buyer');
    const first = (await login(a, user.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const second = (await login(b, user.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    await a.http.post('/auth/logout').set('Authorization', bearer(first)).expect(204);
    await b.http.get('/me').set('Authorization', bearer(first)).expect(401);
    await a.http.get('/me').set('Authorization', bearer(first)).expect(401);
    await b.http.get('/me').set('Authorization', bearer(second)).expect(200);
  });

  it('a new password ends every earlier session, on every instance', async () => {
    const user = await createUser(a.sql, 'seller');
    const before = (await login(a, user.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const other = (await login(b, user.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const wrong = await a.http
      .put('/me/password')
      .set('Authorization', bearer(before))
      .send({ currentPassword: 'not it', newPassword: 'a brand new long password' })
      .expect(400);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    await a.http
      .put('/me/password')
      .set('Authorization', bearer(before))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new long password' })
      .expect(204);
    await b.http.get('/me').set('Authorization', bearer(other)).expect(401);
    await a.http.get('/me').set('Authorization', bearer(before)).expect(401);
    await login(b, user.email, TEST_PASSWORD).expect(401);
    const after = (await login(b, user.email, 'a brand new long password').expect(200)).body.accessToken as string;
    await a.http.get('/me').set('Authorization', bearer(after)).expect(200);
  });

  it('disabling a user refuses its tokens at once on every instance and its sign-in; enabling lets it sign in again', async () => {
    const user = await createUser(a.sql, 'buyer');
    const token = (await login(a, user.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const adminToken = (await login(a, admin.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const disabled = await a.http
      .post(`/users/${user.id}/disable`)
      .set('Authorization', bearer(adminToken))
      .expect(200);
    expect(disabled.body.id).toBe(user.id);
    await b.http.get('/me').set('Authorization', bearer(token)).expect(401);
    await login(b, user.email, TEST_PASSWORD).expect(401);
    await b.http.post(`/users/${user.id}/enable`).set('Authorization', bearer(adminToken)).expect(200);
    await b.http.get('/me').set('Authorization', bearer(token)).expect(401);
    await login(a, user.email, TEST_PASSWORD).expect(200);
    await a.http.post(`/users/${admin.id}/disable`).set('Authorization', bearer(adminToken)).expect(403);
    await a.http.post(`/users/${randomUUID()}/disable`).set('Authorization', bearer(adminToken)).expect(404);
    await a.http.post(`/users/${user.id}/disable`).set('Authorization', bearer(token)).expect(401);

    const audit = await a.http
      .get('/admin/audit')
      .query({ subjectId: user.id })
      .set('Authorization', bearer(adminToken))
      .expect(200);
    expect(audit.body.items.map((item: { action: string }) => item.action)).toEqual(['user.enabled', 'user.disabled']);
    expect(audit.body.items[1]).toMatchObject({
      actorId: admin.id,
      subjectType: 'user',
      before: { disabled: false },
      after: { disabled: true },
    });
  });

  it('counts failed sign-ins on every instance: a guesser is refused by both after the limit', async () => {
    const victim = await createUser(a.sql, 'buyer');
    const guesser = address();
    await login(a, victim.email, 'guess 1', guesser).expect(401);
    await login(b, victim.email, 'guess 2', guesser).expect(401);
    await login(a, victim.email, 'guess 3', guesser).expect(401);
    await login(b, victim.email, TEST_PASSWORD, guesser).expect(429);
    await login(a, victim.email, TEST_PASSWORD, guesser).expect(429);
  });

  it("never locks the owner out because of strangers' failures: slowed, not refused", async () => {
    const owner = await createUser(a.sql, 'seller');
    for (let i = 0; i < 6; i++) await login(i % 2 ? a : b, owner.email, `guess ${i}`).expect(401);
    const began = Date.now();
    await login(a, owner.email, TEST_PASSWORD).expect(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
  });

  it('counts posts on every instance', async () => {
    const buyer = await createUser(a.sql, 'buyer');
    const seller = await createUser(a.sql, 'seller');
    const token = (await login(a, buyer.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const open = (app: TestApp) =>
      app.http
        .post('/cases')
        .set('Authorization', bearer(token))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hi', body: 'Hello' });
    await open(a).expect(201);
    await open(b).expect(201);
    await open(a).expect(201);
    const refused = await open(b).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('purges revoked token ids and limit windows once they expired', async () => {
    const user = await createUser(a.sql, 'buyer');
    await a.sql.query(
      `INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, now() - interval '1 minute'), ($3, $2, now() + interval '1 hour')`,
      [randomUUID(), user.id, randomUUID()],
    );
    await a.sql.query(
      `INSERT INTO rate_limits (key, count, window_ends) VALUES ('test:ended', 3, now() - interval '1 minute') ON CONFLICT DO NOTHING`,
    );
    const adminToken = (await login(a, admin.email, TEST_PASSWORD).expect(200)).body.accessToken as string;
    const purged = await a.http
      .post('/admin/jobs/session-purge/run')
      .set('Authorization', bearer(adminToken))
      .expect(200);
    expect(purged.body.revokedTokens).toBeGreaterThanOrEqual(1);
    expect(
      (await a.sql.query(`SELECT count(*)::int AS n FROM revoked_tokens WHERE user_id = $1`, [user.id])).rows[0].n,
    ).toBe(1);
    expect((await a.sql.query(`SELECT count(*)::int AS n FROM rate_limits WHERE key = 'test:ended'`)).rows[0].n).toBe(
      0,
    );
  });
});
