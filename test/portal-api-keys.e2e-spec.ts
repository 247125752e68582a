import { csrfTokenOf } from '../src/auth/browser-session.js';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * The admin's API keys page: make a key (shown on that answer only), see the
 * keys by their first characters, revoke one; a refused form says why.
 */
describe('the API keys page', () => {
  let t: TestApp;
  let admin: TestUser;
  const session = (user: TestUser) => {
    const token = t.tokenFor(user);
    const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    return { cookie: `parley_session=${token}`, csrf: csrfTokenOf(TEST_JWT_SECRET, jti) };
  };
  let cookie: string;
  let csrf: string;
  const post = (path: string, form: Record<string, string | string[]>) =>
    t.http
      .post(path)
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, _page: '/app/admin/api-keys', ...form });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    ({ cookie, csrf } = session(admin));
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes a key and shows it once, then lists it by its first characters, and revokes it', async () => {
    const made = await post('/app/admin/api-keys', {
      name: 'Order sync',
      scopes: ['orders:write', 'users:write'],
      expiresAt: '2099-12-31',
    }).expect(201);
    const key = /<code class="secret">(pk_[A-Za-z0-9_-]{43})<\/code>/.exec(made.text)?.[1];
    expect(key).toBeDefined();
    expect(made.text).toContain('Copy the key now');
    // The key works, for what it was made for.
    await t.http.get('/integration/users/nobody').set('Authorization', `Bearer ${key}`).expect(404);
    const stored = await t.sql.query('SELECT id, scopes, expires_at FROM api_keys WHERE name = $1', ['Order sync']);
    expect(stored.rows).toEqual([
      { id: expect.any(String), scopes: ['orders:write', 'users:write'], expires_at: new Date('2099-12-31T00:00:00Z') },
    ]);

    const page = await t.http.get('/app/admin/api-keys').set('Cookie', cookie).expect(200);
    expect(page.text).not.toContain(key);
    expect(page.text).toContain(`<code>${key!.slice(0, 11)}</code>`);
    expect(page.text).toContain('Push orders and their deliveries');
    expect(page.text).toContain('Make and update buyers and sellers');
    expect(page.text).toContain('aria-current="page"');

    const revoked = await post(`/app/admin/api-keys/${stored.rows[0].id}/revoke`, {}).expect(303);
    expect(revoked.headers.location).toBe('/app/admin/api-keys');
    await t.http.get('/integration/users/nobody').set('Authorization', `Bearer ${key}`).expect(401);
    const after = await t.http.get('/app/admin/api-keys').set('Cookie', cookie).expect(200);
    expect(after.text).toMatch(/<span>Revoked<\/span>/);
    expect(after.text).not.toContain(`/app/admin/api-keys/${stored.rows[0].id}/revoke`);
  });

  it('shows a refused key form with its reasons, keeping the page', async () => {
    const refused = await post('/app/admin/api-keys', { name: 'No scopes' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('<h1>API keys</h1>');
    expect(refused.text).toContain('<div class="error form-error" role="alert" id="refused-form-problem">');
    // The boxes are one field: each is marked, the reason is under the group's legend.
    expect(refused.text).toContain(
      '<legend>What it may do</legend><p class="field-error" id="refused-form-scopes-error">',
    );
    expect(
      refused.text.match(
        /name="scopes" value="[a-z:]+" aria-invalid="true" aria-describedby="refused-form-scopes-error"/g,
      ),
    ).toHaveLength(5);
    // What was typed is kept.
    expect(refused.text).toMatch(/<input id="name" name="name"[^>]* value="No scopes"/);
    expect(refused.text).not.toMatch(/<code class="secret">/);
    const past = await post('/app/admin/api-keys', { name: 'Past', scopes: 'orders:write', expiresAt: '2020-01-01' });
    expect(past.status).toBe(400);
    expect(past.text).toMatch(/<input id="expiresAt"[^>]* value="2020-01-01" aria-invalid="true"/);
    expect(past.text).toContain(
      '<p class="field-error" id="refused-form-expiresAt-error">This must be in the future</p>',
    );
    expect(past.text).toMatch(/value="orders:write" checked/);
    const count = await t.sql.query(`SELECT count(*)::int AS n FROM api_keys WHERE name IN ('No scopes', 'Past')`);
    expect(count.rows).toEqual([{ n: 0 }]);
  });

  it('is for admins only', async () => {
    const seller = await createUser(t.sql, 'seller');
    const page = await t.http.get('/app/admin/api-keys').set('Cookie', session(seller).cookie);
    expect([403, 404]).toContain(page.status);
  });
});
