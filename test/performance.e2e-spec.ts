import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * A seller in Los Angeles (US-CA) with a known history, and the figures worked
 * out by hand (times are Pacific; DST starts Sun 2026-03-08):
 *   A  buyer Mon 03-02 10:00, reply Mon 14:00        → within 24 h, on time, 4 business hours
 *   B  buyer Tue 03-03 10:00, reply Thu 03-05 11:00  → not within 24 h, late (due Thu 10:00), 49 business hours
 *   C  buyer Fri 03-06 10:00, reply Mon 03-09 09:00  → not within 24 h (70 h), on time (due Tue), 14 + 9 = 23 business hours
 *   D  buyer Wed 03-04 10:00, "no response needed"   → left out of both rates
 *   E  buyer Thu 03-05 10:00, no reply, escalated    → not within 24 h, late (due Mon 03-09 10:00), one escalation;
 *      the sweep then flags the seller for it, once (the escalated level was the buyer's)
 * Now: Wed 03-11 12:00. 30 and 90 days: 1 of 4 messages within 24 h (25 %), 2 of 4 cycles on time (50 %),
 * median 23 h, p90 of [4, 23, 49] = 23 + 0.8 × 26 = 43.8 h. 7 days (since Wed 03-04 12:00): C and E only.
 */
describe('GET /sellers/:id/performance', () => {
  let t: TestApp;
  let buyer: TestUser;
  let seller: TestUser;
  let otherSeller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const distribution = (replies: number[]) =>
    [
      [0, 1],
      [1, 4],
      [4, 8],
      [8, 24],
      [24, 48],
      [48, null],
    ].map(([fromHours, toHours], i) => ({ fromHours, toHours, replies: replies[i] }));
  const open = async (at: string, subject: string) => {
    t.clock.set(at);
    return (
      await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject, body: 'Question' })
        .expect(201)
    ).body.id as string;
  };
  const reply = async (caseId: string, at: string) => {
    t.clock.set(at);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Answer' })
      .expect(201);
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    otherSeller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
    const a = await open('2026-03-02T18:00:00Z', 'A');
    const b = await open('2026-03-03T18:00:00Z', 'B');
    const d = await open('2026-03-04T18:00:00Z', 'D');
    const e = await open('2026-03-05T18:00:00Z', 'E');
    const c = await open('2026-03-06T18:00:00Z', 'C');
    await reply(a, '2026-03-02T22:00:00Z');
    t.clock.set('2026-03-04T19:00:00Z');
    await t.http.post(`/cases/${d}/no-response-needed`).set('Authorization', as(seller)).expect(200);
    await reply(b, '2026-03-05T19:00:00Z');
    await reply(c, '2026-03-09T16:00:00Z');
    t.clock.set('2026-03-10T18:00:00Z');
    await t.http.post(`/cases/${e}/escalate`).set('Authorization', as(buyer)).expect(200);
    t.clock.set('2026-03-11T19:00:00Z');
    await t.http
      .post('/admin/jobs/sla-sweep/run')
      .set('Authorization', as(await createUser(t.sql, 'admin')))
      .expect(200);
  });
  afterAll(() => t.close());

  it('computes the figures of a known history', async () => {
    const response = await t.http.get(`/sellers/${seller.id}/performance`).set('Authorization', as(seller)).expect(200);
    expect(response.body.standing).toBe('flagged');
    expect(response.body.thresholds).toEqual({
      responseWithin24hRate: 0.9,
      onTimeReplyRate: 0.95,
      orderDefectRate: 0.01,
    });
    // No orders: no claim rate to judge on (null, not 0 %).
    expect(response.body.claims).toMatchObject({
      days: 60,
      orders: 0,
      claims: 0,
      claimRate: null,
      orderDefectRate: null,
    });
    const [week, month, quarter] = response.body.windows;
    const full = {
      buyerMessages: 4,
      answeredWithin24h: 1,
      responseWithin24hRate: 0.25,
      replyCycles: 4,
      onTimeReplies: 2,
      onTimeReplyRate: 0.5,
      medianResponseBusinessHours: 23,
      p90ResponseBusinessHours: 43.8,
      // 4 h (A), 23 h (C) and 49 h (B): one each in 4–8, 8–24 and 48 or more.
      responseTimeDistribution: distribution([0, 0, 1, 1, 0, 1]),
      // B answered late, E not answered by its deadline: with A and C on time, the 4 cycles.
      lateReplies: 1,
      missedReplies: 1,
      escalations: 1,
      flags: 1,
    };
    expect(month).toEqual({ days: 30, from: '2026-02-09T19:00:00.000Z', to: '2026-03-11T19:00:00.000Z', ...full });
    expect(quarter).toMatchObject({ days: 90, ...full });
    expect(week).toEqual({
      days: 7,
      from: '2026-03-04T19:00:00.000Z',
      to: '2026-03-11T19:00:00.000Z',
      buyerMessages: 2,
      answeredWithin24h: 0,
      responseWithin24hRate: 0,
      replyCycles: 2,
      onTimeReplies: 1,
      onTimeReplyRate: 0.5,
      medianResponseBusinessHours: 23,
      p90ResponseBusinessHours: 23,
      responseTimeDistribution: distribution([0, 0, 0, 1, 0, 0]),
      lateReplies: 0,
      missedReplies: 1,
      escalations: 1,
      flags: 1,
    });
    // Flagged by the 30-day on-time rate (no orders, so no claim rate to judge on).
    expect(response.body.standingWindowDays).toBe(30);
    expect(response.body.standingReasons).toEqual([
      { metric: 'onTimeReplyRate', value: 0.5, threshold: 0.95, days: 30 },
    ]);
  });

  it('counts the flags the sweep raised, and a seller without history is in good standing', async () => {
    const response = await t.http.get(`/sellers/${seller.id}/performance`).set('Authorization', as(agent)).expect(200);
    expect(response.body.windows[1].flags).toBe(1);
    const fresh = await t.http
      .get(`/sellers/${otherSeller.id}/performance`)
      .set('Authorization', as(otherSeller))
      .expect(200);
    expect(fresh.body.standing).toBe('good');
    expect(fresh.body.standingReasons).toEqual([]);
    expect(fresh.body.windows[1]).toMatchObject({
      buyerMessages: 0,
      responseWithin24hRate: null,
      onTimeReplyRate: null,
      medianResponseBusinessHours: null,
    });
  });

  it('is for the seller itself, agents and admins only', async () => {
    await t.http.get(`/sellers/${seller.id}/performance`).set('Authorization', as(otherSeller)).expect(404);
    await t.http.get(`/sellers/${seller.id}/performance`).set('Authorization', as(buyer)).expect(404);
    await t.http.get(`/sellers/${buyer.id}/performance`).set('Authorization', as(agent)).expect(404);
    await t.http.get('/sellers/not-a-uuid/performance').set('Authorization', as(agent)).expect(404);
    await t.http.get(`/sellers/${seller.id}/performance`).expect(401);
  });
});
