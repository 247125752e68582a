import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/** The agent an escalation is assigned to hears of it, every time, however close together the assignments. */
describe('assignment notices', () => {
  let t: TestApp;
  let buyer: TestUser;
  let seller: TestUser;
  let first: TestUser;
  let second: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const assign = (escalationId: string, by: TestUser, body: object) =>
    t.http.post(`/escalations/${escalationId}/assign`).set('Authorization', as(by)).send(body).expect(200);
  const notices = async (escalationId: string, agent: TestUser) =>
    (
      await t.sql.query(
        `SELECT 1 FROM outbox WHERE kind = 'escalation_assigned' AND recipient_id = $1 AND payload->>'escalationId' = $2`,
        [agent.id, escalationId],
      )
    ).rows.length;

  beforeAll(async () => {
    t = await startTestApp();
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    first = await createUser(t.sql, 'agent');
    second = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('an agent assigned, reassigned away and back at one instant (the clock standing still) gets a notice for each assignment', async () => {
    t.clock.set('2026-03-02T18:00:00Z'); // Mon 10:00 PST
    const opened = await t.http
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
    t.clock.set('2026-03-04T19:00:00Z'); // late: the buyer may ask support to step in
    await t.http.post(`/cases/${opened.body.id}/escalate`).set('Authorization', as(buyer)).expect(200);
    const [escalation] = (
      await t.http.get('/escalations').query({ caseId: opened.body.id }).set('Authorization', as(first)).expect(200)
    ).body.items;

    await assign(escalation.id, first, {});
    await assign(escalation.id, second, { reassign: true });
    expect((await assign(escalation.id, first, { reassign: true })).body).toMatchObject({
      status: 'assigned',
      assigneeId: first.id,
    });

    expect({ first: await notices(escalation.id, first), second: await notices(escalation.id, second) }).toEqual({
      first: 2,
      second: 1,
    });
    const items = (await t.http.get('/inbox').set('Authorization', as(first)).expect(200)).body
      .items as InboxItemView[];
    expect(items.filter((item) => item.caseId === opened.body.id)).toHaveLength(2);
  });
});
