import { startTestApp, TestApp } from './support/app.js';
import { createTestDatabase, onServer } from './support/database.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * Escalations across the case's life: exactly once whoever escalates first,
 * resolved with the case, and a support deadline that pauses while support
 * waits on a party. Also: times Parley writes into timeline data are ISO
 * 8601 with Z whatever the database session's time zone.
 */
describe('escalations over a case’s life', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const sweep = async () =>
    (await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200)).body;
  const openCase = async (at: string) => {
    t.clock.set(at);
    const response = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({
        sellerId: seller.id,
        listingRef: 'l-1',
        topic: 'question',
        subject: 'Question',
        body: 'Is it still available?',
      })
      .expect(201);
    return response.body.id as string;
  };
  const escalationNotices = async (caseId: string) =>
    (
      await t.sql.query(
        `SELECT o.kind, u.role FROM outbox o JOIN users u ON u.id = o.recipient_id WHERE o.case_id = $1 AND o.kind = 'case_escalated' ORDER BY u.role`,
        [caseId],
      )
    ).rows.map((r) => `${r.kind}:${r.role}`);
  const statusOf = async (caseId: string) =>
    (await t.sql.query('SELECT status FROM cases WHERE id = $1', [caseId])).rows[0].status as string;
  const events = async (caseId: string, type: string) =>
    (await t.sql.query(`SELECT data FROM case_events WHERE case_id = $1 AND type = $2 ORDER BY id`, [caseId, type]))
      .rows;

  beforeAll(async () => {
    // Parley must not depend on the database session's time zone for what it writes.
    const database = await createTestDatabase();
    await onServer((client) => client.query(`ALTER DATABASE ${database.name} SET timezone = 'Asia/Kolkata'`));
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' }, database });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
    await t.database.drop();
  });
  // The sweep acts on every case in the database: each test starts with nothing of the others' due.
  beforeEach(async () => {
    await t.sql.query('UPDATE cases SET next_action_at = NULL');
  });

  it('a buyer escalating a late case, then the sweep reaching escalateAt: one escalation, one notice per party, one event', async () => {
    const caseId = await openCase('2026-03-02T18:00:00Z'); // Mon 10:00 PST
    t.clock.set('2026-03-04T19:00:00Z'); // late, before the sweep ran
    await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as(buyer)).expect(200);
    // The sweep still applies at_risk and late (the seller is flagged), and nothing of the escalated level.
    expect(await sweep()).toMatchObject({ atRisk: 1, late: 1, escalated: 0 });
    t.clock.set('2026-03-05T18:00:00Z');
    expect(await sweep()).toMatchObject({ escalated: 0 });
    expect((await t.sql.query('SELECT reason FROM escalations WHERE case_id = $1', [caseId])).rows).toEqual([
      { reason: 'buyer_request' },
    ]);
    expect(await escalationNotices(caseId)).toEqual(['case_escalated:buyer', 'case_escalated:seller']);
    expect(await events(caseId, 'case_escalated')).toHaveLength(1);
    expect(await events(caseId, 'sla_escalated')).toHaveLength(0);
    expect(
      (await t.sql.query('SELECT count(*)::int AS n FROM seller_flags WHERE case_id = $1', [caseId])).rows[0].n,
    ).toBe(1);
  });

  it('the sweep first, then the buyer: the buyer is told support already has it (409)', async () => {
    const caseId = await openCase('2026-03-09T18:00:00Z');
    t.clock.set('2026-03-12T18:00:00Z');
    await sweep();
    expect(await statusOf(caseId)).toBe('escalated');
    const refused = await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as(buyer)).expect(409);
    expect(refused.body.currentState).toBe('escalated');
    expect(await escalationNotices(caseId)).toEqual(['case_escalated:buyer', 'case_escalated:seller']);
  });

  it('a buyer resolving an escalated case resolves its escalations, and the support sweep leaves them alone', async () => {
    const caseId = await openCase('2026-03-16T17:00:00Z');
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(buyer))
      .send({ body: 'Send me your password please' })
      .expect(201);
    t.clock.set('2026-03-19T17:00:00Z');
    await sweep();
    expect(await statusOf(caseId)).toBe('escalated');
    await t.http.post(`/cases/${caseId}/resolve`).set('Authorization', as(buyer)).expect(200);
    const { rows } = await t.sql.query(
      'SELECT reason, status, outcome, resolved_at FROM escalations WHERE case_id = $1 ORDER BY created_at',
      [caseId],
    );
    expect(rows).toEqual([
      {
        reason: 'quarantined_message',
        status: 'resolved',
        outcome: 'case_resolved',
        resolved_at: new Date('2026-03-19T17:00:00Z'),
      },
      {
        reason: 'missed_reply_window',
        status: 'resolved',
        outcome: 'case_resolved',
        resolved_at: new Date('2026-03-19T17:00:00Z'),
      },
    ]);
    t.clock.set('2026-03-25T17:00:00Z');
    await t.http.post('/admin/jobs/support-sweep/run').set('Authorization', as(admin)).expect(200);
    const priorities = (
      await t.sql.query(`SELECT priority FROM escalations WHERE case_id = $1 ORDER BY created_at`, [caseId])
    ).rows.map((r) => r.priority);
    expect(priorities).toEqual(['high', 'normal']);
    expect(await events(caseId, 'escalation_resolved')).toHaveLength(2);
  });

  it('an agent resolving the case through one escalation resolves the others on it', async () => {
    const caseId = await openCase('2026-03-23T17:00:00Z');
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(buyer))
      .send({ body: 'What is your password?' })
      .expect(201);
    t.clock.set('2026-03-26T17:00:00Z');
    await sweep();
    const [missed] = (
      await t.sql.query(`SELECT id FROM escalations WHERE case_id = $1 AND reason = 'missed_reply_window'`, [caseId])
    ).rows;
    await t.http
      .post(`/escalations/${missed.id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'case_resolved' })
      .expect(200);
    expect(await statusOf(caseId)).toBe('resolved');
    expect(
      (await t.sql.query(`SELECT status FROM escalations WHERE case_id = $1 AND status <> 'resolved'`, [caseId])).rows,
    ).toEqual([]);
  });

  it('closing a resolved case resolves escalations still open on it (rows from before resolving resolved them)', async () => {
    const caseId = await openCase('2026-04-01T17:00:00Z');
    await t.http.post(`/cases/${caseId}/resolve`).set('Authorization', as(buyer)).expect(200);
    await t.sql.query(
      `INSERT INTO escalations (case_id, reason, priority, status, due_at, created_at, updated_at) VALUES ($1, 'quarantined_message', 'high', 'open', $2, $2, $2)`,
      [caseId, new Date('2026-04-01T18:00:00Z')],
    );
    t.clock.set('2026-05-02T18:00:00Z');
    await t.http.post('/admin/jobs/close-resolved-cases/run').set('Authorization', as(admin)).expect(200);
    expect(await statusOf(caseId)).toBe('closed');
    expect((await t.sql.query('SELECT status, outcome FROM escalations WHERE case_id = $1', [caseId])).rows).toEqual([
      { status: 'resolved', outcome: 'case_closed' },
    ]);
    expect(await events(caseId, 'escalation_resolved')).toEqual([
      { data: expect.objectContaining({ outcome: 'case_closed' }) },
    ]);
  });

  it('the support deadline stops while support waits on a party and is recomputed from the start minus the wait', async () => {
    const caseId = await openCase('2026-06-01T17:00:00Z'); // Mon 10:00 PDT
    t.clock.set('2026-06-04T17:00:00Z'); // Thu 10:00: escalated; due Fri 10:00 on the marketplace calendar
    await sweep();
    const [{ id }] = (await t.sql.query('SELECT id FROM escalations WHERE case_id = $1', [caseId])).rows;
    const queue = async () =>
      (await t.http.get('/escalations').set('Authorization', as(agent)).expect(200)).body.items.find(
        (e: { id: string }) => e.id === id,
      );
    expect((await queue()).dueAt).toBe('2026-06-05T17:00:00.000Z');

    t.clock.set('2026-06-04T19:00:00Z'); // Thu 12:00: waiting on the seller
    const waiting = await t.http
      .post(`/escalations/${id}/wait`)
      .set('Authorization', as(agent))
      .send({ on: 'seller' })
      .expect(200);
    expect(waiting.body).toMatchObject({ waitingOn: 'seller', dueAt: null });
    await t.http.post(`/escalations/${id}/wait`).set('Authorization', as(agent)).send({ on: 'nobody' }).expect(400);

    t.clock.set('2026-06-04T22:00:00Z'); // Thu 15:00: the seller writes; 3 hours waited
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Shipped it today.' })
      .expect(201);
    expect(await queue()).toMatchObject({ waitingOn: null, dueAt: '2026-06-05T20:00:00.000Z' });
    expect(
      (await t.sql.query('SELECT waiting_on, from_at, to_at FROM escalation_pauses WHERE escalation_id = $1', [id]))
        .rows,
    ).toEqual([
      { waiting_on: 'seller', from_at: new Date('2026-06-04T19:00:00Z'), to_at: new Date('2026-06-04T22:00:00Z') },
    ]);

    t.clock.set('2026-06-05T16:00:00Z'); // Fri 09:00: waiting on the buyer, resumed by the agent at 10:00
    await t.http.post(`/escalations/${id}/wait`).set('Authorization', as(agent)).send({ on: 'buyer' }).expect(200);
    t.clock.set('2026-06-05T17:00:00Z');
    const resumed = await t.http.post(`/escalations/${id}/resume`).set('Authorization', as(agent)).expect(200);
    expect(resumed.body).toMatchObject({ waitingOn: null, dueAt: '2026-06-05T21:00:00.000Z' });
    await t.http.post(`/escalations/${id}/resume`).set('Authorization', as(agent)).expect(409);
    // Only support sees escalations.
    await t.http.post(`/escalations/${id}/wait`).set('Authorization', as(buyer)).send({ on: 'seller' }).expect(403);
  });

  it('writes times inside timeline data as ISO 8601 with Z, whatever the session time zone', async () => {
    const caseId = await openCase('2026-07-06T17:00:00Z');
    t.clock.set('2026-07-09T17:00:00Z');
    await sweep();
    const rows = await t.sql.query(
      `SELECT type, data FROM case_events WHERE case_id = $1 AND type LIKE 'sla_%' ORDER BY id`,
      [caseId],
    );
    expect(rows.rows.map((r) => [r.type, r.data.thresholdAt])).toEqual([
      ['sla_at_risk', '2026-07-07T17:00:00.000Z'],
      ['sla_late', '2026-07-08T17:00:00.000Z'],
      ['sla_escalated', '2026-07-09T17:00:00.000Z'],
    ]);
    const outbox = await t.sql.query(
      `SELECT payload FROM outbox WHERE case_id = $1 AND kind = 'reply_window_late' LIMIT 1`,
      [caseId],
    );
    expect(outbox.rows[0].payload.thresholdAt).toBe('2026-07-08T17:00:00.000Z');
  });

  it('gives every outbox row the category of its kind and party', async () => {
    const caseId = await openCase('2026-08-03T17:00:00Z');
    t.clock.set('2026-08-06T17:00:00Z');
    await sweep();
    const { rows } = await t.sql.query(
      `SELECT o.kind, u.role, o.category FROM outbox o JOIN users u ON u.id = o.recipient_id WHERE o.case_id = $1 ORDER BY 1, 2`,
      [caseId],
    );
    expect(rows).toEqual([
      { kind: 'case_escalated', role: 'buyer', category: 'customer_service' },
      { kind: 'case_escalated', role: 'seller', category: 'customer_service' },
      { kind: 'case_opened', role: 'seller', category: 'buyer_messages' },
      { kind: 'reply_window_at_risk', role: 'seller', category: 'notices' },
      { kind: 'reply_window_late', role: 'buyer', category: 'customer_service' },
      { kind: 'reply_window_late', role: 'seller', category: 'notices' },
    ]);
  });
});
