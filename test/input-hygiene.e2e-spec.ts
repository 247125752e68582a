import request from 'supertest';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, openCase, TestUser } from './support/factories.js';

/**
 * What a security probe found, each pinned: text one party writes reaches
 * the other without bidi or zero-width characters and without passing for
 * the marketplace; a client's made-up names are not read back to people in
 * problems; the simulated clock stays in the years calendars cover; and the
 * content policy copes with any message (docs/security.md).
 */
describe('input hygiene', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const isProblem = (response: request.Response) => expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const countUsers = async () => Number((await t.sql.query('SELECT count(*) FROM users')).rows[0].count);
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
    seller = await createUser(t.sql, 'seller');
  });
  afterAll(() => t.close());

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
      const response = await t.http.post('/users').set('Authorization', as(admin)).send(newUser(role, displayName)).expect(400);
      isProblem(response);
      expect(response.body.errors).toEqual([{ field: 'displayName', message: expect.stringMatching(/^displayName must not contain .+: .+ marketplace’s own messages/) }]);
      expect(await countUsers()).toBe(before);
    });

    it('accepts ordinary names, and lets agents name their team but not wear the mark', async () => {
      for (const [role, displayName] of [
        ['seller', 'Supportive Socks'],
        ['buyer', 'Chloé Martin'],
        ['agent', 'Maya (support)'],
      ]) {
        const response = await t.http.post('/users').set('Authorization', as(admin)).send(newUser(role, displayName)).expect(201);
        expect(response.body.displayName).toBe(displayName);
      }
      const marked = await t.http.post('/users').set('Authorization', as(admin)).send(newUser('agent', 'Maya (support) ✓')).expect(400);
      expect(marked.body.errors[0].field).toBe('displayName');
    });

    it('draws the verified badge beside the marketplace’s name, not as text a name could hold', async () => {
      const reader = await createUser(t.sql, 'buyer');
      const lookalike = await createUser(t.sql, 'seller');
      // A name from before the rule, as the database may still hold.
      await t.sql.query(`UPDATE users SET display_name = 'Marketplace' WHERE id = $1`, [lookalike.id]);
      const caseId = await openCase(t, reader, lookalike.id, { subject: 'Hi', body: 'Hello' });
      await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(lookalike)).send({ body: 'Official notice' }).expect(201);
      await t.http
        .post('/admin/broadcasts')
        .set('Authorization', as(admin))
        .send({ category: 'notices', subject: 'New fees', body: 'From May on', audience: 'buyers' })
        .expect(201);
      const page = await t.http
        .get('/app/inbox')
        .set('Cookie', `parley_session=${t.tokenFor(reader)}`)
        .expect(200);
      const senders = [...page.text.matchAll(/<p class="from">([\s\S]*?)<\/p>/g)].map((match) => match[1]);
      const badged = senders.filter((html) => html.includes('class="verified"'));
      expect(badged).toHaveLength(1);
      expect(badged[0]).toMatch(/<span>Marketplace<\/span> <span class="verified" role="img" aria-label="Verified marketplace sender"[^>]*><svg[^>]*aria-hidden="true"/);
      expect(senders.filter((html) => html.startsWith('<span>Marketplace</span>') && !html.includes('class="verified"'))).toHaveLength(1);
      expect(page.text).not.toContain('✓');
    });
  });

  describe('invisible and direction-changing characters', () => {
    it('drops them from a listing reference the seller reads', async () => {
      const caseId = await openCase(t, buyer, seller.id, { listingRef: '\u2066listing-\u202E4851\u200B2\u061C\u2069' });
      const [stored] = (await t.sql.query('SELECT listing_ref FROM cases WHERE id = $1', [caseId])).rows;
      expect(stored.listing_ref).toBe('listing-48512');
      const forSeller = await t.http.get(`/cases/${caseId}`).set('Authorization', as(seller)).expect(200);
      expect(forSeller.body.listingRef).toBe('listing-48512');
    });

    it('refuses a listing reference of nothing but them', async () => {
      const response = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: '\u200B\u202E', topic: 'question', subject: 'Hi', body: 'Hello' })
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['listingRef']);
    });

    it('drops the Arabic letter mark from display names, as the other bidi marks', async () => {
      const response = await t.http.post('/users').set('Authorization', as(admin)).send(newUser('buyer', 'Ana\u061C García\u2067')).expect(201);
      expect(response.body.displayName).toBe('Ana García');
      const [stored] = (await t.sql.query('SELECT display_name FROM users WHERE id = $1', [response.body.id])).rows;
      expect(stored.display_name).toBe('Ana García');
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
      expect(nested.body.errors).toEqual([{ field: 'seller', message: 'seller has a property that is not accepted (its name is not repeated here)' }]);
    });

    it('refuses a made-up email category, weekday or holiday country without repeating it', async () => {
      const category = await t.http
        .put('/me/email-preferences')
        .set('Authorization', as(buyer))
        .send({ categories: { [sentence]: { email: false } } })
        .expect(400);
      leaks(category);
      expect(category.body.errors).toEqual([{ field: 'categories', message: expect.stringContaining('categories may only name') }]);
      const weekday = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send({ ...newUser('seller', 'Hours Shop'), seller: { timeZone: 'UTC', country: 'none', openingHours: { [sentence]: ['09:00-17:00'] } } })
        .expect(400);
      leaks(weekday);
      const country = await t.http
        .post('/users')
        .set('Authorization', as(admin))
        .send({ ...newUser('seller', 'Country Shop'), seller: { timeZone: 'UTC', country: sentence, subdivision: 'CA' } })
        .expect(400);
      leaks(country);
    });

    it('refuses NUL under a made-up key without repeating it', async () => {
      const response = await t.http
        .post('/auth/login')
        .send({ email: 'a@example.test', password: 'x', [sentence]: 'a\u0000' })
        .expect(400);
      leaks(response);
      expect(response.body.errors).toEqual([{ field: 'body', message: 'a value in the body must not contain NUL characters' }]);
    });
  });

  describe('the content policy', () => {
    it('stores a message of 10,000 ligatures that each read as 18 characters', async () => {
      const caseId = await openCase(t, buyer, seller.id, { subject: 'Hi', body: 'Hello' });
      const response = await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(buyer))
        .send({ body: '\uFDFA'.repeat(10_000) })
        .expect(201);
      expect(response.body.body).toHaveLength(10_000);
    });
  });
});

