import { CalendarsService } from '../src/calendar/calendars.service.js';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

const problemJson = /^application\/problem\+json/;

describe('calendars over HTTP', () => {
  let t: TestApp;
  let admin: TestUser;
  let seller: TestUser;
  let otherSeller: TestUser;
  let buyer: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;

  // Tests that change a seller's calendar use a seller of their own, so versions never depend on which test ran first.
  const berlinSeller = () =>
    createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    seller = await berlinSeller();
    otherSeller = await createUser(t.sql, 'seller');
    buyer = await createUser(t.sql, 'buyer');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(() => t.close());

  describe('GET /calendars/preview', () => {
    const la = { timeZone: 'America/Los_Angeles', country: 'US', subdivision: 'CA' };
    it.each([
      ['2026-03-02T18:00:00Z', '2026-03-04T18:00:00.000Z'],
      ['2026-03-06T18:00:00Z', '2026-03-10T17:00:00.000Z'],
      ['2026-03-07T18:00:00Z', '2026-03-11T07:00:00.000Z'],
      ['2026-11-26T00:00:00Z', '2026-12-02T00:00:00.000Z'],
    ])('the documented example: %s + 2 business days = %s', async (start, deadline) => {
      const response = await t.http
        .get('/calendars/preview')
        .query({ ...la, start, businessDays: 2 })
        .set('Authorization', as(buyer))
        .expect(200);
      expect(response.body.deadline).toBe(deadline);
    });

    it('explains why the deadline is Tuesday and not Friday', async () => {
      const response = await t.http
        .get('/calendars/preview')
        .query({ ...la, start: '2026-11-26T00:00:00Z', businessDays: 2 })
        .set('Authorization', as(seller))
        .expect(200);
      expect(response.body).toEqual({
        start: '2026-11-26T00:00:00.000Z',
        clockStartedAt: '2026-11-26T00:00:00.000Z',
        deadline: '2026-12-02T00:00:00.000Z',
        businessMinutes: 2 * 24 * 60,
        explanation: {
          segments: [
            { from: '2026-11-26T00:00:00.000Z', to: '2026-11-26T08:00:00.000Z', counted: true },
            {
              from: '2026-11-26T08:00:00.000Z',
              to: '2026-11-27T08:00:00.000Z',
              counted: false,
              reason: 'holiday',
              name: 'Thanksgiving Day',
            },
            {
              from: '2026-11-27T08:00:00.000Z',
              to: '2026-11-28T08:00:00.000Z',
              counted: false,
              reason: 'holiday',
              name: 'Day after Thanksgiving Day',
            },
            { from: '2026-11-28T08:00:00.000Z', to: '2026-11-30T08:00:00.000Z', counted: false, reason: 'weekend' },
            { from: '2026-11-30T08:00:00.000Z', to: '2026-12-02T00:00:00.000Z', counted: true },
          ],
        },
      });
    });

    it('takes working days and defaults the start to now', async () => {
      t.clock.set('2026-03-04T06:00:00Z');
      const response = await t.http
        .get('/calendars/preview')
        .query({ timeZone: 'Asia/Dubai', country: 'AE', workingDays: 'sun,mon,tue,wed,thu', businessDays: 2 })
        .set('Authorization', as(buyer))
        .expect(200);
      expect(response.body.start).toBe('2026-03-04T06:00:00.000Z');
      expect(response.body.deadline).toBe('2026-03-08T06:00:00.000Z');
    });

    it.each([
      ['timeZone', { ...la, timeZone: 'Mars/Base', start: '2026-03-02T18:00:00Z', businessDays: 2 }],
      ['timeZone', { country: 'US', start: '2026-03-02T18:00:00Z', businessDays: 2 }],
      ['country', { ...la, country: 'XX', subdivision: undefined, start: '2026-03-02T18:00:00Z', businessDays: 2 }],
      ['subdivision', { ...la, subdivision: 'ZZ', start: '2026-03-02T18:00:00Z', businessDays: 2 }],
      ['subdivision', { timeZone: 'UTC', subdivision: 'CA', start: '2026-03-02T18:00:00Z', businessDays: 2 }],
      ['start', { ...la, start: 'last tuesday', businessDays: 2 }],
      ['start', { ...la, start: '2026-02-30T10:00:00Z', businessDays: 2 }],
      ['businessDays', { ...la, start: '2026-03-02T18:00:00Z', businessDays: -1 }],
      ['businessDays', { ...la, start: '2026-03-02T18:00:00Z', businessDays: 366 }],
      ['businessDays', { ...la, start: '2026-03-02T18:00:00Z', businessDays: 'two' }],
      ['businessDays', { ...la, start: '2026-03-02T18:00:00Z' }],
      ['workingDays', { ...la, workingDays: 'mon,someday', start: '2026-03-02T18:00:00Z', businessDays: 2 }],
    ])('answers a bad %s with 400 naming it', async (field, query) => {
      const response = await t.http.get('/calendars/preview').query(query).set('Authorization', as(buyer)).expect(400);
      expect(response.headers['content-type']).toMatch(problemJson);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('needs a signed-in user', async () => {
      await t.http
        .get('/calendars/preview')
        .query({ ...la, businessDays: 2 })
        .expect(401);
    });
  });

  describe('GET /calendars/holidays', () => {
    it('lists a year of public holidays', async () => {
      const response = await t.http
        .get('/calendars/holidays')
        .query({ country: 'US', subdivision: 'US-CA', year: 2026 })
        .set('Authorization', as(buyer))
        .expect(200);
      expect(response.body).toContainEqual({ date: '2026-11-27', name: 'Day after Thanksgiving Day' });
      expect(response.body).toHaveLength(13);
    });

    it('defaults to the current year', async () => {
      t.clock.set('2027-06-01T00:00:00Z');
      const response = await t.http
        .get('/calendars/holidays')
        .query({ country: 'DE', subdivision: 'BY' })
        .set('Authorization', as(buyer))
        .expect(200);
      expect(response.body[0]).toEqual({ date: '2027-01-01', name: "New Year's Day" });
    });

    it.each([
      ['country', { country: 'XX', year: 2026 }],
      ['country', { year: 2026 }],
      ['subdivision', { country: 'US', subdivision: 'BY', year: 2026 }],
      ['year', { country: 'US', year: 'soon' }],
      ['year', { country: 'US', year: 99999 }],
    ])('answers a bad %s with 400 naming it', async (field, query) => {
      const response = await t.http.get('/calendars/holidays').query(query).set('Authorization', as(buyer)).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  it('bounds calendar years: a preview in 9999 or holidays of 3000 are 400', async () => {
    const preview = await t.http
      .get('/calendars/preview')
      .query({ timeZone: 'UTC', country: 'US', start: '9999-01-01T00:00:00Z', businessDays: 2 })
      .set('Authorization', as(buyer))
      .expect(400);
    expect(preview.body.errors[0].field).toBe('start');
    await t.http
      .get('/calendars/holidays')
      .query({ country: 'US', year: 3000 })
      .set('Authorization', as(buyer))
      .expect(400);
    await t.http
      .get('/calendars/holidays')
      .query({ country: 'US', year: 1969 })
      .set('Authorization', as(buyer))
      .expect(400);
  });

  describe('stored calendars', () => {
    it('creates the marketplace calendar from configuration', async () => {
      const response = await t.http.get('/calendars/marketplace').set('Authorization', as(buyer)).expect(200);
      expect(response.body).toMatchObject({
        kind: 'marketplace',
        sellerId: null,
        version: 1,
        timeZone: 'America/Los_Angeles',
        country: 'US',
        subdivision: 'CA',
        workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
        openingHours: null,
        closures: [],
      });
    });

    it('adds a version to the marketplace calendar when its configuration changes, once across instances', async () => {
      // A database of its own: the shared one's marketplace calendar stays as configured for the other tests.
      const first = await startTestApp();
      const env = {
        MARKETPLACE_TIME_ZONE: 'Europe/Berlin',
        MARKETPLACE_HOLIDAY_COUNTRY: 'DE',
        MARKETPLACE_HOLIDAY_SUBDIVISION: 'BY',
      };
      const [one, two] = await Promise.all([
        startTestApp({ database: first.database, env }),
        startTestApp({ database: first.database, env }),
      ]);
      try {
        const { rows } = await first.sql.query(
          `SELECT v.version, v.note, v.definition FROM calendar_versions v JOIN calendars c ON c.id = v.calendar_id WHERE c.kind = 'marketplace' ORDER BY v.version`,
        );
        expect(rows.map((r) => [r.version, r.note, r.definition.timeZone])).toEqual([
          [1, 'created from configuration', 'America/Los_Angeles'],
          [2, 'configuration changed', 'Europe/Berlin'],
        ]);
        const reader = await createUser(first.sql, 'buyer');
        const marketplace = await one.http
          .get('/calendars/marketplace')
          .set('Authorization', `Bearer ${one.tokenFor(reader)}`)
          .expect(200);
        expect(marketplace.body).toMatchObject({ version: 2, timeZone: 'Europe/Berlin', subdivision: 'BY' });
      } finally {
        await one.close();
        await two.close();
        await first.close();
      }
    });

    it("shows a seller's calendar to the seller, agents and admins only", async () => {
      const own = await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(seller)).expect(200);
      expect(own.body).toMatchObject({
        kind: 'seller',
        sellerId: seller.id,
        version: 1,
        timeZone: 'Europe/Berlin',
        country: 'DE',
        subdivision: 'BY',
      });
      await t.http.get(`/calendars/${own.body.id}`).set('Authorization', as(agent)).expect(200);
      await t.http.get(`/calendars/${own.body.id}`).set('Authorization', as(admin)).expect(200);
      for (const outsider of [buyer, otherSeller]) {
        await t.http.get(`/calendars/${own.body.id}`).set('Authorization', as(outsider)).expect(404);
        await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(outsider)).expect(404);
      }
      await t.http.get('/calendars/not-a-uuid').set('Authorization', as(admin)).expect(404);
      await t.http.get('/sellers/not-a-uuid/calendar').set('Authorization', as(admin)).expect(404);
      await t.http.get(`/sellers/${buyer.id}/calendar`).set('Authorization', as(admin)).expect(404);
    });

    it('adds and removes closures as new versions; clocks that started earlier keep their version', async () => {
      const seller = await berlinSeller();
      const calendarId = (await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(seller))).body.id;
      t.clock.set('2026-12-01T09:00:00Z');
      const added = await t.http
        .post(`/calendars/${calendarId}/closures`)
        .set('Authorization', as(admin))
        .send({ name: 'Stocktaking', from: '2026-12-28', to: '2026-12-30' })
        .expect(201);
      expect(added.body).toMatchObject({ version: 2, effectiveFrom: '2026-12-01T09:00:00.000Z' });
      expect(added.body.closures).toEqual([
        { id: expect.any(String), name: 'Stocktaking', from: '2026-12-28', to: '2026-12-30' },
      ]);

      const calendars = t.app.get(CalendarsService);
      const before = await calendars.forSeller(null, seller.id, new Date('2026-11-30T00:00:00Z'));
      const after = await calendars.forSeller(null, seller.id, new Date('2026-12-01T10:00:00Z'));
      expect([before.version, after.version]).toEqual([1, 2]);
      // Sun 2026-12-27 + 1: the clock starts Monday 12-28 → Tuesday 00:00 without the closure; with it the
      // clock starts Thursday 12-31 and New Year's Day is a holiday → Monday 2027-01-04 00:00 CET.
      const start = new Date('2026-12-27T09:00:00Z');
      expect(before.engine.addBusinessDays(start, 1).toISOString()).toBe('2026-12-28T23:00:00.000Z');
      expect(after.engine.addBusinessDays(start, 1).toISOString()).toBe('2027-01-03T23:00:00.000Z');

      t.clock.set('2026-12-02T09:00:00Z');
      const removed = await t.http
        .delete(`/calendars/${calendarId}/closures/${added.body.closures[0].id}`)
        .set('Authorization', as(admin))
        .expect(200);
      expect(removed.body).toMatchObject({ version: 3, closures: [] });
      await t.http
        .delete(`/calendars/${calendarId}/closures/${added.body.closures[0].id}`)
        .set('Authorization', as(admin))
        .expect(404);
      const { rows } = await t.sql.query(
        'SELECT version, note, created_by FROM calendar_versions WHERE calendar_id = $1 ORDER BY version',
        [calendarId],
      );
      expect(rows).toEqual([
        { version: 1, note: 'created', created_by: null },
        { version: 2, note: 'closure added: Stocktaking', created_by: admin.id },
        { version: 3, note: 'closure removed', created_by: admin.id },
      ]);
    });

    it('queues concurrent changes into consecutive versions', async () => {
      const calendarId = (
        await t.http.get(`/sellers/${(await berlinSeller()).id}/calendar`).set('Authorization', as(admin))
      ).body.id;
      const responses = await Promise.all(
        ['A', 'B', 'C', 'D'].map((name) =>
          t.http
            .post(`/calendars/${calendarId}/closures`)
            .set('Authorization', as(admin))
            .send({ name, from: '2027-01-04', to: '2027-01-04' }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const latest = await t.http.get(`/calendars/${calendarId}`).set('Authorization', as(admin)).expect(200);
      expect(latest.body.version).toBe(5);
      expect(latest.body.closures.map((c: { name: string }) => c.name).sort()).toEqual(['A', 'B', 'C', 'D']);
    });

    it('replaces the settings with PUT, keeping closures', async () => {
      const calendarId = (
        await t.http.get(`/sellers/${(await berlinSeller()).id}/calendar`).set('Authorization', as(admin))
      ).body.id;
      await t.http
        .post(`/calendars/${calendarId}/closures`)
        .set('Authorization', as(admin))
        .send({ name: 'Kept', from: '2027-01-04', to: '2027-01-04' })
        .expect(201);
      const updated = await t.http
        .put(`/calendars/${calendarId}`)
        .set('Authorization', as(admin))
        .send({
          timeZone: 'America/New_York',
          country: 'US',
          subdivision: 'NY',
          openingHours: { mon: ['09:00-17:00'] },
        })
        .expect(200);
      expect(updated.body).toMatchObject({
        version: 3,
        timeZone: 'America/New_York',
        subdivision: 'NY',
        openingHours: { mon: ['09:00-17:00'] },
      });
      expect(updated.body.closures.map((c: { name: string }) => c.name)).toEqual(['Kept']);
    });

    it.each([
      ['to', { name: 'Backwards', from: '2026-12-30', to: '2026-12-28' }],
      ['from', { name: 'Bad date', from: '2026-02-30', to: '2026-03-01' }],
      ['name', { name: '', from: '2026-12-28', to: '2026-12-30' }],
      ['to', { name: 'Missing end', from: '2026-12-28' }],
    ])('refuses a closure with a bad %s, storing nothing', async (field, body) => {
      const calendarId = (await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(seller))).body.id;
      const before = (
        await t.sql.query('SELECT count(*)::int AS n FROM calendar_versions WHERE calendar_id = $1', [calendarId])
      ).rows[0].n;
      const response = await t.http
        .post(`/calendars/${calendarId}/closures`)
        .set('Authorization', as(admin))
        .send(body)
        .expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(
        (await t.sql.query('SELECT count(*)::int AS n FROM calendar_versions WHERE calendar_id = $1', [calendarId]))
          .rows[0].n,
      ).toBe(before);
    });

    it('lets only admins change calendars', async () => {
      const seller = await berlinSeller();
      const calendarId = (await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(seller))).body.id;
      for (const user of [seller, agent, buyer]) {
        await t.http
          .post(`/calendars/${calendarId}/closures`)
          .set('Authorization', as(user))
          .send({ name: 'x', from: '2027-01-04', to: '2027-01-04' })
          .expect(403);
        await t.http
          .put(`/calendars/${calendarId}`)
          .set('Authorization', as(user))
          .send({ timeZone: 'UTC', country: 'US' })
          .expect(403);
      }
      const added = await t.http
        .post(`/calendars/${calendarId}/closures`)
        .set('Authorization', as(admin))
        .send({ name: 'Company day', from: '2027-01-04', to: '2027-01-04' })
        .expect(201);
      expect(added.body.version).toBe(2);
    });
  });
});
