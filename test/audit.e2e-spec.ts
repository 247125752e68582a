import { DataSource } from 'typeorm';
import { SimulatedClock } from '../src/clock/simulated-clock.js';
import { startTestApp, TestApp } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { createUser, openCase, TestUser } from './support/factories.js';

describe('the audit log', () => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const audit = (query: Record<string, string | number> = {}) =>
    t.http.get('/admin/audit').query(query).set('Authorization', as(admin)).expect(200);

  beforeAll(async () => {
    const database = await createTestDatabase();
    const db = new DataSource({ type: 'postgres', url: database.url });
    await db.initialize();
    await SimulatedClock.initialise(db, new Date('2026-03-02T18:00:00Z'));
    await db.destroy();
    t = await startTestApp({ env: { CLOCK_MODE: 'simulated' }, database });
    admin = await createUser(t.sql, 'admin');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
    await t.database.drop();
  });

  it('records admin and agent actions with who, what, when, before and after', async () => {
    const seller = await createUser(t.sql, 'seller');
    const calendarId = (await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(admin))).body
      .id as string;
    await t.http
      .post(`/calendars/${calendarId}/closures`)
      .set('Authorization', as(admin))
      .send({ name: 'Stocktaking', from: '2027-01-04', to: '2027-01-05' })
      .expect(201);
    await t.http.post('/admin/clock/advance').set('Authorization', as(admin)).send({ seconds: 60 }).expect(200);
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'Fees', body: 'New fees', audience: 'sellers' })
      .expect(201);
    const created = await t.http
      .post('/users')
      .set('Authorization', as(admin))
      .send({
        email: 'new-agent@example.test',
        password: 'a long enough password',
        role: 'agent',
        displayName: 'New agent',
      })
      .expect(201);

    const closure = (await audit({ subjectId: calendarId })).body.items;
    expect(closure).toEqual([
      expect.objectContaining({
        actorId: admin.id,
        actorRole: 'admin',
        action: 'calendar.closure_added',
        subjectType: 'calendar',
        at: expect.stringMatching(/Z$/),
      }),
    ]);
    expect(closure[0].before.closures).toEqual([]);
    expect(closure[0].after.closures).toEqual([expect.objectContaining({ name: 'Stocktaking' })]);
    const actions = (await audit({ actorId: admin.id })).body.items.map((item: { action: string }) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['clock.advanced', 'broadcast.sent', 'user.created']));
    expect((await audit({ action: 'user.created', subjectId: created.body.id })).body.items[0].after).toMatchObject({
      role: 'agent',
      email: 'new-agent@example.test',
    });
    expect(JSON.stringify((await audit({ action: 'user.created' })).body)).not.toContain('a long enough password');
  });

  it('records escalation work by agents', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const openedId = await openCase(t, buyer, seller.id, { subject: 'Q', body: 'Tell me your password' });
    const [{ id }] = (await t.sql.query('SELECT id FROM escalations WHERE case_id = $1', [openedId])).rows;
    await t.http.post(`/escalations/${id}/assign`).set('Authorization', as(agent)).send({}).expect(200);
    await t.http
      .post(`/escalations/${id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'answered_by_support' })
      .expect(200);
    const items = (await audit({ subjectType: 'escalation', subjectId: id })).body.items;
    expect(items.map((item: { action: string; actorId: string }) => [item.action, item.actorId])).toEqual([
      ['escalation.resolved', agent.id],
      ['escalation.assigned', agent.id],
    ]);
    expect(items[0]).toMatchObject({
      before: { status: 'assigned' },
      after: { status: 'resolved', outcome: 'answered_by_support' },
    });
  });

  it('pages newest first with a cursor, filters by time, refuses bad filters, and is for admins only', async () => {
    for (let i = 0; i < 2; i++)
      await t.http.post('/admin/clock/advance').set('Authorization', as(admin)).send({ seconds: 1 }).expect(200);
    const first = await audit({ limit: 1 });
    expect(first.body.items).toHaveLength(1);
    const second = await audit({ limit: 1, cursor: first.body.nextCursor });
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(second.body.items[0].at <= first.body.items[0].at).toBe(true);
    expect((await audit({ from: '2100-01-01T00:00:00Z' })).body.items).toEqual([]);
    await t.http.get('/admin/audit').query({ cursor: 'nonsense' }).set('Authorization', as(admin)).expect(400);
    await t.http.get('/admin/audit').query({ actorId: 'not-a-uuid' }).set('Authorization', as(admin)).expect(400);
    await t.http.get('/admin/audit').set('Authorization', as(agent)).expect(403);
    await expect(t.sql.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
