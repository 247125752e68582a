import request from 'supertest';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

describe('POST /users', () => {
  let t: TestApp;
  let admin: TestUser;
  let auth: string;
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

  const seller = {
    email: 'shop@example.test',
    password: 'a long enough password',
    role: 'seller',
    displayName: 'The Shop',
    seller: { timeZone: 'America/Los_Angeles', country: 'us', subdivision: 'US-CA' },
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    auth = `Bearer ${t.tokenFor(admin)}`;
  });
  afterAll(() => t.close());

  const countUsers = async () => Number((await t.sql.query('SELECT count(*) FROM users')).rows[0].count);

  it('creates a seller with its calendar, normalised, and stores only a scrypt hash', async () => {
    const response = await t.http.post('/users').set('Authorization', auth).send(seller).expect(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'shop@example.test',
      role: 'seller',
      displayName: 'The Shop',
      createdAt: new Date('2026-03-02T18:00:00Z').toISOString(),
      // No language chosen yet: the marketplace's default applies.
      locale: 'en',
      localeChosen: false,
      seller: {
        timeZone: 'America/Los_Angeles',
        country: 'US',
        subdivision: 'CA',
        workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      },
    });
    const { rows } = await t.sql.query(
      `SELECT u.password_hash, v.version, v.effective_from, v.definition
         FROM users u JOIN calendars c ON c.seller_id = u.id JOIN calendar_versions v ON v.calendar_id = c.id WHERE u.id = $1`,
      [response.body.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      version: 1,
      effective_from: new Date('2026-03-02T18:00:00Z'),
      definition: {
        timeZone: 'America/Los_Angeles',
        holidays: { country: 'US', subdivision: 'CA' },
        workingDays: [1, 2, 3, 4, 5],
        closures: [],
      },
    });
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(rows[0].password_hash).not.toContain(seller.password);
    const login = await t.http.post('/auth/login').send({ email: seller.email, password: seller.password }).expect(200);
    expect(login.body.user.id).toBe(response.body.id);
  });

  it('accepts a Sunday-to-Thursday week and buyers without a calendar', async () => {
    const dubai = await t.http
      .post('/users')
      .set('Authorization', auth)
      .send({
        ...seller,
        email: 'dubai@example.test',
        seller: { timeZone: 'Asia/Dubai', country: 'AE', workingDays: ['sun', 'mon', 'tue', 'wed', 'thu'] },
      })
      .expect(201);
    expect(dubai.body.seller).toEqual({
      timeZone: 'Asia/Dubai',
      country: 'AE',
      subdivision: null,
      workingDays: ['mon', 'tue', 'wed', 'thu', 'sun'],
    });
    const buyer = await t.http
      .post('/users')
      .set('Authorization', auth)
      .send({ email: 'b@example.test', password: 'a long enough password', role: 'buyer', displayName: 'B' })
      .expect(201);
    expect(buyer.body.seller).toBeUndefined();
  });

  it('keeps opening hours in the calendar and shows them on /me', async () => {
    const hours = { mon: ['09:00-12:00', '13:00-17:00'], fri: ['09:00-13:00'] };
    const created = await t.http
      .post('/users')
      .set('Authorization', auth)
      .send({ ...seller, email: 'hours@example.test', seller: { ...seller.seller, openingHours: hours } })
      .expect(201);
    expect(created.body.seller.openingHours).toEqual(hours);
    const me = await t.http
      .get('/me')
      .set('Authorization', `Bearer ${t.tokenFor({ id: created.body.id, role: 'seller' })}`)
      .expect(200);
    expect(me.body.seller).toEqual({
      timeZone: 'America/Los_Angeles',
      country: 'US',
      subdivision: 'CA',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      openingHours: hours,
    });
  });

  it('refuses a second user with the same email, whatever its case, with 409', async () => {
    await t.http
      .post('/users')
      .set('Authorization', auth)
      .send({ ...seller, email: 'twice@example.test' })
      .expect(201);
    const before = await countUsers();
    const response = await t.http
      .post('/users')
      .set('Authorization', auth)
      .send({ ...seller, email: 'TWICE@example.test' })
      .expect(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ['an unknown time zone', 'seller.timeZone', { seller: { ...seller.seller, timeZone: 'Mars/Olympus_Mons' } }],
    ['an unknown country', 'seller.country', { seller: { ...seller.seller, country: 'XX', subdivision: undefined } }],
    ['a subdivision of another country', 'seller.subdivision', { seller: { ...seller.seller, subdivision: 'BY' } }],
    ['an unknown weekday', 'seller.workingDays', { seller: { ...seller.seller, workingDays: ['mon', 'funday'] } }],
    [
      'malformed opening hours',
      'seller.openingHours',
      { seller: { ...seller.seller, openingHours: { mon: ['9 to 5'] } } },
    ],
    [
      'opening hours on a day that is no weekday',
      'seller.openingHours',
      { seller: { ...seller.seller, openingHours: { someday: ['09:00-17:00'] } } },
    ],
    ['no working day', 'seller.workingDays', { seller: { ...seller.seller, workingDays: [] } }],
    ['a seller without a calendar', 'seller', { seller: undefined }],
    ['a calendar for a buyer', 'seller', { role: 'buyer' }],
    ['an unknown role', 'role', { role: 'superuser' }],
    ['a malformed email', 'email', { email: 'not-an-email' }],
    ['a short password', 'password', { password: 'short' }],
    ['an empty display name', 'displayName', { displayName: '   ' }],
    ['a two-line display name', 'displayName', { displayName: 'Shop\r\nBcc: x@example.test' }],
    ['an unknown property', 'isAdmin', { isAdmin: true }],
  ])('answers %s with 400 naming %s, and stores nothing', async (_, field, change) => {
    const before = await countUsers();
    const body = { ...seller, email: `new-${Math.random()}@example.test`, ...change };
    const response = await t.http.post('/users').set('Authorization', auth).send(body).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 400,
      type: expect.any(String),
      title: 'Bad request',
      detail: expect.any(String),
    });
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await countUsers()).toBe(before);
  });

  it('a country without holiday data is named as such, with how to do without holidays', async () => {
    const seller = { timeZone: 'Asia/Kathmandu', country: 'NP' };
    const refused = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({
        email: 'np@example.test',
        password: 'a long enough password',
        role: 'seller',
        displayName: 'Kathmandu Crafts',
        seller,
      })
      .expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'seller.country', message: expect.stringMatching(/no public-holiday data for NP.*"none"/) },
    ]);
    const created = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({
        email: 'np@example.test',
        password: 'a long enough password',
        role: 'seller',
        displayName: 'Kathmandu Crafts',
        seller: { ...seller, country: 'none' },
      })
      .expect(201);
    expect(created.body.seller).toMatchObject({ timeZone: 'Asia/Kathmandu', country: 'none' });
    const unknown = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({
        email: 'xx@example.test',
        password: 'a long enough password',
        role: 'seller',
        displayName: 'X',
        seller: { timeZone: 'UTC', country: 'XX' },
      })
      .expect(400);
    expect(unknown.body.errors[0].message).toMatch(/ISO 3166-1 alpha-2/);
  });

  it('answers a body that is not an object with 400', async () => {
    const response = await t.http
      .post('/users')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('[1,2]')
      .expect(400);
    expect(response.body.status).toBe(400);
  });

  it('is for admins only', async () => {
    for (const role of ['buyer', 'seller', 'agent'] as const) {
      const user = await createUser(t.sql, role);
      await t.http
        .post('/users')
        .set('Authorization', `Bearer ${t.tokenFor(user)}`)
        .send({ ...seller, email: `${role}-made@example.test` })
        .expect(403);
    }
    await t.http.post('/users').send(seller).expect(401);
  });

  describe('display names that pass for the marketplace', () => {
    it.each([
      ['the badge and the senders’ names', 'seller', 'Marketplace ✓ Verified · Customer Service'],
      ['a check mark', 'seller', 'Bolt Gadgets ✔'],
      ['a trade mark sign', 'buyer', 'Ana™'],
      ['“Marketplace” in full-width letters', 'seller', 'Ｍarketplace'],
      ['“Marketplace” with a zero-width space', 'seller', 'Market\u200Bplace'],
      ['“Marketplace” with a Cyrillic а', 'seller', 'Mаrketplace'],
      ['“Marketplace” spaced out', 'seller', 'M a r k e t p l a c e'],
      ['“Customer service”', 'seller', 'Customer Service'],
      ['“Support”', 'seller', 'Gadget Supp0rt'],
      ['“Trust & Safety”', 'buyer', 'Trust & Safety'],
      ['“Buyer Protection”', 'buyer', 'Buyer Protection Team'],
      ['“Parley”', 'seller', 'ParleyDeals'],
      ['“Verified”', 'seller', 'Verified Seller'],
    ])('refuses %s with 400 naming displayName in plain words, and stores nothing', async (_, role, displayName) => {
      const before = await countUsers();
      const response = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send(newUser(role, displayName))
        .expect(400);
      isProblem(response);
      expect(response.body.errors).toEqual([
        {
          field: 'displayName',
          message: expect.stringMatching(/^displayName must not contain .+: .+ marketplace’s own messages/),
        },
      ]);
      expect(await countUsers()).toBe(before);
    });

    it('accepts ordinary names, and lets agents name their team but not wear the mark', async () => {
      for (const [role, displayName] of [
        ['seller', 'Supportive Socks'],
        ['buyer', 'Chloé Martin'],
        ['agent', 'Maya (support)'],
      ]) {
        const response = await t.http
          .post('/users')
          .set('Authorization', as(admin))
          .send(newUser(role, displayName))
          .expect(201);
        expect(response.body.displayName).toBe(displayName);
      }
      const marked = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send(newUser('agent', 'Maya (support) ✓'))
        .expect(400);
      expect(marked.body.errors[0].field).toBe('displayName');
    });
  });

  describe('invisible and direction-changing characters in display names', () => {
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

    it('drops the Arabic letter mark from display names, as the other bidi marks', async () => {
      const response = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send(newUser('buyer', 'Ana\u061C García\u2067'))
        .expect(201);
      expect(response.body.displayName).toBe('Ana García');
      const [stored] = (await t.sql.query('SELECT display_name FROM users WHERE id = $1', [response.body.id])).rows;
      expect(stored.display_name).toBe('Ana García');
    });
  });
});
