import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

// Defects a review found in email retry and calendar settings, each pinned by a test that failed before its fix.
describe('defects from the review', () => {
  let t: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(() => t.close());

  it('retrying a failed email returns it even with more than 500 newer emails pending', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const [failed] = (
      await t.sql.query(
        `INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, status, attempts, next_attempt_at, last_error, created_at)
         VALUES ('broadcast', 'promotions', $1, 'old-failed', '{}', 'failed', 5, $2::timestamptz, '451 Try again later', $2::timestamptz) RETURNING id`,
        [buyer.id, new Date('2026-01-01T00:00:00Z')],
      )
    ).rows;
    await t.sql.query(
      `INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, next_attempt_at, created_at)
       SELECT 'broadcast', 'promotions', $1, 'newer-' || n, '{}', $2::timestamptz, $2::timestamptz + make_interval(secs => n) FROM generate_series(1, 501) n`,
      [buyer.id, new Date('2026-02-01T00:00:00Z')],
    );
    const retried = await t.http.post(`/admin/outbox/${failed.id}/retry`).set('Authorization', as(admin)).expect(200);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
  });

  it('a country without holiday data is named as such, with how to do without holidays', async () => {
    const seller = { timeZone: 'Asia/Kathmandu', country: 'NP' };
    const refused = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({ email: 'np@example.test', password: 'a long enough password', role: 'seller', displayName: 'Kathmandu Crafts', seller })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'seller.country', message: expect.stringMatching(/no public-holiday data for NP.*"none"/) }]);
    const created = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({ email: 'np@example.test', password: 'a long enough password', role: 'seller', displayName: 'Kathmandu Crafts', seller: { ...seller, country: 'none' } })
      .expect(201);
    expect(created.body.seller).toMatchObject({ timeZone: 'Asia/Kathmandu', country: 'none' });
    const unknown = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({ email: 'xx@example.test', password: 'a long enough password', role: 'seller', displayName: 'X', seller: { timeZone: 'UTC', country: 'XX' } })
      .expect(400);
    expect(unknown.body.errors[0].message).toMatch(/ISO 3166-1 alpha-2/);
  });
});