describe('the simulated clock in the years calendars cover', () => {
  let t: TestApp;
  let admin: string;
  const now = async () => (await t.http.get('/admin/clock').set('Authorization', admin).expect(200)).body.now as string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOCK_MODE: 'simulated', CLOCK_START: '2026-03-02T18:00:00Z' } });
    admin = `Bearer ${t.tokenFor(await createUser(t.sql, 'admin'))}`;
  });
  afterAll(() => t.close());

  it.each(['9999-12-31', '9999-12-31T00:00:00Z', '2101-01-01T00:00:00Z', '2100-12-31T23:00:00-05:00'])('refuses to move to %s with 400 naming to', async (to) => {
    const before = await now();
    const response = await t.http.post('/admin/clock/advance').set('Authorization', admin).send({ to }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'to', message: 'to must fall in the years 1970–2100' }]);
    expect(await now()).toBe(before);
  });

  it('moves to the last day of 2100, and not one step of seconds past its end', async () => {
    await t.http.post('/admin/clock/advance').set('Authorization', admin).send({ to: '2100-12-31T23:00:00Z' }).expect(200, { now: '2100-12-31T23:00:00.000Z' });
    const response = await t.http.post('/admin/clock/advance').set('Authorization', admin).send({ seconds: 3600 }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'seconds', message: expect.stringContaining('past the end of 2100') }]);
    expect(await now()).toBe('2100-12-31T23:00:00.000Z');
    await t.http.post('/admin/clock/advance').set('Authorization', admin).send({ seconds: 3599 }).expect(200, { now: '2100-12-31T23:59:59.000Z' });
  });
});
