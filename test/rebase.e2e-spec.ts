import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

describe('re-basing open cycles onto a new calendar version', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let calendarId: string;
  const caseIds: string[] = [];
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const rebase = (dryRun?: boolean) =>
    t.http
      .post(`/calendars/${calendarId}/rebase`)
      .set('Authorization', as(admin))
      .send(dryRun === undefined ? {} : { dryRun });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    calendarId = (await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(admin))).body.id;
    t.clock.set('2026-03-02T18:00:00Z'); // Mon 10:00 PST: due Wed 03-04 10:00
    for (const subject of ['one', 'two', 'three']) {
      const opened = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject, body: 'Hi' })
        .expect(201);
      caseIds.push(opened.body.id);
    }
  });
  afterAll(() => t.close());

  // One story in two steps (the second re-bases what the first moved), so one test.
  it('reports, on a dry run, how many open cases would move and would become late; applies only when asked; the sweep then acts', async () => {
    // Step: a closure moves every open case's deadlines.
    t.clock.set('2026-03-02T19:00:00Z');
    await t.http
      .post(`/calendars/${calendarId}/closures`)
      .set('Authorization', as(admin))
      .send({ name: 'Stocktaking', from: '2026-03-03', to: '2026-03-03' })
      .expect(201);
    // A case opened after the closure already runs on the new version.
    await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'four', body: 'Hi' })
      .expect(201);

    const dry = await rebase().expect(200);
    expect(dry.body).toEqual({
      calendarId,
      version: 2,
      dryRun: true,
      openCycles: 3,
      wouldChange: 3,
      wouldBecomeLate: 0,
      changed: 0,
    });
    expect((await t.http.get(`/cases/${caseIds[0]}`).set('Authorization', as(buyer))).body.sla.dueAt).toBe(
      '2026-03-04T18:00:00.000Z',
    );

    const applied = await rebase(false).expect(200);
    expect(applied.body).toMatchObject({ dryRun: false, openCycles: 3, wouldChange: 3, changed: 3 });
    const moved = (await t.http.get(`/cases/${caseIds[0]}`).set('Authorization', as(buyer))).body.sla;
    expect(moved).toMatchObject({
      warnAt: '2026-03-04T18:00:00.000Z',
      dueAt: '2026-03-05T18:00:00.000Z',
      escalateAt: '2026-03-06T18:00:00.000Z',
    });
    const { rows } = await t.sql.query(
      'SELECT calendar_version, count(*)::int AS n FROM reply_cycles WHERE closed_at IS NULL GROUP BY calendar_version',
      [],
    );
    expect(rows).toEqual([{ calendar_version: 2, n: 4 }]);
    const timeline = await t.http.get(`/cases/${caseIds[0]}/timeline`).set('Authorization', as(seller)).expect(200);
    expect(timeline.body.at(-1)).toMatchObject({
      type: 'sla_rebased',
      actorId: admin.id,
      data: { calendarVersion: 2, dueAt: '2026-03-05T18:00:00.000Z' },
    });
    expect((await rebase().expect(200)).body).toMatchObject({ openCycles: 0, wouldChange: 0 });

    // Step: removing it again makes them late at once; the dry run counts them, the sweep acts on them.
    t.clock.set('2026-03-04T20:00:00Z'); // Wed 12:00 PST
    const calendar = await t.http.get(`/calendars/${calendarId}`).set('Authorization', as(admin)).expect(200);
    await t.http
      .delete(`/calendars/${calendarId}/closures/${calendar.body.closures[0].id}`)
      .set('Authorization', as(admin))
      .expect(200);
    const dryAgain = await rebase(true).expect(200);
    expect(dryAgain.body).toEqual({
      calendarId,
      version: 3,
      dryRun: true,
      openCycles: 4,
      wouldChange: 4,
      wouldBecomeLate: 4,
      changed: 0,
    });
    await rebase(false).expect(200);
    expect((await t.http.get(`/cases/${caseIds[1]}`).set('Authorization', as(buyer))).body.sla).toMatchObject({
      state: 'late',
      dueAt: '2026-03-04T18:00:00.000Z',
    });
    const swept = await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
    expect(swept.body).toMatchObject({ atRisk: 4, late: 4, escalated: 0 });
  });

  it('is for admins, and refuses a malformed dryRun', async () => {
    await t.http.post(`/calendars/${calendarId}/rebase`).set('Authorization', as(seller)).send({}).expect(403);
    const bad = await t.http
      .post(`/calendars/${calendarId}/rebase`)
      .set('Authorization', as(admin))
      .send({ dryRun: 'no' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('dryRun');
    await t.http.post('/calendars/not-a-uuid/rebase').set('Authorization', as(admin)).send({}).expect(404);
  });
});
