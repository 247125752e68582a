import { startTestApp, TestApp } from './support/app.js';
// The factories' openCase, under another name: this file's own openCase opens at a given time.
import { createUser, openCase as openCaseAs, TestUser } from './support/factories.js';

describe('the SLA sweep and the support queue', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const sweep = async () =>
    (await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200)).body;
  const openCase = async (at: string, subject = 'Question') => {
    t.clock.set(at);
    const response = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l-1', topic: 'question', subject, body: 'Is it still available?' })
      .expect(201);
    return response.body.id as string;
  };
  const count = async (sql: string, params: unknown[]) => (await t.sql.query(sql, params)).rows[0].n as number;
  const outboxKinds = async (caseId: string) =>
    (
      await t.sql.query(
        `SELECT o.kind, u.role FROM outbox o JOIN users u ON u.id = o.recipient_id WHERE o.case_id = $1 AND o.kind NOT IN ('case_opened', 'new_message') ORDER BY o.created_at, o.kind, u.role`,
        [caseId],
      )
    ).rows.map((r) => `${r.kind}:${r.role}`);

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(() => t.close());
  // Each test starts with nothing due and an empty queue, whichever tests ran before it: the sweeps act on every
  // case in the database, so cases and escalations left by other tests are taken out of their reach.
  beforeEach(async () => {
    await t.sql.query('UPDATE cases SET next_action_at = NULL');
    await t.sql.query(
      `UPDATE escalations SET status = 'resolved', outcome = 'test_reset', resolved_at = now() WHERE status <> 'resolved'`,
    );
  });

  it('walks a case through at_risk, late and escalated, each exactly once', async () => {
    const caseId = await openCase('2026-03-02T18:00:00Z'); // Mon 10:00 PST
    t.clock.set('2026-03-03T17:59:59Z');
    expect(await sweep()).toEqual({ job: 'sla-sweep', atRisk: 0, late: 0, escalated: 0, failed: 0 });

    t.clock.set('2026-03-03T18:00:00Z');
    expect(await sweep()).toEqual({ job: 'sla-sweep', atRisk: 1, late: 0, escalated: 0, failed: 0 });
    expect(await sweep()).toMatchObject({ atRisk: 0, late: 0, escalated: 0 });
    expect(await outboxKinds(caseId)).toEqual(['reply_window_at_risk:seller']);

    t.clock.set('2026-03-04T18:30:00Z');
    expect(await sweep()).toMatchObject({ atRisk: 0, late: 1, escalated: 0 });
    expect(
      await count('SELECT count(*)::int AS n FROM seller_flags WHERE case_id = $1 AND seller_id = $2', [
        caseId,
        seller.id,
      ]),
    ).toBe(1);
    expect(await outboxKinds(caseId)).toEqual([
      'reply_window_at_risk:seller',
      'reply_window_late:buyer',
      'reply_window_late:seller',
    ]);

    t.clock.set('2026-03-05T18:00:00Z');
    expect(await sweep()).toMatchObject({ atRisk: 0, late: 0, escalated: 1 });
    expect(await sweep()).toMatchObject({ atRisk: 0, late: 0, escalated: 0 });
    const view = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
    expect(view.body).toMatchObject({ status: 'escalated', sla: { state: 'escalated' } });
    const { rows } = await t.sql.query('SELECT reason, priority, status, due_at FROM escalations WHERE case_id = $1', [
      caseId,
    ]);
    // 1 business day on the marketplace calendar (Los Angeles, US-CA) from Thu 10:00 PST.
    expect(rows).toEqual([
      { reason: 'missed_reply_window', priority: 'normal', status: 'open', due_at: new Date('2026-03-06T18:00:00Z') },
    ]);
    expect(await outboxKinds(caseId)).toEqual([
      'reply_window_at_risk:seller',
      'reply_window_late:buyer',
      'reply_window_late:seller',
      'case_escalated:buyer',
      'case_escalated:seller',
    ]);
    const timeline = await t.http.get(`/cases/${caseId}/timeline`).set('Authorization', as(seller)).expect(200);
    expect(
      timeline.body
        .filter((e: { type: string }) => e.type.startsWith('sla_'))
        .map((e: { type: string; at: string }) => [e.type, e.at]),
    ).toEqual([
      ['sla_at_risk', '2026-03-03T18:00:00.000Z'],
      ['sla_late', '2026-03-04T18:30:00.000Z'],
      ['sla_escalated', '2026-03-05T18:00:00.000Z'],
    ]);
  });

  it('catches up on a case several levels behind, each level once and in order', async () => {
    const caseId = await openCase('2026-04-06T17:00:00Z', 'Down'); // Mon 10:00 PDT
    t.clock.set('2026-04-13T17:00:00Z'); // a week later
    expect(await sweep()).toMatchObject({ atRisk: 1, late: 1, escalated: 1 });
    const { rows } = await t.sql.query('SELECT level FROM sla_actions WHERE case_id = $1 ORDER BY id', [caseId]);
    expect(rows.map((r) => r.level)).toEqual(['at_risk', 'late', 'escalated']);
    const events = await t.sql.query(
      `SELECT type FROM case_events WHERE case_id = $1 AND type LIKE 'sla_%' ORDER BY id`,
      [caseId],
    );
    expect(events.rows.map((r) => r.type)).toEqual(['sla_at_risk', 'sla_late', 'sla_escalated']);
    expect(
      await count(`SELECT count(*)::int AS n FROM outbox WHERE case_id = $1 AND kind <> 'case_opened'`, [caseId]),
    ).toBe(5);
  });

  it('stops at a seller reply between levels, and starts over on the next buyer message', async () => {
    const caseId = await openCase('2026-05-04T17:00:00Z', 'Reply'); // Mon 10:00 PDT
    t.clock.set('2026-05-05T17:30:00Z');
    expect(await sweep()).toMatchObject({ atRisk: 1, late: 0 });
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Yes, it is.' })
      .expect(201);
    t.clock.set('2026-05-12T17:00:00Z');
    expect(await sweep()).toMatchObject({ atRisk: 0, late: 0, escalated: 0 });
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(buyer))
      .send({ body: 'Great, and the colour?' })
      .expect(201);
    t.clock.set('2026-05-13T17:00:00Z');
    expect(await sweep()).toMatchObject({ atRisk: 1, late: 0 });
    const { rows } = await t.sql.query(
      `SELECT c.seq, a.level FROM sla_actions a JOIN reply_cycles c ON c.id = a.cycle_id WHERE a.case_id = $1 ORDER BY a.id`,
      [caseId],
    );
    expect(rows).toEqual([
      { seq: 1, level: 'at_risk' },
      { seq: 2, level: 'at_risk' },
    ]);
  });

  it('stops at "no response needed"', async () => {
    const caseId = await openCase('2026-06-01T17:00:00Z', 'NRN');
    await t.http.post(`/cases/${caseId}/no-response-needed`).set('Authorization', as(seller)).expect(200);
    t.clock.set('2026-06-10T17:00:00Z');
    await sweep();
    expect(await count('SELECT count(*)::int AS n FROM sla_actions WHERE case_id = $1', [caseId])).toBe(0);
  });

  it('lets the buyer ask support to step in once the case is late, not before', async () => {
    const caseId = await openCase('2026-07-06T17:00:00Z', 'Ask support'); // Mon 10:00 PDT
    t.clock.set('2026-07-07T17:00:00Z'); // at risk only
    const early = await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as(buyer)).expect(409);
    expect(early.body).toMatchObject({ currentState: 'awaiting_seller', slaState: 'at_risk' });
    t.clock.set('2026-07-08T17:00:00Z');
    await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as(seller)).expect(403);
    const escalated = await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as(buyer)).expect(200);
    expect(escalated.body).toMatchObject({ status: 'escalated', sla: { state: 'escalated' } });
    await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as(buyer)).expect(409);
    // The sweep reaching escalateAt later does not open a second escalation.
    t.clock.set('2026-07-10T17:00:00Z');
    await sweep();
    const { rows } = await t.sql.query('SELECT reason FROM escalations WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ reason: 'buyer_request' }]);
  });

  it('runs the support queue end to end: list by deadline, assign, write, resolve, and the case leaves escalated', async () => {
    await openCase('2026-08-03T16:00:00Z', 'Queue, earlier'); // a second item, for paging
    const caseId = await openCase('2026-08-03T17:00:00Z', 'Queue'); // Mon 10:00 PDT
    t.clock.set('2026-08-06T17:00:00Z');
    expect(await sweep()).toMatchObject({ escalated: 2 });
    const list = await t.http
      .get('/escalations')
      .query({ status: 'open', reason: 'missed_reply_window' })
      .set('Authorization', as(agent))
      .expect(200);
    const dueAts = list.body.items.map((e: { dueAt: string }) => e.dueAt);
    expect(dueAts).toEqual([...dueAts].sort());
    const item = list.body.items.find((e: { caseId: string }) => e.caseId === caseId);
    expect(item).toEqual({
      id: expect.any(String),
      caseId,
      reason: 'missed_reply_window',
      priority: 'normal',
      status: 'open',
      assigneeId: null,
      dueAt: '2026-08-07T17:00:00.000Z',
      waitingOn: null,
      createdAt: '2026-08-06T17:00:00.000Z',
      outcome: null,
      messageId: null,
      claimId: null,
      reportId: null,
    });

    const firstPage = await t.http.get('/escalations').query({ limit: 1 }).set('Authorization', as(agent)).expect(200);
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    const secondPage = await t.http
      .get('/escalations')
      .query({ limit: 1, cursor: firstPage.body.nextCursor })
      .set('Authorization', as(agent))
      .expect(200);
    expect(secondPage.body.items[0].id).not.toBe(firstPage.body.items[0].id);
    expect(secondPage.body.items[0].dueAt >= firstPage.body.items[0].dueAt).toBe(true);

    const assigned = await t.http
      .post(`/escalations/${item.id}/assign`)
      .set('Authorization', as(agent))
      .send({})
      .expect(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assigneeId: agent.id });
    const mine = await t.http
      .get('/escalations')
      .query({ assignee: agent.id })
      .set('Authorization', as(agent))
      .expect(200);
    expect(mine.body.items.map((e: { id: string }) => e.id)).toContain(item.id);
    await t.http
      .post(`/escalations/${item.id}/assign`)
      .set('Authorization', as(agent))
      .send({ assigneeId: buyer.id })
      .expect(400);

    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(agent))
      .send({ body: 'Support here: we asked the seller to reply today.' })
      .expect(201);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(agent))
      .send({ body: 'Seller has a history of late replies.', internal: true })
      .expect(201);

    t.clock.set('2026-08-06T18:00:00Z');
    const resolved = await t.http
      .post(`/escalations/${item.id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'returned_to_seller', note: 'Seller promised a reply' })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'returned_to_seller' });
    const view = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
    expect(view.body).toMatchObject({ status: 'awaiting_seller', sla: { state: 'late' } });
    await t.http
      .post(`/escalations/${item.id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'case_resolved' })
      .expect(409);
    expect(await outboxKinds(caseId)).toEqual(
      expect.arrayContaining(['escalation_resolved:buyer', 'escalation_resolved:seller']),
    );

    for (const user of [buyer, seller]) {
      await t.http.get('/escalations').set('Authorization', as(user)).expect(403);
      await t.http.post(`/escalations/${item.id}/assign`).set('Authorization', as(user)).send({}).expect(403);
    }
    await t.http
      .post('/escalations/not-a-uuid/resolve')
      .set('Authorization', as(agent))
      .send({ outcome: 'case_resolved' })
      .expect(404);
    const bad = await t.http
      .post(`/escalations/${item.id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'whatever' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('outcome');
    await t.http.get('/escalations').query({ limit: 501 }).set('Authorization', as(agent)).expect(400);
  });

  it('lets one agent hold an escalation: concurrent assigns have one winner, taking it over is explicit, only the holder resolves', async () => {
    const seller = await createUser(t.sql, 'seller');
    const [one, two] = [await createUser(t.sql, 'agent'), await createUser(t.sql, 'agent')];
    t.clock.set('2026-03-02T18:00:00Z');
    const openedId = await openCaseAs(t, buyer, seller.id, { subject: 'Held', body: 'What is your password?' });
    const [{ id }] = (await t.sql.query('SELECT id FROM escalations WHERE case_id = $1', [openedId])).rows;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.http
          .post(`/escalations/${id}/assign`)
          .set('Authorization', as(i % 2 ? one : two))
          .send({}),
      ),
    );
    const winners = new Set(responses.filter((r) => r.status === 200).map((r) => r.body.assigneeId));
    expect(winners.size).toBe(1);
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const holder = [one, two].find((agent) => winners.has(agent.id))!;
    const other = holder === one ? two : one;
    const assignedEvents = async (type: string) =>
      (await t.sql.query(`SELECT data FROM case_events WHERE case_id = $1 AND type = $2`, [openedId, type])).rows;
    expect(await assignedEvents('escalation_assigned')).toHaveLength(1);

    const refused = await t.http
      .post(`/escalations/${id}/resolve`)
      .set('Authorization', as(other))
      .send({ outcome: 'answered_by_support' })
      .expect(409);
    expect(refused.body).toMatchObject({ assigneeId: holder.id });
    await t.http.post(`/escalations/${id}/assign`).set('Authorization', as(other)).send({ reassign: true }).expect(200);
    expect(await assignedEvents('escalation_reassigned')).toEqual([
      { data: expect.objectContaining({ from: holder.id, assigneeId: other.id }) },
    ]);
    await t.http
      .post(`/escalations/${id}/resolve`)
      .set('Authorization', as(holder))
      .send({ outcome: 'answered_by_support' })
      .expect(409);
    await t.http
      .post(`/escalations/${id}/resolve`)
      .set('Authorization', as(other))
      .send({ outcome: 'answered_by_support' })
      .expect(200);
  });

  it('resolving with case_resolved resolves the case and ends its cycle', async () => {
    const caseId = await openCase('2026-09-07T17:00:00Z', 'Resolve via support');
    t.clock.set('2026-09-14T17:00:00Z');
    await sweep();
    const [{ id }] = (await t.sql.query(`SELECT id FROM escalations WHERE case_id = $1`, [caseId])).rows;
    await t.http
      .post(`/escalations/${id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'case_resolved' })
      .expect(200);
    const view = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
    expect(view.body).toMatchObject({ status: 'resolved', sla: { state: 'stopped' } });
  });

  it('raises escalations that wait past their deadline for a first agent action to urgent, once', async () => {
    const caseId = await openCase('2026-10-05T17:00:00Z', 'Overdue');
    const handled = await openCase('2026-10-05T17:00:00Z', 'Handled in time');
    t.clock.set('2026-10-08T17:00:00Z');
    await sweep();
    await t.http
      .post(`/cases/${handled}/messages`)
      .set('Authorization', as(agent))
      .send({ body: 'Looking into it.' })
      .expect(201);
    t.clock.set('2026-10-09T17:00:01Z'); // past the support deadline (Fri 10:00 PDT)
    const first = await t.http.post('/admin/jobs/support-sweep/run').set('Authorization', as(admin)).expect(200);
    expect(first.body.raised).toBeGreaterThanOrEqual(1);
    expect((await t.sql.query('SELECT priority FROM escalations WHERE case_id = $1', [caseId])).rows).toEqual([
      { priority: 'urgent' },
    ]);
    expect(
      (await t.sql.query('SELECT priority, first_action_at FROM escalations WHERE case_id = $1', [handled])).rows,
    ).toEqual([{ priority: 'normal', first_action_at: new Date('2026-10-08T17:00:00Z') }]);
    expect((await t.http.post('/admin/jobs/support-sweep/run').set('Authorization', as(admin))).body.raised).toBe(0);
  });

  it('records a case that fails and goes on with the rest', async () => {
    const broken = await openCase('2026-11-02T18:00:00Z', 'Broken');
    const fine = await openCase('2026-11-02T18:00:00Z', 'Fine');
    await t.sql.query(`
      CREATE FUNCTION fail_for_case() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.case_id = '${broken}' THEN RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$`);
    await t.sql.query(
      `CREATE TRIGGER fail_for_case BEFORE INSERT ON sla_actions FOR EACH ROW EXECUTE FUNCTION fail_for_case()`,
    );
    try {
      t.clock.set('2026-11-03T18:00:00Z');
      expect(await sweep()).toMatchObject({ atRisk: 1, failed: 1 });
      expect(await count('SELECT count(*)::int AS n FROM sla_actions WHERE case_id = $1', [fine])).toBe(1);
      expect(
        (await t.sql.query('SELECT error FROM sla_sweep_failures WHERE case_id = $1', [broken])).rows[0].error,
      ).toMatch(/simulated failure/);
    } finally {
      await t.sql.query('DROP TRIGGER fail_for_case ON sla_actions');
      await t.sql.query('DROP FUNCTION fail_for_case()');
    }
    expect(await sweep()).toMatchObject({ atRisk: 1, failed: 0 });
  });

  it('exposes the sweep on /metrics', async () => {
    const metric = async (pattern: RegExp) => {
      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
      // A labelled counter has no line until first counted.
      return Number(metrics.text.match(pattern)?.[1] ?? 0);
    };
    const atRisk = /^parley_sla_sweep_actions_total\{level="at_risk"\} (\d+)$/m;
    const runs = /^parley_sla_sweep_duration_seconds_count (\d+)$/m;
    const failures = /^parley_sla_sweep_failures_total (\d+)$/m;
    const before = { atRisk: await metric(atRisk), runs: await metric(runs), failures: await metric(failures) };
    await openCase('2026-12-07T18:00:00Z', 'Measured');
    t.clock.set('2026-12-08T18:00:00Z');
    expect(await sweep()).toMatchObject({ atRisk: 1 });
    expect(await metric(atRisk)).toBe(before.atRisk + 1);
    expect(await metric(runs)).toBe(before.runs + 1);
    expect(await metric(failures)).toBe(before.failures);
  });
});
