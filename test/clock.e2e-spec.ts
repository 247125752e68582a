import { SimulatedClock } from '../src/clock/simulated-clock.js';
import { Clock } from '../src/common/clock.js';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createTestDatabase, TestDatabase } from './support/database.js';
import { createUser } from './support/factories.js';

describe('simulated clock', () => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let admin: string;
  const env = { CLOCK_MODE: 'simulated' };
  const simulatedDatabase = async (start: string) => {
    const created = await createTestDatabase();
    const db = new DataSource({ type: 'postgres', url: created.url });
    await db.initialize();
    await SimulatedClock.initialise(db, new Date(start));
    await db.destroy();
    return created;
  };
  // Each test reads the shared clock first: it only moves forward, so tests assert on what they move.
  const now = async () =>
    new Date((await one.http.get('/admin/clock').set('Authorization', admin).expect(200)).body.now).getTime();
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    database = await simulatedDatabase('2026-03-06T18:00:00Z');
    one = await startTestApp({ database, env });
    two = await startTestApp({ database, env });
    admin = `Bearer ${one.tokenFor(await createUser(one.sql, 'admin'))}`;
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await database.drop();
  });

  it('starts at the configured time and is the Clock every service gets', async () => {
    const own = await simulatedDatabase('2027-05-04T12:00:00Z');
    const app = await startTestApp({ database: own, env });
    try {
      const token = `Bearer ${app.tokenFor(await createUser(app.sql, 'admin'))}`;
      await app.http.get('/admin/clock').set('Authorization', token).expect(200, { now: '2027-05-04T12:00:00.000Z' });
      await expect(app.app.get(Clock).now()).resolves.toEqual(new Date('2027-05-04T12:00:00Z'));
    } finally {
      await app.close();
      await own.drop();
    }
  });

  it('moves forward by seconds or to an instant, and every instance sees it', async () => {
    const start = await now();
    await one.http
      .post('/admin/clock/advance')
      .set('Authorization', admin)
      .send({ seconds: 3600 })
      .expect(200, { now: iso(start + 3_600_000) });
    await two.http
      .get('/admin/clock')
      .set('Authorization', admin)
      .expect(200, { now: iso(start + 3_600_000) });
    const later = iso(start + 3 * 86_400_000 + 1_800_000);
    await two.http
      .post('/admin/clock/advance')
      .set('Authorization', admin)
      .send({ to: later })
      .expect(200, { now: later });
    await expect(one.app.get(Clock).now()).resolves.toEqual(new Date(later));
  });

  it('never moves backwards', async () => {
    const before = await now();
    const response = await one.http
      .post('/admin/clock/advance')
      .set('Authorization', admin)
      .send({ to: iso(before - 1000) })
      .expect(400);
    expect(response.body.errors).toEqual([{ field: 'to', message: expect.stringContaining('never moves backwards') }]);
    expect(await now()).toBe(before);
  });

  it.each([
    [{}, 'seconds'],
    [{ seconds: -5 }, 'seconds'],
    [{ seconds: 1.5 }, 'seconds'],
    [{ seconds: '60' }, 'seconds'],
    [{ to: 'tomorrow' }, 'to'],
    [{ seconds: 60, to: '2030-01-01T00:00:00Z' }, 'to'],
  ])('answers %j with 400 naming %s', async (body, field) => {
    const before = await now();
    const response = await one.http.post('/admin/clock/advance').set('Authorization', admin).send(body).expect(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await now()).toBe(before);
  });

  it('is for admins only', async () => {
    const buyer = await createUser(one.sql, 'buyer');
    await one.http
      .post('/admin/clock/advance')
      .set('Authorization', `Bearer ${one.tokenFor(buyer)}`)
      .send({ seconds: 60 })
      .expect(403);
    await one.http.get('/admin/clock').expect(401);
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

  it.each(['9999-12-31', '9999-12-31T00:00:00Z', '2101-01-01T00:00:00Z', '2100-12-31T23:00:00-05:00'])(
    'refuses to move to %s with 400 naming to',
    async (to) => {
      const before = await now();
      const response = await t.http.post('/admin/clock/advance').set('Authorization', admin).send({ to }).expect(400);
      expect(response.body.errors).toEqual([{ field: 'to', message: 'to must fall in the years 1970–2100' }]);
      expect(await now()).toBe(before);
    },
  );

  it('moves to the last day of 2100, and not one step of seconds past its end', async () => {
    await t.http
      .post('/admin/clock/advance')
      .set('Authorization', admin)
      .send({ to: '2100-12-31T23:00:00Z' })
      .expect(200, { now: '2100-12-31T23:00:00.000Z' });
    const response = await t.http
      .post('/admin/clock/advance')
      .set('Authorization', admin)
      .send({ seconds: 3600 })
      .expect(400);
    expect(response.body.errors).toEqual([
      { field: 'seconds', message: expect.stringContaining('past the end of 2100') },
    ]);
    expect(await now()).toBe('2100-12-31T23:00:00.000Z');
    await t.http
      .post('/admin/clock/advance')
      .set('Authorization', admin)
      .send({ seconds: 3599 })
      .expect(200, { now: '2100-12-31T23:59:59.000Z' });
  });
});

describe('system clock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('has no clock endpoints', async () => {
    const admin = `Bearer ${t.tokenFor(await createUser(t.sql, 'admin'))}`;
    await t.http.get('/admin/clock').set('Authorization', admin).expect(404);
    await t.http.post('/admin/clock/advance').set('Authorization', admin).send({ seconds: 60 }).expect(404);
  });
});
