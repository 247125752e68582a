import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * The marketplace's systems name people and orders by their own ids
 * (docs/integration.md): `PUT` makes them the first time (201) and brings
 * them up to date after (200), one person or order per id however many calls
 * race; conflicts say why.
 */
describe('people and orders by the marketplace’s ids', () => {
  let t: TestApp;
  let admin: TestUser;
  let key: string;
  const withKey = (path: string) => t.http.put(path).set('Authorization', `Bearer ${key}`);
  const seller = (n: string, extra: Record<string, unknown> = {}) => ({
    email: `seller-${n}@shop.example`,
    role: 'seller',
    displayName: `Shop ${n}`,
    seller: { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' },
    ...extra,
  });
  const buyer = (n: string, extra: Record<string, unknown> = {}) => ({
    email: `buyer-${n}@mail.example`,
    role: 'buyer',
    displayName: `Buyer ${n}`,
    ...extra,
  });
  const order = (buyerExternalId: string, sellerExternalId: string) => ({
    buyerExternalId,
    sellerExternalId,
    placedAt: '2026-02-20T12:00:00Z',
    maxDeliveryDate: '2026-03-01',
    total: { amount: 4500, currency: 'EUR' },
    items: [{ title: 'Sencha, 250 g', quantity: 2 }],
  });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    key = (
      await t.http
        .post('/admin/api-keys')
        .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
        .send({ name: 'marketplace backend', scopes: ['users:write', 'orders:write'] })
        .expect(201)
    ).body.key as string;
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes a seller with its calendar (201), then brings it up to date (200), without a password', async () => {
    const made = await withKey('/integration/users/seller-1')
      .send(seller('1', { locale: 'de-AT' }))
      .expect(201);
    expect(made.body).toMatchObject({
      externalId: 'seller-1',
      email: 'seller-1@shop.example',
      role: 'seller',
      displayName: 'Shop 1',
      locale: 'de',
      seller: { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' },
    });
    const again = await withKey('/integration/users/seller-1')
      .send(seller('1', { locale: 'de-AT' }))
      .expect(200);
    expect(again.body).toEqual(made.body);
    const versions = await t.sql.query(
      `SELECT count(*)::int AS n FROM calendar_versions v JOIN calendars c ON c.id = v.calendar_id WHERE c.seller_id = $1`,
      [made.body.id],
    );
    expect(versions.rows).toEqual([{ n: 1 }]);

    const renamed = await withKey('/integration/users/seller-1')
      .send(
        seller('1', {
          displayName: 'Anna’s Teas',
          email: 'ANNA@teas.example',
          seller: { timeZone: 'Europe/Vienna', country: 'AT' },
        }),
      )
      .expect(200);
    expect(renamed.body).toMatchObject({
      id: made.body.id,
      email: 'anna@teas.example',
      displayName: 'Anna’s Teas',
      locale: 'de',
      seller: { timeZone: 'Europe/Vienna', country: 'AT' },
    });
    const stored = await t.sql.query('SELECT password_hash, external_id FROM users WHERE id = $1', [made.body.id]);
    expect(stored.rows).toEqual([{ password_hash: null, external_id: 'seller-1' }]);
    // No password: nobody signs in with one (the same answer as a wrong password).
    await t.http.post('/auth/login').send({ email: 'anna@teas.example', password: 'anything at all 123' }).expect(401);
    const fetched = await t.http.get('/integration/users/seller-1').set('Authorization', `Bearer ${key}`).expect(200);
    expect(fetched.body).toEqual(renamed.body);
    await t.http.get('/integration/users/nobody-here').set('Authorization', `Bearer ${key}`).expect(404);
  });

  it('makes one person of 20 racing calls with the same id, and one order of 20 racing orders', async () => {
    const calls = await Promise.all(
      Array.from({ length: 20 }, () => withKey('/integration/users/racer').send(buyer('racer'))),
    );
    expect(calls.map((response) => response.status).sort((x, y) => x - y)).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(calls.map((response) => response.body.id as string)).size).toBe(1);
    const rows = await t.sql.query(`SELECT count(*)::int AS n FROM users WHERE external_id = 'racer'`);
    expect(rows.rows).toEqual([{ n: 1 }]);

    await withKey('/integration/users/race-shop').send(seller('race')).expect(201);
    const orders = await Promise.all(
      Array.from({ length: 20 }, () => withKey('/integration/orders/ORD-RACE').send(order('racer', 'race-shop'))),
    );
    expect(orders.map((response) => response.status).sort((x, y) => x - y)).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(orders.map((response) => response.body.id as string)).size).toBe(1);
  });

  it('pushes an order between people named by their ids, and its delivery', async () => {
    const madeBuyer = await withKey('/integration/users/buyer-2').send(buyer('2')).expect(201);
    const madeSeller = await withKey('/integration/users/seller-2').send(seller('2')).expect(201);
    const placed = await withKey('/integration/orders/ORD-2001').send(order('buyer-2', 'seller-2')).expect(201);
    expect(placed.body).toMatchObject({
      externalId: 'ORD-2001',
      buyerId: madeBuyer.body.id,
      sellerId: madeSeller.body.id,
      total: { amount: 4500, currency: 'EUR' },
    });
    await withKey('/integration/orders/ORD-2001').send(order('buyer-2', 'seller-2')).expect(200);
    const delivered = await t.http
      .post('/integration/orders/ORD-2001/events')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'delivered', at: '2026-02-25T10:00:00Z' })
      .expect(201);
    expect(delivered.body.events).toEqual([expect.objectContaining({ type: 'delivered' })]);
    await t.http
      .post('/integration/orders/ORD-404/events')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'delivered', at: '2026-02-25T10:00:00Z' })
      .expect(404);
    // The same id between other people is another order: a conflict, never silently the first.
    await withKey('/integration/users/buyer-3').send(buyer('3')).expect(201);
    await withKey('/integration/orders/ORD-2001').send(order('buyer-3', 'seller-2')).expect(409);
    // People named by ids nobody has, or in the wrong role.
    const nobody = await withKey('/integration/orders/ORD-2002').send(order('ghost', 'seller-2')).expect(400);
    expect(nobody.body.errors).toEqual([expect.objectContaining({ field: 'buyerExternalId' })]);
    const swapped = await withKey('/integration/orders/ORD-2002').send(order('seller-2', 'buyer-2')).expect(400);
    expect(swapped.body.errors).toEqual([expect.objectContaining({ field: 'buyerExternalId' })]);
  });

  it('says why it will not: an email of another account, a role change under cases, a seller without a calendar', async () => {
    await withKey('/integration/users/buyer-4').send(buyer('4')).expect(201);
    const local = await createUser(t.sql, 'buyer', { email: 'taken@mail.example' });
    const taken = await withKey('/integration/users/buyer-5')
      .send(buyer('5', { email: 'Taken@mail.example' }))
      .expect(409);
    expect(taken.body.detail).toBe('The email taken@mail.example belongs to another account');
    await withKey('/integration/users/buyer-4')
      .send(buyer('4', { email: local.email }))
      .expect(409);

    await withKey('/integration/users/seller-4').send(seller('4')).expect(201);
    await withKey('/integration/orders/ORD-4001').send(order('buyer-4', 'seller-4')).expect(201);
    const orphan = await withKey('/integration/users/buyer-4').send(seller('4b')).expect(409);
    expect(orphan.body.detail).toMatch(/party to 0 case\(s\) and 1 order\(s\)/);
    // A person with nothing yet may change role (a seller needs its calendar).
    await withKey('/integration/users/buyer-6').send(buyer('6')).expect(201);
    const noCalendar = await withKey('/integration/users/buyer-6')
      .send(buyer('6', { role: 'seller' }))
      .expect(400);
    expect(noCalendar.body.errors).toEqual([expect.objectContaining({ field: 'seller' })]);
    const becameSeller = await withKey('/integration/users/buyer-6').send(seller('6')).expect(200);
    expect(becameSeller.body).toMatchObject({ role: 'seller', seller: { timeZone: 'Europe/Berlin' } });

    const noSellerCalendar = await withKey('/integration/users/seller-7')
      .send(seller('7', { seller: undefined }))
      .expect(400);
    expect(noSellerCalendar.body.errors).toEqual([expect.objectContaining({ field: 'seller' })]);
    const buyerCalendar = await withKey('/integration/users/buyer-7')
      .send(buyer('7', { seller: { timeZone: 'UTC', country: 'none' } }))
      .expect(400);
    expect(buyerCalendar.body.errors).toEqual([expect.objectContaining({ field: 'seller' })]);
    const agent = await withKey('/integration/users/agent-1')
      .send(buyer('a', { role: 'agent' }))
      .expect(400);
    expect(agent.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
    const locale = await withKey('/integration/users/buyer-8')
      .send(buyer('8', { locale: 'tlh' }))
      .expect(400);
    expect(locale.body.errors).toEqual([expect.objectContaining({ field: 'locale' })]);
  });

  it('refuses external ids that are too long or hold control characters or path separators, naming the field', async () => {
    for (const id of ['x'.repeat(201), 'a%01b', 'a%5Cb', 'a%2Fb', 'tab%09id']) {
      const refused = await withKey(`/integration/users/${id}`).send(buyer('bad'));
      expect([id, refused.status]).toEqual([id, 400]);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'externalId' })]);
    }
    await withKey(`/integration/users/${'x'.repeat(200)}`)
      .send(buyer('long'))
      .expect(201);
    await withKey(`/integration/users/${encodeURIComponent('ünïcødé id · 42')}`)
      .send(buyer('unicode'))
      .expect(201);
    const orderId = await withKey(`/integration/orders/${'o'.repeat(201)}`).send(order('buyer-2', 'seller-2'));
    expect(orderId.status).toBe(400);
  });

  it('lets admins call the same routes with their own sessions', async () => {
    const made = await t.http
      .put('/integration/users/made-by-hand')
      .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
      .send(buyer('made-by-hand'));
    expect([made.status, made.body]).toEqual([201, expect.objectContaining({ externalId: 'made-by-hand' })]);
    const entry = await t.sql.query(
      `SELECT actor_id, actor_role FROM audit_log WHERE action = 'user.created' AND after->>'externalId' = 'made-by-hand'`,
    );
    expect(entry.rows).toEqual([{ actor_id: admin.id, actor_role: 'admin' }]);
  });
});
