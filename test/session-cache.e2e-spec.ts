import { startTestApp, TestApp } from './support/app.js';
import { createUser, TEST_PASSWORD, TestUser } from './support/factories.js';

/** Until the database says otherwise, a session is known without a round trip; when it ends, every instance knows at once. */
describe('the session cache across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let buyer: TestUser;
  /** Polls until `check` passes: a notification travels after the commit, so "at once" is a few milliseconds. */
  const soon = async (check: () => Promise<void>) => {
    const deadline = Date.now() + 2000;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ database: a.database });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });
  beforeEach(async () => {
    buyer = await createUser(a.sql, 'buyer');
  });

  it('a signed-out token stops working on the other instance too, though that one had it cached', async () => {
    const login = await a.http.post('/auth/login').send({ email: buyer.email, password: TEST_PASSWORD }).expect(200);
    const bearer = `Bearer ${login.body.accessToken}`;
    await b.http.get('/me').set('Authorization', bearer).expect(200);
    await b.http.get('/me').set('Authorization', bearer).expect(200); // now from B's cache
    await a.http.post('/auth/logout').set('Authorization', bearer).expect(204);
    await soon(async () => {
      await b.http.get('/me').set('Authorization', bearer).expect(401);
    });
  });

  it('any change to the user in the database (here by hand) ends its cached sessions everywhere: disabling, a role change', async () => {
    const bearer = `Bearer ${a.tokenFor(buyer)}`;
    await a.http.get('/cases').set('Authorization', bearer).expect(200);
    await b.http.get('/cases').set('Authorization', bearer).expect(200);
    await a.sql.query(`UPDATE users SET role = 'seller' WHERE id = $1`, [buyer.id]);
    // The role is the database's: a buyer-only route refuses the caller at once on both instances.
    await soon(async () => {
      await b.http
        .post('/cases')
        .set('Authorization', bearer)
        .send({ sellerId: buyer.id, listingRef: 'l', topic: 'question', subject: 's', body: 'b' })
        .expect(403);
      await a.http
        .post('/cases')
        .set('Authorization', bearer)
        .send({ sellerId: buyer.id, listingRef: 'l', topic: 'question', subject: 's', body: 'b' })
        .expect(403);
    });
    await a.sql.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [buyer.id]);
    await soon(async () => {
      await a.http.get('/cases').set('Authorization', bearer).expect(401);
      await b.http.get('/cases').set('Authorization', bearer).expect(401);
    });
  });

  it('a session is answered from the cache after the first request: the database is not asked again until a trigger says so', async () => {
    const login = await a.http.post('/auth/login').send({ email: buyer.email, password: TEST_PASSWORD }).expect(200);
    const bearer = `Bearer ${login.body.accessToken}`;
    await a.http.get('/me').set('Authorization', bearer).expect(200);
    const { jti } = JSON.parse(Buffer.from(login.body.accessToken.split('.')[1], 'base64url').toString()) as {
      jti: string;
    };
    // Revoke the token behind the triggers' back: the database says no, the cache (rightly never told) still says yes.
    await a.sql.query(`ALTER TABLE revoked_tokens DISABLE TRIGGER revoked_tokens_session_change`);
    try {
      await a.sql.query(
        `INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`,
        [jti, buyer.id],
      );
      await a.http.get('/me').set('Authorization', bearer).expect(200);
      await b.http.get('/me').set('Authorization', bearer).expect(401); // B never cached it: it asks the database
    } finally {
      await a.sql.query(`ALTER TABLE revoked_tokens ENABLE TRIGGER revoked_tokens_session_change`);
    }
    // Any change the triggers see (here disabling and enabling again) makes A ask the database again.
    await a.sql.query(`UPDATE users SET auth_version = auth_version WHERE id = $1`, [buyer.id]);
    await a.sql.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [buyer.id]);
    await a.sql.query(`UPDATE users SET disabled_at = NULL WHERE id = $1`, [buyer.id]);
    await soon(async () => {
      await a.http.get('/me').set('Authorization', bearer).expect(401);
    });
  });
});
