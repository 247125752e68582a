import { CLAIM_POLICIES } from '../config/policies.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createOrder, createUser, TestUser } from './support/factories.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Buyer-protection claims through HTTP against the real database, on a
 * manual clock: eligibility, every branch of the workflow, the sweep's
 * deadlines, bad input and concurrent decisions.
 */
describe('claims', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  let agent2: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const run = async (job: string) =>
    (await t.http.post(`/admin/jobs/${job}/run`).set('Authorization', as(admin)).expect(200)).body;
  const post = (user: TestUser, path: string, body: object = {}) =>
    t.http.post(path).set('Authorization', as(user)).send(body);
  const get = (user: TestUser, path: string) => t.http.get(path).set('Authorization', as(user));
  /** An order and case opened now, then time moved past the seller's two business days (a weekend or not): a claim can be filed. */
  const ready = async (order: Record<string, unknown> = {}) => {
    const made = await orderWithCase(t, admin, buyer, seller, order);
    t.clock.advance(5 * DAY);
    return made;
  };
  const hooks = async (claimId: string) =>
    (
      await t.sql.query(
        `SELECT type, data FROM webhook_events WHERE data->'claim'->>'id' = $1 ORDER BY created_at, type`,
        [claimId],
      )
    ).rows as {
      type: string;
      data: Record<string, unknown>;
    }[];
  const notices = async (claimId: string) =>
    (
      await t.sql.query(
        `SELECT o.kind || ':' || u.role AS notice FROM outbox o JOIN users u ON u.id = o.recipient_id WHERE o.payload->>'claimId' = $1 ORDER BY o.created_at, o.kind, u.role`,
        [claimId],
      )
    ).rows.map((row) => row.notice as string);

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
    agent2 = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });
  // The sweep acts on every claim in the database: each test starts with none of the others' deadlines due.
  beforeEach(async () => {
    t.clock.set('2026-03-02T18:00:00Z'); // Monday 10:00 in Los Angeles
    await t.sql.query('UPDATE claims SET next_deadline_at = NULL');
  });

  describe('eligibility, explained (a seller in Bavaria, over Christmas)', () => {
    let berlin: TestUser;
    const reasons = async (orderId: string) => {
      const response = await get(buyer, `/claims/eligibility?orderId=${orderId}`).expect(200);
      return Object.fromEntries(response.body.reasons.map((r: { reason: string }) => [r.reason, r])) as Record<
        string,
        { eligible: boolean; eligibleAt?: string; rule?: string }
      >;
    };

    beforeAll(async () => {
      berlin = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });
    });

    it('a case opened on Christmas Eve waits until Tuesday 29th 10:00 Berlin; delivery, an open claim and each rule in turn', async () => {
      // No case yet: contact the seller first, with no date.
      t.clock.set('2026-12-24T09:00:00Z'); // Thursday 10:00 in Berlin; the 25th and 26th are public holidays, then a weekend
      const order = await createOrder(t.http, t.tokenFor(admin), buyer.id, berlin.id, {
        placedAt: '2026-12-10T10:00:00Z',
        maxDeliveryDate: '2026-12-28',
      });
      const before = await reasons(order.id);
      for (const reason of ['item_not_received', 'damaged_or_defective', 'not_as_described', 'return_not_refunded']) {
        expect(before[reason]).toMatchObject({ eligible: false, rule: 'contact_seller_first' });
        expect(before[reason].eligibleAt).toBeUndefined();
      }
      await post(buyer, '/cases', {
        sellerId: berlin.id,
        orderId: order.id,
        topic: 'damaged_or_defective',
        subject: 'Broken',
        body: 'It is broken.',
      }).expect(201);
      t.clock.set('2026-12-24T12:00:00Z');
      const after = await reasons(order.id);
      expect(after.damaged_or_defective).toMatchObject({
        eligible: false,
        rule: 'contact_seller_first',
        eligibleAt: '2026-12-29T09:00:00.000Z',
      });
      expect(after.not_as_described).toMatchObject({
        eligible: false,
        rule: 'contact_seller_first',
        eligibleAt: '2026-12-29T09:00:00.000Z',
      });
      // Not received: 3 days after the end of the latest delivery date (28 Dec, Berlin: 29 Dec 00:00 CET), later than the seller's two business days.
      expect(after.item_not_received).toMatchObject({
        eligible: false,
        rule: 'too_early',
        eligibleAt: '2026-12-31T23:00:00.000Z',
      });

      const early = await post(buyer, '/claims', {
        orderId: order.id,
        reason: 'damaged_or_defective',
        body: 'Broken.',
      }).expect(422);
      expect(early.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(early.body).toMatchObject({
        status: 422,
        rule: 'contact_seller_first',
        eligibleAt: '2026-12-29T09:00:00.000Z',
        reason: 'damaged_or_defective',
      });

      t.clock.set('2026-12-29T08:59:59.999Z');
      expect((await reasons(order.id)).damaged_or_defective.eligible).toBe(false);
      t.clock.set('2026-12-29T09:00:00Z');
      expect((await reasons(order.id)).damaged_or_defective).toMatchObject({ eligible: true });
      expect((await reasons(order.id)).item_not_received).toMatchObject({
        eligible: false,
        rule: 'too_early',
        eligibleAt: '2026-12-31T23:00:00.000Z',
      });

      // Tracking that says delivered makes "not received" possible from the delivery, once the seller had its days.
      await post(admin, `/orders/${order.id}/events`, { type: 'delivered', at: '2026-12-27T10:00:00Z' }).expect(201);
      expect((await reasons(order.id)).item_not_received).toMatchObject({ eligible: true });

      // One open claim per order: every reason says so, and filing again is 409.
      t.clock.set('2026-12-29T10:00:00Z');
      await fileClaim(t, buyer, order.id, { reason: 'item_not_received' });
      const answers = await reasons(order.id);
      for (const answer of Object.values(answers))
        expect(answer).toMatchObject({ eligible: false, rule: 'open_claim_exists' });
      const again = await post(buyer, '/claims', {
        orderId: order.id,
        reason: 'not_as_described',
        body: 'Also wrong colour.',
      }).expect(409);
      expect(again.body).toMatchObject({ rule: 'open_claim_exists' });
    });

    it('90 days after the latest delivery date the window is closed; a refunded order cannot be claimed', async () => {
      t.clock.set('2026-12-01T12:00:00Z');
      const old = await createOrder(t.http, t.tokenFor(admin), buyer.id, berlin.id, {
        placedAt: '2026-08-20T10:00:00Z',
        maxDeliveryDate: '2026-09-01',
      });
      await post(buyer, '/cases', {
        sellerId: berlin.id,
        orderId: old.id,
        topic: 'damaged_or_defective',
        subject: 'Broken',
        body: 'It is broken.',
      }).expect(201);
      // 2 Sept 00:00 Berlin is 1 Sept 22:00Z; 90 days later is 30 Nov 22:00Z (CET by then: 23:00 Berlin).
      t.clock.set('2026-11-30T21:59:59Z');
      expect((await reasons(old.id)).damaged_or_defective).toMatchObject({ eligible: false, rule: 'window_closed' });
      t.clock.set('2026-12-05T12:00:00Z');
      const closed = await reasons(old.id);
      for (const answer of Object.values(closed))
        expect(answer).toMatchObject({ eligible: false, rule: 'window_closed' });
      await post(buyer, '/claims', { orderId: old.id, reason: 'damaged_or_defective', body: 'Broken.' }).expect(422);

      const refunded = await createOrder(t.http, t.tokenFor(admin), buyer.id, berlin.id, {
        placedAt: '2026-11-20T10:00:00Z',
        maxDeliveryDate: '2026-11-28',
      });
      await post(admin, `/orders/${refunded.id}/events`, { type: 'refunded', at: '2026-12-02T10:00:00Z' }).expect(201);
      for (const answer of Object.values(await reasons(refunded.id)))
        expect(answer).toMatchObject({ eligible: false, rule: 'refunded' });
      expect(
        (await post(buyer, '/claims', { orderId: refunded.id, reason: 'return_not_refunded', body: 'x' }).expect(422))
          .body,
      ).toMatchObject({ rule: 'refunded' });
    });

    it('a filing window that closes before the wait ends says window_closed, not a date that would be too late', async () => {
      t.clock.set('2026-11-30T12:00:00Z'); // Monday; the window of an order due 1 Sept closes 30 Nov 22:00Z
      const late = await createOrder(t.http, t.tokenFor(admin), buyer.id, berlin.id, {
        placedAt: '2026-08-20T10:00:00Z',
        maxDeliveryDate: '2026-09-01',
      });
      await post(buyer, '/cases', {
        sellerId: berlin.id,
        orderId: late.id,
        topic: 'not_as_described',
        subject: 'Wrong',
        body: 'Wrong item.',
      }).expect(201);
      expect((await reasons(late.id)).not_as_described).toMatchObject({ eligible: false, rule: 'window_closed' });
    });

    it('only the order’s buyer (and support) may ask; anyone else is told the order does not exist', async () => {
      t.clock.set('2026-12-01T12:00:00Z');
      const order = await createOrder(t.http, t.tokenFor(admin), buyer.id, berlin.id, {
        placedAt: '2026-11-20T10:00:00Z',
        maxDeliveryDate: '2026-11-28',
      });
      const stranger = await createUser(t.sql, 'buyer');
      await get(stranger, `/claims/eligibility?orderId=${order.id}`).expect(404);
      await get(berlin, `/claims/eligibility?orderId=${order.id}`).expect(404);
      await get(agent, `/claims/eligibility?orderId=${order.id}`).expect(200);
      const missing = await get(buyer, '/claims/eligibility?orderId=nope').expect(400);
      expect(missing.body.errors[0].field).toBe('orderId');
    });
  });

  it('the full path: filed → seller responds → info requested and given → granted → appealed → reversed by another agent → closed', async () => {
    const { orderId, externalId, caseId } = await ready();
    const filed = await fileClaim(t, buyer, orderId, { caseId, amount: { amount: 2000, currency: 'USD' } });
    expect(filed).toMatchObject({
      orderId,
      caseId,
      buyerId: buyer.id,
      sellerId: seller.id,
      reason: 'damaged_or_defective',
      status: 'awaiting_seller',
      outcome: null,
      amount: { amount: 2000, currency: 'USD' },
      flags: [],
      decision: null,
      appeal: null,
      policyVersion: 1,
      deadlines: {
        sellerResponseDueAt: new Date(Date.parse(filed.createdAt) + 72 * HOUR).toISOString(),
        infoDueAt: null,
        appealUntil: null,
      },
    });
    // The case links the claim and leaves the SLA sweep: its reply cycle ended, and a new buyer message starts none.
    const theCase = await get(buyer, `/cases/${caseId}`).expect(200);
    expect(theCase.body).toMatchObject({ claimId: filed.id, sla: { state: 'stopped', dueAt: null } });
    expect((await t.sql.query(`SELECT outcome FROM reply_cycles WHERE case_id = $1`, [caseId])).rows).toEqual([
      { outcome: 'claim_filed' },
    ]);
    await post(buyer, `/cases/${caseId}/messages`, { body: 'Any news?' }).expect(201);
    expect((await t.sql.query(`SELECT cycle_id, next_action_at FROM cases WHERE id = $1`, [caseId])).rows[0]).toEqual({
      cycle_id: null,
      next_action_at: null,
    });

    t.clock.advance(HOUR);
    const responded = await post(seller, `/claims/${filed.id}/respond`, {
      body: 'It was fine when it left; please send photos.',
    }).expect(200);
    expect(responded.body.status).toBe('under_review');
    const queue = await get(agent, '/escalations?reason=claim').expect(200);
    const escalation = queue.body.items.find((item: { claimId: string }) => item.claimId === filed.id);
    expect(escalation).toMatchObject({ reason: 'claim', status: 'open', caseId });
    // Deciding the claim is what ends its escalation.
    await post(agent, `/escalations/${escalation.id}/resolve`, { outcome: 'answered_by_support' }).expect(409);

    t.clock.advance(HOUR);
    const asked = await post(agent, `/claims/${filed.id}/request-info`, {
      from: 'buyer',
      body: 'Please send a photo of the damage.',
    }).expect(200);
    expect(asked.body).toMatchObject({ status: 'info_requested', infoFrom: 'buyer' });
    expect(asked.body.deadlines.infoDueAt).toBe(
      new Date(Date.parse(filed.createdAt) + 2 * HOUR + 72 * HOUR).toISOString(),
    );
    expect(
      (await get(agent, '/escalations?reason=claim').expect(200)).body.items.find(
        (item: { id: string }) => item.id === escalation.id,
      ),
    ).toMatchObject({
      waitingOn: 'buyer',
      dueAt: null,
    });
    // The seller writing is not the answer asked for.
    await post(seller, `/claims/${filed.id}/messages`, { body: 'I am waiting too.' }).expect(201);
    expect((await get(buyer, `/claims/${filed.id}`).expect(200)).body.status).toBe('info_requested');
    t.clock.advance(HOUR);
    await post(buyer, `/claims/${filed.id}/messages`, {
      body: 'Here is the photo: the screen is cracked across.',
    }).expect(201);
    const answered = await get(buyer, `/claims/${filed.id}`).expect(200);
    expect(answered.body).toMatchObject({ status: 'under_review', infoFrom: null });
    expect(
      (await get(agent, '/escalations?reason=claim').expect(200)).body.items.find(
        (item: { id: string }) => item.id === escalation.id,
      ).waitingOn,
    ).toBeNull();

    t.clock.advance(HOUR);
    const granted = await post(agent, `/claims/${filed.id}/decide`, {
      outcome: 'granted',
      funding: 'marketplace',
      refund: { amount: 1500, currency: 'USD' },
      note: 'Shipped on time with tracking; the marketplace covers it.',
    }).expect(200);
    expect(granted.body).toMatchObject({
      status: 'granted',
      outcome: 'granted',
      decision: {
        outcome: 'granted',
        funding: 'marketplace',
        refund: { amount: 1500, currency: 'USD' },
        decidedBy: agent.id,
        note: 'Shipped on time with tracking; the marketplace covers it.',
      },
    });
    const decidedAt = Date.parse(granted.body.decision.decidedAt);
    expect(granted.body.deadlines.appealUntil).toBe(new Date(decidedAt + 30 * DAY).toISOString());
    expect(
      (await t.sql.query(`SELECT status, outcome FROM escalations WHERE id = $1`, [escalation.id])).rows[0],
    ).toEqual({ status: 'resolved', outcome: 'claim_granted' });

    // Only the party the decision went against appeals: the seller, for a grant.
    await post(buyer, `/claims/${filed.id}/appeal`, { body: 'I want more.' }).expect(403);
    t.clock.advance(DAY);
    const appealed = await post(seller, `/claims/${filed.id}/appeal`, {
      body: 'The buyer dropped it; see the courier photos.',
    }).expect(200);
    expect(appealed.body).toMatchObject({ status: 'appealed', appeal: { by: seller.id, outcome: null } });
    // The first decider may not decide the appeal.
    t.clock.advance(HOUR);
    const same = await post(agent, `/claims/${filed.id}/decide-appeal`, { outcome: 'reversed', note: 'x' }).expect(403);
    expect(same.body.detail).toMatch(/another agent/);
    const reversed = await post(agent2, `/claims/${filed.id}/decide-appeal`, {
      outcome: 'reversed',
      note: 'The courier photos show it intact.',
    }).expect(200);
    expect(reversed.body).toMatchObject({
      status: 'closed',
      outcome: 'denied',
      decision: { outcome: 'granted' },
      appeal: { by: seller.id, outcome: 'reversed', decidedBy: agent2.id, note: 'The courier photos show it intact.' },
    });

    const timeline = (await get(buyer, `/claims/${filed.id}/timeline`).expect(200)).body as {
      type: string;
      data: { to?: string };
    }[];
    expect(timeline.filter((event) => event.type === 'status_changed').map((event) => event.data.to)).toEqual([
      'awaiting_seller',
      'under_review',
      'info_requested',
      'under_review',
      'granted',
      'appealed',
      'appeal_reversed',
      'closed',
    ]);
    expect(timeline.some((event) => event.type.startsWith('escalation_'))).toBe(false); // internal: support only
    const agentTimeline = (await get(agent, `/claims/${filed.id}/timeline`).expect(200)).body as { type: string }[];
    expect(agentTimeline.filter((event) => event.type === 'escalation_opened')).toHaveLength(2);

    const events = await hooks(filed.id);
    expect(events.map((event) => event.type)).toEqual([
      'claim.filed',
      'claim.decided',
      'claim.appealed',
      'claim.appeal_decided',
    ]);
    expect(events[1].data).toMatchObject({
      outcome: 'granted',
      funding: 'marketplace',
      refund: { amount: 1500, currency: 'USD' },
      claim: { orderExternalId: externalId },
    });
    expect(events[3].data).toMatchObject({
      appealOutcome: 'reversed',
      outcome: 'denied',
      reverses: { funding: 'marketplace', refund: { amount: 1500, currency: 'USD' } },
    });
    expect(await notices(filed.id)).toEqual([
      'claim_filed:buyer',
      'claim_filed:seller',
      'claim_message:buyer',
      'claim_info_requested:buyer',
      'claim_info_requested:seller',
      'claim_message:buyer',
      'claim_message:seller',
      'claim_decided:buyer',
      'claim_decided:seller',
      'claim_appealed:buyer',
      'claim_appealed:seller',
      'claim_appeal_decided:buyer',
      'claim_appeal_decided:seller',
    ]);
  });

  it('denied, appealed by the buyer, upheld; and a denial reversed grants it, seller-funded by default', async () => {
    for (const [appealOutcome, expected] of [
      ['upheld', { outcome: 'denied' }],
      ['reversed', { outcome: 'granted', appeal: { funding: 'seller', refund: { amount: 2599, currency: 'USD' } } }],
    ] as const) {
      t.clock.set('2026-03-02T18:00:00Z');
      const { orderId } = await ready();
      const claim = await fileClaim(t, buyer, orderId);
      expect(claim.amount).toEqual({ amount: 2599, currency: 'USD' }); // the order total by default
      await post(seller, `/claims/${claim.id}/respond`, { body: 'Not my fault.' }).expect(200);
      const denied = await post(agent, `/claims/${claim.id}/decide`, {
        outcome: 'denied',
        note: 'No evidence of damage.',
      }).expect(200);
      expect(denied.body).toMatchObject({
        status: 'denied',
        outcome: 'denied',
        decision: { outcome: 'denied', funding: null, refund: null },
      });
      await post(seller, `/claims/${claim.id}/appeal`, { body: 'x' }).expect(403);
      await post(buyer, `/claims/${claim.id}/appeal`, { body: 'Here is more evidence.' }).expect(200);
      const decided = await post(agent2, `/claims/${claim.id}/decide-appeal`, {
        outcome: appealOutcome,
        note: 'Looked again.',
      }).expect(200);
      expect(decided.body).toMatchObject({ status: 'closed', ...expected });
    }
  });

  it('the buyer withdraws; the seller refunds; both end closed, and nothing more can happen', async () => {
    const one = await ready();
    const withdrawn = await fileClaim(t, buyer, one.orderId);
    await post(seller, `/claims/${withdrawn.id}/withdraw`).expect(403);
    const done = await post(buyer, `/claims/${withdrawn.id}/withdraw`).expect(200);
    expect(done.body).toMatchObject({ status: 'closed', outcome: 'withdrawn' });
    expect((await hooks(withdrawn.id)).map((event) => event.type)).toEqual(['claim.filed', 'claim.withdrawn']);
    // The order has no open claim now: the buyer could file again.
    const answers = (await get(buyer, `/claims/eligibility?orderId=${one.orderId}`).expect(200)).body.reasons;
    expect(answers.find((r: { reason: string }) => r.reason === 'damaged_or_defective')).toMatchObject({
      eligible: true,
    });

    const two = await ready();
    const refunded = await fileClaim(t, buyer, two.orderId);
    await post(seller, `/claims/${refunded.id}/respond`, { body: 'Sorry about that.' }).expect(200);
    await post(seller, `/claims/${refunded.id}/refund`, { amount: { amount: 2600, currency: 'USD' } }).expect(400);
    const paid = await post(seller, `/claims/${refunded.id}/refund`, {
      amount: { amount: 2599, currency: 'USD' },
    }).expect(200);
    expect(paid.body).toMatchObject({
      status: 'closed',
      outcome: 'refunded_by_seller',
      sellerRefund: { amount: 2599, currency: 'USD' },
    });
    const event = (await hooks(refunded.id)).find((e) => e.type === 'claim.refunded_by_seller');
    expect(event?.data).toMatchObject({ refund: { amount: 2599, currency: 'USD' }, funding: 'seller' });
    expect(
      (
        await t.sql.query(`SELECT count(*)::int AS n FROM escalations WHERE claim_id = $1 AND status <> 'resolved'`, [
          refunded.id,
        ])
      ).rows[0].n,
    ).toBe(0);

    for (const [user, path, body] of [
      [buyer, 'withdraw', {}],
      [seller, 'respond', { body: 'x' }],
      [seller, 'refund', { amount: { amount: 1, currency: 'USD' } }],
      [agent, 'decide', { outcome: 'denied', note: 'x' }],
      [agent, 'request-info', { from: 'buyer', body: 'x' }],
      [buyer, 'appeal', { body: 'x' }],
      [agent, 'decide-appeal', { outcome: 'upheld', note: 'x' }],
      [buyer, 'messages', { body: 'hello?' }],
    ] as const) {
      const refused = await post(user, `/claims/${refunded.id}/${path}`, body).expect(409);
      expect(refused.body).toMatchObject({ currentState: 'closed' });
    }
    // Support may still leave an internal note on a closed claim.
    await post(agent, `/claims/${refunded.id}/messages`, { body: 'Checked the refund.', internal: true }).expect(201);
  });

  it('every step in the wrong state is 409 naming the state', async () => {
    const { orderId } = await ready();
    const claim = await fileClaim(t, buyer, orderId);
    const expect409 = async (user: TestUser, path: string, body: object, state: string) => {
      const response = await post(user, `/claims/${claim.id}/${path}`, body).expect(409);
      expect(response.body).toMatchObject({
        currentState: state,
        type: expect.stringContaining('forbidden-transition'),
      });
      expect(response.body.detail).toContain(state.replace(/_/g, ' '));
    };
    await expect409(agent, 'decide', { outcome: 'granted', funding: 'seller', note: 'x' }, 'awaiting_seller');
    await expect409(agent, 'request-info', { from: 'seller', body: 'x' }, 'awaiting_seller');
    await expect409(buyer, 'appeal', { body: 'x' }, 'awaiting_seller');
    await expect409(agent, 'decide-appeal', { outcome: 'upheld', note: 'x' }, 'awaiting_seller');
    await post(seller, `/claims/${claim.id}/respond`, { body: 'Fine.' }).expect(200);
    await expect409(seller, 'respond', { body: 'Again.' }, 'under_review');
    await post(agent, `/claims/${claim.id}/decide`, { outcome: 'denied', note: 'No.' }).expect(200);
    await expect409(buyer, 'withdraw', {}, 'denied');
    await expect409(seller, 'refund', { amount: { amount: 100, currency: 'USD' } }, 'denied');
    await expect409(agent, 'decide', { outcome: 'granted', funding: 'seller', note: 'x' }, 'denied');
  });

  it('two agents deciding at once: one wins, the other gets 409', async () => {
    const { orderId } = await ready();
    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/respond`, { body: 'Fine.' }).expect(200);
    const results = await Promise.all([
      post(agent, `/claims/${claim.id}/decide`, { outcome: 'granted', funding: 'seller', note: 'Yes.' }),
      post(agent2, `/claims/${claim.id}/decide`, { outcome: 'denied', note: 'No.' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(['granted', 'denied']).toContain(loser.body.currentState);
    expect(
      (
        await t.sql.query(
          `SELECT count(*)::int AS n FROM webhook_events WHERE type = 'claim.decided' AND data->'claim'->>'id' = $1`,
          [claim.id],
        )
      ).rows[0].n,
    ).toBe(1);
  });

  it('bad input: each malformed field is a 400 naming it; money in another currency, negative, zero or above the total is 400', async () => {
    const { orderId } = await ready();
    const missing = await post(buyer, '/claims', {}).expect(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body', 'orderId', 'reason']);
    const field = async (body: object, name: string) => {
      const response = await post(buyer, '/claims', {
        orderId,
        reason: 'damaged_or_defective',
        body: 'Broken.',
        ...body,
      }).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(name);
    };
    await field({ reason: 'changed_my_mind' }, 'reason');
    await field({ orderId: 'not-a-uuid' }, 'orderId');
    await field({ caseId: 42 }, 'caseId');
    await field({ body: '   ' }, 'body');
    await field({ amount: { amount: 100, currency: 'EUR' } }, 'amount.currency');
    await field({ amount: { amount: -1, currency: 'USD' } }, 'amount.amount');
    await field({ amount: { amount: 0, currency: 'USD' } }, 'amount.amount');
    await field({ amount: { amount: 2600, currency: 'USD' } }, 'amount.amount');
    await field({ amount: { amount: 1.5, currency: 'USD' } }, 'amount.amount');
    await field({ amount: 'lots' }, 'amount');
    // A case of someone else's is not found; one of the buyer's about another order is a 400 naming caseId.
    const stranger = await createUser(t.sql, 'buyer');
    const theirs = await t.http
      .post('/cases')
      .set('Authorization', as(stranger))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hi', body: 'Hello' })
      .expect(201);
    await post(buyer, '/claims', {
      orderId,
      reason: 'damaged_or_defective',
      body: 'Broken.',
      caseId: theirs.body.id,
    }).expect(404);
    const otherCase = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hi', body: 'Hello' })
      .expect(201);
    await field({ caseId: otherCase.body.id }, 'caseId');
    // Nobody else's order: not found.
    await post(stranger, '/claims', { orderId, reason: 'damaged_or_defective', body: 'Broken.' }).expect(404);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM claims WHERE order_id = $1`, [orderId])).rows[0].n).toBe(
      0,
    );

    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/respond`, { body: 'Fine.' }).expect(200);
    const decide = async (body: object, name: string) => {
      const response = await post(agent, `/claims/${claim.id}/decide`, body).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(name);
    };
    await decide({ outcome: 'maybe', note: 'x' }, 'outcome');
    await decide({ outcome: 'granted', note: 'x' }, 'funding');
    await decide({ outcome: 'granted', funding: 'the buyer', note: 'x' }, 'funding');
    await decide({ outcome: 'granted', funding: 'seller', note: '' }, 'note');
    await decide(
      { outcome: 'granted', funding: 'seller', refund: { amount: 99999, currency: 'USD' }, note: 'x' },
      'refund.amount',
    );
    await decide(
      { outcome: 'granted', funding: 'seller', refund: { amount: 10, currency: 'GBP' }, note: 'x' },
      'refund.currency',
    );
    await decide({ outcome: 'denied', funding: 'seller', note: 'x' }, 'funding');
    await decide({ outcome: 'denied', refund: { amount: 10, currency: 'USD' }, note: 'x' }, 'refund');
    const info = await post(agent, `/claims/${claim.id}/request-info`, { from: 'support', body: 'x' }).expect(400);
    expect(info.body.errors[0].field).toBe('from');
    await get(buyer, '/claims/not-a-uuid').expect(404);
    await get(buyer, '/claims?status=pending').expect(400);
    expect((await get(buyer, `/claims/${claim.id}`).expect(200)).body.status).toBe('under_review'); // nothing was lost
  });

  it('Idempotency-Key: the same key and body give the first claim; another body is 409', async () => {
    const { orderId } = await ready();
    const body = { orderId, reason: 'not_as_described', body: 'It is blue, not red.' };
    const first = await t.http
      .post('/claims')
      .set('Authorization', as(buyer))
      .set('Idempotency-Key', 'claim-key-1')
      .send(body)
      .expect(201);
    const again = await t.http
      .post('/claims')
      .set('Authorization', as(buyer))
      .set('Idempotency-Key', 'claim-key-1')
      .send(body)
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    await t.http
      .post('/claims')
      .set('Authorization', as(buyer))
      .set('Idempotency-Key', 'claim-key-1')
      .send({ ...body, body: 'Different.' })
      .expect(409);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM claims WHERE order_id = $1`, [orderId])).rows[0].n).toBe(
      1,
    );
  });

  it('messages: the content policy masks contact details for the other party, quarantines a request for payment, and internal notes are support’s', async () => {
    const { orderId } = await ready();
    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/messages`, { body: 'Call me on (415) 555-0132 to sort it out.' }).expect(
      201,
    );
    await post(seller, `/claims/${claim.id}/messages`, {
      body: 'Send me your card number and the CVV and I will refund you.',
    }).expect(201);
    await post(agent, `/claims/${claim.id}/messages`, { body: 'Seller has a history here.', internal: true }).expect(
      201,
    );
    await post(buyer, `/claims/${claim.id}/messages`, { body: 'x', internal: true }).expect(403);
    const seen = (await get(buyer, `/claims/${claim.id}/messages`).expect(200)).body as {
      authorId: string;
      body: string;
      masked: string[];
    }[];
    expect(seen).toHaveLength(2); // the opening message and the masked one
    const fromSeller = seen.find((m) => m.authorId === seller.id)!;
    expect(fromSeller.masked).toEqual(['phone']);
    expect(fromSeller.body).toBe('Call me on [phone removed] to sort it out.');
    const support = (await get(agent, `/claims/${claim.id}/messages`).expect(200)).body as {
      body: string;
      quarantined?: boolean;
      internal: boolean;
    }[];
    expect(support).toHaveLength(4);
    expect(support.find((m) => m.quarantined)?.body).toContain('CVV');
    expect((await t.sql.query(`SELECT reason FROM escalations WHERE claim_id = $1`, [claim.id])).rows).toEqual([
      { reason: 'quarantined_message' },
    ]);
  });

  it('the sweep: seller silence goes to review flagged, an unanswered info request returns flagged, the appeal window closes; each once', async () => {
    const { orderId } = await ready();
    const claim = await fileClaim(t, buyer, orderId);
    t.clock.advance(72 * HOUR - 1);
    expect(await run('claims-sweep')).toMatchObject({ sellerResponse: 0 });
    t.clock.advance(1);
    expect(await run('claims-sweep')).toMatchObject({ sellerResponse: 1, infoRequest: 0, appealWindow: 0 });
    expect(await run('claims-sweep')).toMatchObject({ sellerResponse: 0 });
    const reviewed = (await get(agent, `/claims/${claim.id}`).expect(200)).body;
    expect(reviewed).toMatchObject({ status: 'under_review', flags: ['no_seller_response'] });
    expect((await t.sql.query(`SELECT reason, status FROM escalations WHERE claim_id = $1`, [claim.id])).rows).toEqual([
      { reason: 'claim', status: 'open' },
    ]);
    expect(await notices(claim.id)).toContain('claim_no_seller_response:seller');

    await post(agent, `/claims/${claim.id}/request-info`, { from: 'seller', body: 'Your side, please.' }).expect(200);
    t.clock.advance(72 * HOUR);
    expect(await run('claims-sweep')).toMatchObject({ sellerResponse: 0, infoRequest: 1, appealWindow: 0 });
    expect(await run('claims-sweep')).toMatchObject({ infoRequest: 0 });
    expect((await get(agent, `/claims/${claim.id}`).expect(200)).body).toMatchObject({
      status: 'under_review',
      flags: ['no_seller_response', 'info_not_provided'],
      infoFrom: null,
    });
    expect((await t.sql.query(`SELECT waiting_on FROM escalations WHERE claim_id = $1`, [claim.id])).rows).toEqual([
      { waiting_on: null },
    ]);

    await post(agent, `/claims/${claim.id}/decide`, {
      outcome: 'granted',
      funding: 'seller',
      note: 'No answer from the seller.',
    }).expect(200);
    t.clock.advance(30 * DAY);
    expect(await run('claims-sweep')).toMatchObject({ sellerResponse: 0, infoRequest: 0, appealWindow: 1 });
    expect(await run('claims-sweep')).toMatchObject({ appealWindow: 0 });
    expect((await get(buyer, `/claims/${claim.id}`).expect(200)).body).toMatchObject({
      status: 'closed',
      outcome: 'granted',
    });
    await post(seller, `/claims/${claim.id}/appeal`, { body: 'Too late?' }).expect(409);
    expect(
      (
        await t.sql.query(`SELECT deadline FROM claim_deadline_actions WHERE claim_id = $1 ORDER BY acted_at`, [
          claim.id,
        ])
      ).rows.map((r) => r.deadline),
    ).toEqual(['seller_response', 'info_request', 'appeal_window']);
  });

  it('an appeal after the window is refused with the window’s end', async () => {
    const { orderId } = await ready();
    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/respond`, { body: 'Fine.' }).expect(200);
    const decided = await post(agent, `/claims/${claim.id}/decide`, { outcome: 'denied', note: 'No.' }).expect(200);
    t.clock.advance(30 * DAY); // the sweep has not run yet
    const refused = await post(buyer, `/claims/${claim.id}/appeal`, { body: 'Please.' }).expect(409);
    expect(refused.body).toMatchObject({ currentState: 'denied', appealUntil: decided.body.deadlines.appealUntil });
  });

  it('an agent opens a claim from an escalation for the buyer: the waiting rules are waived, the case escalation ends', async () => {
    const { orderId, caseId } = await orderWithCase(t, admin, buyer, seller, { maxDeliveryDate: '2026-03-10' });
    t.clock.advance(2 * DAY + HOUR); // the seller is late: the buyer asks support to step in
    await post(buyer, `/cases/${caseId}/escalate`).expect(200);
    // Not received is too early for the buyer (3 days after 10 March) ...
    expect(
      (await post(buyer, '/claims', { orderId, reason: 'item_not_received', body: 'Nothing came.' }).expect(422)).body,
    ).toMatchObject({ rule: 'too_early' });
    const [{ id: escalationId }] = (await t.sql.query(`SELECT id FROM escalations WHERE case_id = $1`, [caseId])).rows;
    await post(buyer, `/escalations/${escalationId}/claim`, { reason: 'item_not_received', body: 'x' }).expect(404);
    // ... but an agent who judged the case may open it for the buyer.
    const claim = await post(agent, `/escalations/${escalationId}/claim`, {
      reason: 'item_not_received',
      body: 'Opening a claim for the buyer.',
    }).expect(201);
    expect(claim.body).toMatchObject({
      buyerId: buyer.id,
      caseId,
      status: 'awaiting_seller',
      flags: ['filed_by_agent'],
    });
    expect(
      (await t.sql.query(`SELECT status, outcome FROM escalations WHERE id = $1`, [escalationId])).rows[0],
    ).toEqual({ status: 'resolved', outcome: 'claim_filed' });
    expect((await get(buyer, `/cases/${caseId}`).expect(200)).body).toMatchObject({
      status: 'awaiting_buyer',
      claimId: claim.body.id,
    });
    expect((await hooks(claim.body.id))[0].data).toMatchObject({ filedBy: 'agent' });
    await post(agent, `/escalations/${escalationId}/claim`, { reason: 'item_not_received', body: 'again' }).expect(409);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM claims WHERE order_id = $1`, [orderId])).rows[0].n).toBe(
      1,
    );
  });

  it('lists: a buyer its claims, a seller those against it, support all; filters and cursor', async () => {
    for (let i = 0; i < 4; i++) {
      const { orderId } = await ready();
      const claim = await fileClaim(t, buyer, orderId);
      if (i === 0) await post(buyer, `/claims/${claim.id}/withdraw`).expect(200);
    }
    const mine = (await get(buyer, '/claims?limit=100').expect(200)).body.items as { buyerId: string }[];
    expect(mine.length).toBeGreaterThan(3);
    expect(mine.every((claim) => claim.buyerId === buyer.id)).toBe(true);
    const stranger = await createUser(t.sql, 'seller');
    expect((await get(stranger, '/claims').expect(200)).body.items).toEqual([]);
    const closed = (await get(agent, '/claims?status=closed&limit=100').expect(200)).body.items as { status: string }[];
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((claim) => claim.status === 'closed')).toBe(true);
    const first = await get(seller, '/claims?limit=2').expect(200);
    const second = await get(seller, `/claims?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.items.map((c: { id: string }) => c.id)).not.toContain(first.body.items[0].id);
    await get(seller, '/claims?cursor=garbage').expect(400);
  });

  it('seller performance: the claim rate and order defect rate over 60 days, and a seller with too many claims is flagged', async () => {
    const fresh = await createUser(t.sql, 'seller');
    const sellerCase = async () => {
      const made = await orderWithCase(t, admin, buyer, fresh);
      return made;
    };
    const orders = [await sellerCase(), await sellerCase(), await sellerCase(), await sellerCase()];
    t.clock.advance(5 * DAY);
    const a = await fileClaim(t, buyer, orders[0].orderId);
    const b = await fileClaim(t, buyer, orders[1].orderId);
    await post(buyer, `/claims/${b.id}/withdraw`).expect(200);
    const c = await fileClaim(t, buyer, orders[2].orderId);
    await post(fresh, `/claims/${c.id}/respond`, { body: 'Fine.' }).expect(200);
    await post(agent, `/claims/${c.id}/decide`, { outcome: 'denied', note: 'No.' }).expect(200);
    const performance = (await get(fresh, `/sellers/${fresh.id}/performance`).expect(200)).body;
    // 4 orders; claims a (open) counts, b (withdrawn) and c (denied) do not.
    expect(performance.claims).toMatchObject({
      days: 60,
      orders: 4,
      claims: 1,
      claimRate: 0.25,
      defectiveOrders: 1,
      orderDefectRate: 0.25,
    });
    expect(performance.thresholds.orderDefectRate).toBe(0.01);
    expect(performance.standing).toBe('flagged');
    expect(a.status).toBe('awaiting_seller');
  });

  it('email: the notices of a claim are sent, each linking to the claim', async () => {
    const { orderId } = await ready();
    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/respond`, { body: 'Fine.' }).expect(200);
    await post(agent, `/claims/${claim.id}/decide`, { outcome: 'granted', funding: 'seller', note: 'Yes.' }).expect(
      200,
    );
    await t.sql.query(
      `UPDATE outbox SET next_attempt_at = now() + interval '1000 days' WHERE payload->>'claimId' IS DISTINCT FROM $1 AND status = 'pending'`,
      [claim.id],
    );
    await run('outbox-dispatch');
    const rows = (
      await t.sql.query(`SELECT kind, status FROM outbox WHERE payload->>'claimId' = $1 ORDER BY kind`, [claim.id])
    ).rows;
    expect(rows.map((row) => `${row.kind}:${row.status}`)).toEqual([
      'claim_decided:sent',
      'claim_decided:sent',
      'claim_filed:sent',
      'claim_filed:sent',
      'claim_message:sent',
    ]);
  });
});

describe('claims under a policy that grants on seller silence', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      claimPolicies: [{ ...CLAIM_POLICIES[0], noResponse: 'grant', sellerResponse: { businessDays: 3 } }],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('seller silence past 3 business days on the marketplace calendar: granted at once, seller-funded, decided by nobody', async () => {
    const admin = await createUser(t.sql, 'admin');
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const { orderId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.set('2026-03-06T17:00:00Z'); // Friday
    const claim = await fileClaim(t, buyer, orderId);
    const due = claim.deadlines.sellerResponseDueAt!;
    expect(Date.parse(due)).toBeGreaterThan(Date.parse('2026-03-06T17:00:00Z') + 4 * DAY); // a weekend in between: more than 72 wall-clock hours
    t.clock.set(due);
    const admins = `Bearer ${t.tokenFor(admin)}`;
    expect(
      (await t.http.post('/admin/jobs/claims-sweep/run').set('Authorization', admins).expect(200)).body,
    ).toMatchObject({ sellerResponse: 1 });
    const granted = (
      await t.http
        .get(`/claims/${claim.id}`)
        .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
        .expect(200)
    ).body;
    expect(granted).toMatchObject({
      status: 'granted',
      outcome: 'granted',
      flags: ['no_seller_response'],
      decision: { outcome: 'granted', funding: 'seller', refund: { amount: 2599, currency: 'USD' }, decidedBy: null },
    });
    expect(
      (await t.sql.query(`SELECT count(*)::int AS n FROM escalations WHERE claim_id = $1`, [claim.id])).rows[0].n,
    ).toBe(0);
  });
});
