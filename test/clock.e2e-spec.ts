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

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new DataSource({ type: 'postgres', url: database.url });
    await db.initialize();
    await SimulatedClock.initialise(db, new Date('2026-03-06T18:00:00Z'));
    await db.destroy();
    const env = { CLOCK_MODE: 'simulated' };
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
    await one.http.get('/admin/clock').set('Authorization', admin).expect(200, { now: '2026-03-06T18:00:00.000Z' });
    await expect(one.app.get(Clock).now()).resolves.toEqual(new Date('2026-03-06T18:00:00Z'));
  });

  it('moves forward by seconds or to an instant, and every instance sees it', async () => {
    await one.http.post('/admin/clock/advance').set('Authorization', admin).send({ seconds: 3600 }).expect(200, { now: '2026-03-06T19:00:00.000Z' });
    await two.http.get('/admin/clock').set('Authorization', admin).expect(200, { now: '2026-03-06T19:00:00.000Z' });
    await two.http.post('/admin/clock/advance').set('Authorization', admin).send({ to: '2026-03-09T08:30:00Z' }).expect(200, { now: '2026-03-09T08:30:00.000Z' });
    await expect(one.app.get(Clock).now()).resolves.toEqual(new Date('2026-03-09T08:30:00Z'));
  });

  it('never moves backwards', async () => {
    const response = await one.http.post('/admin/clock/advance').set('Authorization', admin).send({ to: '2026-01-01T00:00:00Z' }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'to', message: expect.stringContaining('never moves backwards') }]);
    await one.http.get('/admin/clock').set('Authorization', admin).expect(200, { now: '2026-03-09T08:30:00.000Z' });
  });

  it.each([
    [{}, 'seconds'],
    [{ seconds: -5 }, 'seconds'],
    [{ seconds: 1.5 }, 'seconds'],
    [{ seconds: '60' }, 'seconds'],
    [{ to: 'tomorrow' }, 'to'],
    [{ seconds: 60, to: '2030-01-01T00:00:00Z' }, 'to'],
  ])('answers %j with 400 naming %s', async (body, field) => {
    const response = await one.http.post('/admin/clock/advance').set('Authorization', admin).send(body).expect(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    await one.http.get('/admin/clock').set('Authorization', admin).expect(200, { now: '2026-03-09T08:30:00.000Z' });
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
