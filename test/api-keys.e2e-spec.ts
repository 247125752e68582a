import { createHash } from 'node:crypto';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, openCase, TestUser } from './support/factories.js';
import { API_SCOPES, type ApiScope } from '../src/integration/api-keys.js';

interface KeyView {
  id: string;
  name: string;
  scopes: ApiScope[];
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  key?: string;
}

/**
 * API keys (docs/integration.md): made by admins, shown once and stored as a
 * hash, each opening only the routes of its scopes, refused at once on every
 * instance once revoked or expired, limited per key across instances, and
 * never a person (no portal session, no routes for people).
 */
describe('API keys', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${a.tokenFor(user)}`;
  const makeKey = async (scopes: ApiScope[], extra: Record<string, unknown> = {}) =>
    (
      await a.http
        .post('/admin/api-keys')
        .set('Authorization', as(admin))
        .send({ name: `key for ${scopes.join(' ')}`, scopes, ...extra })
        .expect(201)
    ).body as KeyView & { key: string };

  beforeAll(async () => {
    const env = { API_KEY_RATE_LIMIT_PER_MINUTE: '40' };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database, clock: a.clock });
    admin = await createUser(a.sql, 'admin');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('shows a new key once, keeps only its hash, and lists it by its prefix', async () => {
    const made = await makeKey(['orders:write', 'reports:read'], { expiresAt: '2099-01-01T00:00:00Z' });
    expect(made.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    expect(made.prefix).toBe(made.key.slice(0, 11));
    expect(made).toMatchObject({
      name: 'key for orders:write reports:read',
      scopes: ['orders:write', 'reports:read'],
      expiresAt: '2099-01-01T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    const stored = await a.sql.query('SELECT key_hash, prefix FROM api_keys WHERE id = $1', [made.id]);
    expect(stored.rows[0].key_hash).toEqual(createHash('sha256').update(made.key).digest());
    const everything = JSON.stringify((await a.sql.query('SELECT * FROM api_keys')).rows);
    expect(everything).not.toContain(made.key);

    const listed = (await a.http.get('/admin/api-keys').set('Authorization', as(admin)).expect(200)).body as {
      items: KeyView[];
    };
    const item = listed.items.find((candidate) => candidate.id === made.id)!;
    expect(item).toMatchObject({ prefix: made.prefix, scopes: made.scopes });
    expect(item).not.toHaveProperty('key');
    expect(JSON.stringify(listed)).not.toContain(made.key);

    const audit = await a.sql.query(`SELECT actor_id, action, after FROM audit_log WHERE subject_id = $1`, [made.id]);
    expect(audit.rows).toEqual([
      {
        actor_id: admin.id,
        action: 'api_key.created',
        after: { name: made.name, prefix: made.prefix, scopes: made.scopes, expiresAt: made.expiresAt },
      },
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain(made.key);
  });

  it('refuses what is not a key request: unknown scopes, a past expiry, people other than admins', async () => {
    const refused = await a.http
      .post('/admin/api-keys')
      .set('Authorization', as(admin))
      .send({ name: 'x', scopes: ['orders:write', 'everything'] })
      .expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'scopes' })]);
    await a.http.post('/admin/api-keys').set('Authorization', as(admin)).send({ name: 'x', scopes: [] }).expect(400);
    const past = await a.http
      .post('/admin/api-keys')
      .set('Authorization', as(admin))
      .send({ name: 'x', scopes: ['orders:write'], expiresAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
    const seller = await createUser(a.sql, 'seller');
    await a.http
      .post('/admin/api-keys')
      .set('Authorization', as(seller))
      .send({ name: 'x', scopes: ['orders:write'] })
      .expect(403);
  });

  it('opens each route to the keys with its scope only: 403 for any other key, 401 for no key of Parley’s', async () => {
    const seller = await createUser(a.sql, 'seller');
    const buyer = await createUser(a.sql, 'buyer');
    const keys = Object.fromEntries(
      await Promise.all(API_SCOPES.map(async (scope) => [scope, (await makeKey([scope])).key] as const)),
    ) as Record<ApiScope, string>;
    let n = 0;
    /** One request of each route a scope opens; each answers 2xx (or 4xx for its body, never 401/403) to its own key. */
    const routes: { scope: ApiScope; call: (key: string) => Promise<number> }[] = [
      {
        scope: 'users:write',
        call: async (key) =>
          (
            await a.http
              .put(`/integration/users/matrix-${++n}`)
              .set('Authorization', `Bearer ${key}`)
              .send({ email: `matrix-${n}@example.test`, role: 'buyer', displayName: 'Matrix buyer' })
          ).status,
      },
      {
        scope: 'orders:write',
        call: async (key) =>
          (
            await a.http
              .post('/orders')
              .set('Authorization', `Bearer ${key}`)
              .send({
                externalId: `MATRIX-${++n}`,
                buyerId: buyer.id,
                sellerId: seller.id,
                placedAt: '2026-02-20T12:00:00Z',
                maxDeliveryDate: '2026-03-01',
                total: { amount: 100, currency: 'USD' },
              })
          ).status,
      },
      {
        scope: 'webhooks:write',
        call: async (key) => (await a.http.get('/admin/webhooks').set('Authorization', `Bearer ${key}`)).status,
      },
      {
        scope: 'reports:read',
        call: async (key) =>
          (await a.http.get(`/sellers/${seller.id}/performance`).set('Authorization', `Bearer ${key}`)).status,
      },
    ];
    for (const route of routes) {
      for (const scope of API_SCOPES) {
        const status = await route.call(keys[scope]);
        if (scope === route.scope) expect([route.scope, status >= 200 && status < 300]).toEqual([route.scope, true]);
        else expect([route.scope, scope, status]).toEqual([route.scope, scope, 403]);
      }
      expect(await route.call(`pk_${'A'.repeat(43)}`)).toBe(401);
    }
    // Routes for people are closed to every key, whatever its scopes.
    const everything = (await makeKey([...API_SCOPES])).key;
    for (const path of ['/me', '/cases', '/admin/api-keys', '/inbox', '/escalations', '/admin/audit'])
      expect([path, (await a.http.get(path).set('Authorization', `Bearer ${everything}`)).status]).toEqual([path, 403]);
    await openCase(a, buyer, seller.id);
    const refused = await a.http.get('/cases').set('Authorization', `Bearer ${everything}`).expect(403);
    expect(refused.body.detail).toMatch(/API keys cannot call this route/);
  });

  it('is refused at once on every instance when revoked, and when expired', async () => {
    const { id, key } = await makeKey(['webhooks:write']);
    await b.http.get('/admin/webhooks').set('Authorization', `Bearer ${key}`).expect(200);
    await a.http.delete(`/admin/api-keys/${id}`).set('Authorization', as(admin)).expect(204);
    const refused = await b.http.get('/admin/webhooks').set('Authorization', `Bearer ${key}`).expect(401);
    expect(refused.body.detail).toBe('This API key is unknown, revoked or expired');
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    // Revoking again changes nothing; an unknown key id is a 404.
    await a.http.delete(`/admin/api-keys/${id}`).set('Authorization', as(admin)).expect(204);
    await a.http
      .delete('/admin/api-keys/00000000-0000-4000-8000-000000000000')
      .set('Authorization', as(admin))
      .expect(404);
    const audit = await a.sql.query(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id`, [id]);
    expect(audit.rows.map((row: { action: string }) => row.action)).toEqual(['api_key.created', 'api_key.revoked']);

    const expiring = await makeKey(['webhooks:write'], { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await b.http.get('/admin/webhooks').set('Authorization', `Bearer ${expiring.key}`).expect(200);
    await a.sql.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    await b.http.get('/admin/webhooks').set('Authorization', `Bearer ${expiring.key}`).expect(401);
  });

  it('records when a key was last used, to the minute, and what it did in the audit log as the key', async () => {
    const { id, key } = await makeKey(['users:write']);
    await a.http
      .put('/integration/users/last-used-1')
      .set('Authorization', `Bearer ${key}`)
      .send({ email: 'last-used-1@example.test', role: 'buyer', displayName: 'Kofi' })
      .expect(201);
    const used = await a.sql.query('SELECT last_used_at FROM api_keys WHERE id = $1', [id]);
    expect(used.rows[0].last_used_at).toBeInstanceOf(Date);
    const listed = (await a.http.get('/admin/api-keys').set('Authorization', as(admin)).expect(200)).body as {
      items: KeyView[];
    };
    expect(listed.items.find((item) => item.id === id)!.lastUsedAt).toBe(
      (used.rows[0].last_used_at as Date).toISOString(),
    );
    const entries = await a.sql.query(
      `SELECT actor_id, actor_role, actor_key_id, action FROM audit_log WHERE actor_key_id = $1`,
      [id],
    );
    expect(entries.rows).toEqual([{ actor_id: null, actor_role: 'api_key', actor_key_id: id, action: 'user.created' }]);
  });

  it('refuses a key in the address, and ignores one sent to a portal page', async () => {
    const { key } = await makeKey(['webhooks:write']);
    const refused = await a.http.get(`/admin/webhooks?api_key=${key}`).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'api_key' })]);
    // On a public route as well, and among other parameters.
    await a.http.get(`/health/ready?x=1&token=${key}`).expect(400);
    // A page reads only its session cookie: with a key and no session, it is the sign-in page's redirect.
    const page = await a.http.get('/app/dashboard').set('Authorization', `Bearer ${key}`);
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/app\/login/);
  });

  it('limits the requests of each key across instances: 429 with Retry-After', async () => {
    const { key } = await makeKey(['webhooks:write']);
    const statuses: number[] = [];
    for (let i = 0; i < 42; i++)
      statuses.push(
        (await (i % 2 === 0 ? a : b).http.get('/admin/webhooks').set('Authorization', `Bearer ${key}`)).status,
      );
    expect(statuses.slice(0, 40)).toEqual(Array(40).fill(200));
    expect(statuses.slice(40)).toEqual([429, 429]);
    const limited = await a.http.get('/admin/webhooks').set('Authorization', `Bearer ${key}`).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own count.
    await a.http
      .get('/admin/webhooks')
      .set('Authorization', `Bearer ${(await makeKey(['webhooks:write'])).key}`)
      .expect(200);
  });
});
