import { startTestApp, TestApp } from './support/app.js';
import { createOrder, createUser, openCase, TestUser } from './support/factories.js';

const problemJson = /^application\/problem\+json/;

describe('cases', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let otherBuyer: TestUser;
  let seller: TestUser;
  let berlinSeller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const question = (sellerId: string, extra: Record<string, unknown> = {}) => ({
    sellerId,
    listingRef: 'listing-84512',
    topic: 'question',
    subject: 'Does it fit a 15-inch laptop?',
    body: 'Hello, does this sleeve fit a 15-inch laptop?',
    ...extra,
  });
  const open = async (user: TestUser, body: Record<string, unknown>) => {
    const response = await t.http.post('/cases').set('Authorization', as(user)).send(body);
    if (response.status !== 201)
      throw new Error(`case not opened: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    otherBuyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller', { timeZone: 'America/Los_Angeles', country: 'US', subdivision: 'CA' });
    berlinSeller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(() => t.close());

  // One story whose steps build on each other, so one test: each step is named where it starts.
  describe('the whole lifecycle, with the reply clock on the seller calendar (America/Los_Angeles, US-CA)', () => {
    it('runs one case through its whole lifecycle, step by step', async () => {
      let caseId: string;
      // Step: opens a case awaiting the seller, with a reply cycle from the first message.
      {
        t.clock.set('2026-03-02T18:00:00Z'); // Mon 10:00 PST
        const opened = await open(buyer, question(seller.id));
        caseId = opened.id;
        expect(opened).toEqual({
          id: expect.any(String),
          buyerId: buyer.id,
          sellerId: seller.id,
          orderId: null,
          listingRef: 'listing-84512',
          topic: 'question',
          subject: 'Does it fit a 15-inch laptop?',
          status: 'awaiting_seller',
          claimId: null,
          createdAt: '2026-03-02T18:00:00.000Z',
          updatedAt: '2026-03-02T18:00:00.000Z',
          sla: {
            state: 'on_track',
            clockStartedAt: '2026-03-02T18:00:00.000Z',
            warnAt: '2026-03-03T18:00:00.000Z',
            dueAt: '2026-03-04T18:00:00.000Z',
            escalateAt: '2026-03-05T18:00:00.000Z',
          },
        });
        const { rows } = await t.sql.query(
          'SELECT seq, opened_at, due_at, calendar_version, policy_version, closed_at FROM reply_cycles WHERE case_id = $1',
          [caseId],
        );
        expect(rows).toEqual([
          {
            seq: 1,
            opened_at: new Date('2026-03-02T18:00:00Z'),
            due_at: new Date('2026-03-04T18:00:00Z'),
            calendar_version: 1,
            policy_version: 1,
            closed_at: null,
          },
        ]);
      }

      // Step: does not reset the clock on follow-ups.
      {
        t.clock.set('2026-03-03T17:00:00Z');
        await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(buyer))
          .send({ body: 'Any news?' })
          .expect(201);
        const view = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
        expect(view.body.sla).toMatchObject({ state: 'on_track', dueAt: '2026-03-04T18:00:00.000Z' });
        expect(
          (await t.sql.query('SELECT count(*)::int AS n FROM reply_cycles WHERE case_id = $1', [caseId])).rows[0].n,
        ).toBe(1);
      }

      // Step: shows the case at risk after 1 business day and late after 2.
      {
        t.clock.set('2026-03-03T18:00:00Z');
        expect((await t.http.get(`/cases/${caseId}`).set('Authorization', as(seller))).body.sla.state).toBe('at_risk');
        t.clock.set('2026-03-04T18:00:00Z');
        expect((await t.http.get(`/cases/${caseId}`).set('Authorization', as(seller))).body.sla.state).toBe('late');
      }

      // Step: ends the cycle with the seller reply.
      {
        t.clock.set('2026-03-04T19:00:00Z');
        const reply = await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(seller))
          .send({ body: 'Yes, it fits 15-inch laptops.' })
          .expect(201);
        expect(reply.body).toEqual({
          id: expect.any(String),
          caseId,
          authorId: seller.id,
          authorRole: 'seller',
          body: 'Yes, it fits 15-inch laptops.',
          createdAt: '2026-03-04T19:00:00.000Z',
          masked: [],
          attachments: [],
          quarantined: false,
        });
        const view = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
        expect(view.body.status).toBe('awaiting_buyer');
        expect(view.body.sla).toEqual({
          state: 'stopped',
          clockStartedAt: null,
          warnAt: null,
          dueAt: null,
          escalateAt: null,
        });
        const { rows } = await t.sql.query(
          'SELECT outcome, closed_at, answered_by FROM reply_cycles WHERE case_id = $1',
          [caseId],
        );
        expect(rows).toEqual([
          { outcome: 'answered', closed_at: new Date('2026-03-04T19:00:00Z'), answered_by: reply.body.id },
        ]);
      }

      // Step: opens a fresh cycle with the buyer's next message.
      {
        t.clock.set('2026-03-05T23:00:00Z'); // Thu 15:00 PST
        await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(buyer))
          .send({ body: 'And a 16-inch one?' })
          .expect(201);
        const view = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
        expect(view.body.status).toBe('awaiting_seller');
        // Thu 15:00 PST + 1, 2, 3 business days: Fri, Mon (after DST began: PDT), Tue.
        expect(view.body.sla).toEqual({
          state: 'on_track',
          clockStartedAt: '2026-03-05T23:00:00.000Z',
          warnAt: '2026-03-06T23:00:00.000Z',
          dueAt: '2026-03-09T22:00:00.000Z',
          escalateAt: '2026-03-10T22:00:00.000Z',
        });
      }

      // Step: lets the seller mark "no response needed", ending the cycle without a reply.
      {
        const marked = await t.http
          .post(`/cases/${caseId}/no-response-needed`)
          .set('Authorization', as(seller))
          .expect(200);
        expect(marked.body).toMatchObject({ status: 'awaiting_buyer', sla: { state: 'stopped' } });
        const { rows } = await t.sql.query('SELECT seq, outcome FROM reply_cycles WHERE case_id = $1 ORDER BY seq', [
          caseId,
        ]);
        expect(rows).toEqual([
          { seq: 1, outcome: 'answered' },
          { seq: 2, outcome: 'no_response_needed' },
        ]);
        const again = await t.http
          .post(`/cases/${caseId}/no-response-needed`)
          .set('Authorization', as(seller))
          .expect(409);
        expect(again.body).toMatchObject({ status: 409, currentState: 'awaiting_buyer' });
      }

      // Step: resolves, refuses replies while resolved, reopens with a new cycle, and closes after 30 days of silence.
      {
        await t.http.post(`/cases/${caseId}/resolve`).set('Authorization', as(buyer)).expect(200);
        const refused = await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(seller))
          .send({ body: 'Thanks!' })
          .expect(409);
        expect(refused.headers['content-type']).toMatch(problemJson);
        expect(refused.body).toMatchObject({
          status: 409,
          currentState: 'resolved',
          detail: 'Cannot reply to a case that is resolved',
        });
        await t.http.post(`/cases/${caseId}/resolve`).set('Authorization', as(buyer)).expect(409);

        t.clock.set('2026-03-06T18:00:00Z');
        const reopened = await t.http.post(`/cases/${caseId}/reopen`).set('Authorization', as(buyer)).expect(200);
        expect(reopened.body).toMatchObject({
          status: 'awaiting_seller',
          sla: { state: 'on_track', clockStartedAt: '2026-03-06T18:00:00.000Z', dueAt: '2026-03-10T17:00:00.000Z' },
        });
        await t.http.post(`/cases/${caseId}/reopen`).set('Authorization', as(buyer)).expect(409);

        await t.http.post(`/cases/${caseId}/resolve`).set('Authorization', as(buyer)).expect(200);
        t.clock.set('2026-04-06T18:00:01Z'); // 31 days later
        const late = await t.http.post(`/cases/${caseId}/reopen`).set('Authorization', as(buyer)).expect(409);
        expect(late.body.detail).toMatch(/within 30 days/);

        const job = await t.http
          .post('/admin/jobs/close-resolved-cases/run')
          .set('Authorization', as(admin))
          .expect(200);
        expect(job.body).toEqual({ job: 'close-resolved-cases', closed: 1 });
        const closed = await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer)).expect(200);
        expect(closed.body.status).toBe('closed');
        await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(buyer))
          .send({ body: 'Hello?' })
          .expect(409);
        await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(seller))
          .send({ body: 'Hello?' })
          .expect(409);
        await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(agent))
          .send({ body: 'Hello?' })
          .expect(409);
        await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(agent))
          .send({ body: 'Closed after the reopen window.', internal: true })
          .expect(201);
        await t.http.post(`/cases/${caseId}/reopen`).set('Authorization', as(buyer)).expect(409);
        await t.http.post(`/cases/${caseId}/resolve`).set('Authorization', as(buyer)).expect(409);
        await t.http.post(`/cases/${caseId}/no-response-needed`).set('Authorization', as(seller)).expect(409);
        expect(
          (await t.http.post('/admin/jobs/close-resolved-cases/run').set('Authorization', as(admin))).body.closed,
        ).toBe(0);
      }

      // Step: keeps every change on the timeline, internal events for support only.
      {
        const forBuyer = await t.http.get(`/cases/${caseId}/timeline`).set('Authorization', as(buyer)).expect(200);
        expect(forBuyer.body.map((e: { type: string }) => e.type)).toEqual([
          'case_opened',
          'message_posted',
          'reply_cycle_opened',
          'message_posted',
          'message_posted',
          'reply_cycle_closed',
          'status_changed',
          'message_posted',
          'reply_cycle_opened',
          'status_changed',
          'reply_cycle_closed',
          'no_response_needed',
          'case_resolved',
          'reply_cycle_opened',
          'case_reopened',
          'reply_cycle_closed',
          'case_resolved',
          'case_closed',
        ]);
        expect(forBuyer.body[0]).toEqual({
          type: 'case_opened',
          actorId: buyer.id,
          actorRole: 'buyer',
          at: '2026-03-02T18:00:00.000Z',
          data: { topic: 'question', orderId: null, listingRef: 'listing-84512' },
        });
        expect(forBuyer.body[5]).toMatchObject({
          type: 'reply_cycle_closed',
          actorRole: 'system',
          data: { outcome: 'answered', onTime: false },
        });
        const forAgent = await t.http.get(`/cases/${caseId}/timeline`).set('Authorization', as(agent)).expect(200);
        expect(forAgent.body.map((e: { type: string }) => e.type)).toContain('internal_note_added');
        await expect(t.sql.query(`UPDATE case_events SET type = 'x' WHERE case_id = $1`, [caseId])).rejects.toThrow(
          /append-only/,
        );
        await expect(t.sql.query(`DELETE FROM case_events WHERE case_id = $1`, [caseId])).rejects.toThrow(
          /append-only/,
        );
      }
    });
  });

  describe('deadlines on other calendars', () => {
    it('Europe/Berlin (DE-BY): a question on the Thursday before Easter skips Good Friday, the weekend and Easter Monday', async () => {
      t.clock.set('2026-04-02T16:00:00Z'); // Thu 18:00 CEST
      const opened = await open(buyer, question(berlinSeller.id));
      expect(opened.sla).toEqual({
        state: 'on_track',
        clockStartedAt: '2026-04-02T16:00:00.000Z',
        warnAt: '2026-04-07T16:00:00.000Z',
        dueAt: '2026-04-08T16:00:00.000Z',
        escalateAt: '2026-04-09T16:00:00.000Z',
      });
      const sla = await t.http.get(`/cases/${opened.id}/sla`).set('Authorization', as(berlinSeller)).expect(200);
      expect(sla.body.basis).toEqual({
        calendarId: expect.any(String),
        calendarVersion: 1,
        timeZone: 'Europe/Berlin',
        policyVersion: 1,
        openedAt: '2026-04-02T16:00:00.000Z',
      });
      expect(sla.body.explanation.segments).toEqual([
        { from: '2026-04-02T16:00:00.000Z', to: '2026-04-02T22:00:00.000Z', counted: true },
        {
          from: '2026-04-02T22:00:00.000Z',
          to: '2026-04-03T22:00:00.000Z',
          counted: false,
          reason: 'holiday',
          name: 'Good Friday',
        },
        { from: '2026-04-03T22:00:00.000Z', to: '2026-04-05T22:00:00.000Z', counted: false, reason: 'weekend' },
        {
          from: '2026-04-05T22:00:00.000Z',
          to: '2026-04-06T22:00:00.000Z',
          counted: false,
          reason: 'holiday',
          name: 'Easter Monday',
        },
        { from: '2026-04-06T22:00:00.000Z', to: '2026-04-09T16:00:00.000Z', counted: true },
      ]);
    });

    it('America/Los_Angeles (US-CA): a question on a Friday evening before a Monday holiday', async () => {
      t.clock.set('2026-02-14T03:00:00Z'); // Fri 2026-02-13 19:00 PST; Mon 02-16 is Presidents' Day
      const opened = await open(buyer, question(seller.id));
      expect(opened.sla).toMatchObject({
        warnAt: '2026-02-18T03:00:00.000Z',
        dueAt: '2026-02-19T03:00:00.000Z',
        escalateAt: '2026-02-20T03:00:00.000Z',
      });
      const sla = await t.http.get(`/cases/${opened.id}/sla`).set('Authorization', as(buyer)).expect(200);
      expect(sla.body.explanation.segments).toContainEqual({
        from: '2026-02-16T08:00:00.000Z',
        to: '2026-02-17T08:00:00.000Z',
        counted: false,
        reason: 'holiday',
        name: "Presidents' Day",
      });
    });

    it('a question on a Saturday starts the clock at Monday 00:00', async () => {
      t.clock.set('2026-03-07T18:00:00Z');
      const opened = await open(buyer, question(seller.id));
      expect(opened.sla).toMatchObject({
        clockStartedAt: '2026-03-09T07:00:00.000Z',
        warnAt: '2026-03-10T07:00:00.000Z',
        dueAt: '2026-03-11T07:00:00.000Z',
      });
      const stopped = await t.http.get(`/cases/${opened.id}/sla`).set('Authorization', as(buyer)).expect(200);
      expect(stopped.body.explanation.segments[0]).toEqual({
        from: '2026-03-07T18:00:00.000Z',
        to: '2026-03-09T07:00:00.000Z',
        counted: false,
        reason: 'weekend',
      });
    });
  });

  describe('orders and cases about them', () => {
    // Orders are placed 2026-02-20; other tests here move the clock, sometimes before that.
    beforeEach(() => {
      t.clock.set('2026-03-02T18:00:00Z');
    });
    const order = (seller: TestUser, overrides: Record<string, unknown> = {}) => ({
      externalId: `MKT-${Math.random().toString(36).slice(2, 10)}`,
      buyerId: buyer.id,
      sellerId: seller.id,
      placedAt: '2026-02-20T12:00:00Z',
      maxDeliveryDate: '2026-03-01',
      total: { amount: 2599, currency: 'USD' },
      ...overrides,
    });

    it('upserts orders by externalId and keeps their events', async () => {
      const body = {
        externalId: 'MKT-UPSERT-1',
        buyerId: buyer.id,
        sellerId: seller.id,
        placedAt: '2026-02-20T12:00:00Z',
        maxDeliveryDate: '2026-03-01',
        total: { amount: 2599, currency: 'USD' },
      };
      const first = await t.http.post('/orders').set('Authorization', as(admin)).send(body).expect(201);
      const again = await t.http
        .post('/orders')
        .set('Authorization', as(admin))
        .send({ ...body, total: { amount: 1, currency: 'USD' } })
        .expect(200);
      expect(again.body).toEqual(first.body);
      expect(first.body).toMatchObject({
        externalId: 'MKT-UPSERT-1',
        total: { amount: 2599, currency: 'USD' },
        maxDeliveryDate: '2026-03-01',
        items: [],
        events: [],
      });
      await t.http
        .post(`/orders/${first.body.id}/events`)
        .set('Authorization', as(admin))
        .send({ type: 'shipped', at: '2026-02-21T10:00:00Z' })
        .expect(201);
      const withEvents = await t.http
        .post(`/orders/${first.body.id}/events`)
        .set('Authorization', as(admin))
        .send({ type: 'shipped', at: '2026-02-21T10:00:00Z' })
        .expect(201);
      expect(withEvents.body.events).toEqual([
        { id: expect.any(String), type: 'shipped', at: '2026-02-21T10:00:00.000Z', note: null },
      ]);
      await t.http.get(`/orders/${first.body.id}`).set('Authorization', as(buyer)).expect(200);
      await t.http.get(`/orders/${first.body.id}`).set('Authorization', as(otherBuyer)).expect(404);
      await t.http.post('/orders').set('Authorization', as(buyer)).send(body).expect(403);
    });

    it.each([
      ['buyerId', { buyerId: 'not-a-uuid' }],
      ['buyerId', { buyerId: '00000000-0000-4000-8000-000000000000' }],
      ['sellerId', { sellerId: 'BUYER' }],
      ['total.amount', { total: { amount: -5, currency: 'USD' } }],
      ['total.currency', { total: { amount: 5, currency: 'dollars' } }],
      ['maxDeliveryDate', { maxDeliveryDate: '2026-13-01' }],
      ['placedAt', { placedAt: 'yesterday' }],
      ['externalId', { externalId: '' }],
    ])('refuses an order with a bad %s', async (field, change) => {
      const body = {
        externalId: `MKT-BAD-${field}`,
        buyerId: buyer.id,
        sellerId: seller.id,
        placedAt: '2026-02-20T12:00:00Z',
        maxDeliveryDate: '2026-03-01',
        total: { amount: 2599, currency: 'USD' },
        ...change,
      };
      if ((change as { sellerId?: string }).sellerId === 'BUYER') body.sellerId = buyer.id;
      const response = await t.http.post('/orders').set('Authorization', as(admin)).send(body).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it("opens a case about the buyer's own order, and not about someone else's", async () => {
      const order = await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id);
      const opened = await open(buyer, {
        sellerId: seller.id,
        orderId: order.id,
        topic: 'item_not_received',
        subject: 'Where is my parcel?',
        body: 'It has not arrived.',
      });
      expect(opened).toMatchObject({ orderId: order.id, topic: 'item_not_received', listingRef: null });
      const foreign = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .send({ sellerId: seller.id, orderId: order.id, topic: 'item_not_received', subject: 'x', body: 'x' })
        .expect(404);
      expect(foreign.headers['content-type']).toMatch(problemJson);
      const wrongSeller = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: berlinSeller.id, orderId: order.id, topic: 'item_not_received', subject: 'x', body: 'x' })
        .expect(400);
      expect(wrongSeller.body.errors[0].field).toBe('sellerId');
    });

    it('refuses a delivery date before the order, and dates outside 2000 to a day from now', async () => {
      const seller = await createUser(t.sql, 'seller');
      const post = (body: object) => t.http.post('/orders').set('Authorization', as(admin)).send(body);
      expect((await post(order(seller, { maxDeliveryDate: '2026-02-19' })).expect(400)).body.errors[0].field).toBe(
        'maxDeliveryDate',
      );
      expect((await post(order(seller, { placedAt: '1900-01-01T00:00:00Z' })).expect(400)).body.errors[0].field).toBe(
        'placedAt',
      );
      expect(
        (await post(order(seller, { placedAt: '2099-01-01T00:00:00Z', maxDeliveryDate: '2099-01-05' })).expect(400))
          .body.errors[0].field,
      ).toBe('placedAt');
      const created = await post(order(seller)).expect(201);
      const event = (at: string) =>
        t.http.post(`/orders/${created.body.id}/events`).set('Authorization', as(admin)).send({ type: 'shipped', at });
      expect((await event('1900-01-01T00:00:00Z').expect(400)).body.errors[0].field).toBe('at');
      expect((await event('2099-01-01T00:00:00Z').expect(400)).body.errors[0].field).toBe('at');
      expect((await event('2026-02-19T00:00:00Z').expect(400)).body.errors[0].field).toBe('at');
      await event('2026-02-21T09:00:00Z').expect(201);
    });

    it('answers a re-posted externalId naming another buyer or seller with 409, and a true retry with the order', async () => {
      const seller = await createUser(t.sql, 'seller');
      const otherSeller = await createUser(t.sql, 'seller');
      const first = order(seller);
      const created = await t.http.post('/orders').set('Authorization', as(admin)).send(first).expect(201);
      const retried = await t.http.post('/orders').set('Authorization', as(admin)).send(first).expect(200);
      expect(retried.body.id).toBe(created.body.id);
      const conflict = await t.http
        .post('/orders')
        .set('Authorization', as(admin))
        .send({ ...first, sellerId: otherSeller.id })
        .expect(409);
      expect(conflict.body).toMatchObject({ status: 409, differs: ['sellerId'] });
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first case for a retry, and 409 for the same key with another body', async () => {
      const count = async () =>
        (await t.sql.query('SELECT count(*)::int AS n FROM cases WHERE buyer_id = $1', [otherBuyer.id])).rows[0].n;
      const before = await count();
      const body = question(seller.id, { subject: 'Idempotent question' });
      const first = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .set('Idempotency-Key', 'key-1')
        .send(body)
        .expect(201);
      const retry = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .set('Idempotency-Key', 'key-1')
        .send(body)
        .expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.id).toBe(first.body.id);
      const conflict = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .set('Idempotency-Key', 'key-1')
        .send({ ...body, body: 'Something else' })
        .expect(409);
      expect(conflict.headers['content-type']).toMatch(problemJson);
      expect(await count()).toBe(before + 1);
      // The same key from another buyer is another request.
      const other = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .set('Idempotency-Key', 'key-1')
        .send(body)
        .expect(201);
      expect(other.body.id).not.toBe(first.body.id);
    });

    it('creates one case for concurrent retries', async () => {
      const body = question(seller.id, { subject: 'Concurrent question' });
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http
            .post('/cases')
            .set('Authorization', as(otherBuyer))
            .set('Idempotency-Key', 'key-concurrent')
            .send(body),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(
        (await t.sql.query(`SELECT count(*)::int AS n FROM cases WHERE subject = 'Concurrent question'`)).rows[0].n,
      ).toBe(1);
      expect(
        (
          await t.sql.query(
            `SELECT count(*)::int AS n FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.subject = 'Concurrent question'`,
          )
        ).rows[0].n,
      ).toBe(1);
    });

    it('forgets a key after 24 hours, and refuses a malformed key', async () => {
      const body = question(seller.id, { subject: 'Old key' });
      t.clock.set('2026-05-04T10:00:00Z');
      const first = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .set('Idempotency-Key', 'key-old')
        .send(body)
        .expect(201);
      t.clock.set('2026-05-05T10:00:01Z');
      const later = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .set('Idempotency-Key', 'key-old')
        .send(body)
        .expect(201);
      expect(later.body.id).not.toBe(first.body.id);
      const bad = await t.http
        .post('/cases')
        .set('Authorization', as(otherBuyer))
        .set('Idempotency-Key', 'x'.repeat(201))
        .send(body)
        .expect(400);
      expect(bad.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    });
  });

  describe('content policy', () => {
    let caseId: string;
    beforeAll(async () => {
      t.clock.set('2026-03-09T17:00:00Z');
      caseId = (await open(buyer, question(seller.id, { subject: 'Content policy' }))).id;
    });

    it.each([
      ['email', 'Mail me at jane@example.com', 'Mail me at [email removed]'],
      ['link', 'Cheaper at https://elsewhere.example.org/p/1', 'Cheaper at [link removed]'],
      ['phone', 'Call +1 415 555 0132', 'Call [phone removed]'],
      ['card', 'Card 4111 1111 1111 1111 works', 'Card [card removed] works'],
      ['iban', 'IBAN DE89 3704 0044 0532 0130 00', 'IBAN [iban removed]'],
    ])(
      'masks %s for the other party, keeps it for the author and support, and records a violation',
      async (kind, body, masked) => {
        const posted = await t.http
          .post(`/cases/${caseId}/messages`)
          .set('Authorization', as(seller))
          .send({ body })
          .expect(201);
        expect(posted.body).toMatchObject({ body, masked: [kind], quarantined: false });
        const forBuyer = (await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(buyer))).body.find(
          (m: { id: string }) => m.id === posted.body.id,
        );
        expect(forBuyer).toEqual({
          id: posted.body.id,
          caseId,
          authorId: seller.id,
          authorRole: 'seller',
          body: masked,
          createdAt: expect.any(String),
          masked: [kind],
          attachments: [],
        });
        const forAgent = (await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(agent))).body.find(
          (m: { id: string }) => m.id === posted.body.id,
        );
        expect(forAgent).toMatchObject({
          body,
          visibleBody: masked,
          masked: [kind],
          quarantined: false,
          internal: false,
        });
        const { rows } = await t.sql.query('SELECT user_id, kinds FROM content_violations WHERE message_id = $1', [
          posted.body.id,
        ]);
        expect(rows).toEqual([{ user_id: seller.id, kinds: [kind] }]);
      },
    );

    it('quarantines a request for credentials: the recipient never sees it, support gets a review, the cycle stays open', async () => {
      await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(buyer))
        .send({ body: 'Is it in stock?' })
        .expect(201);
      const before = (await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer))).body;
      const cycle = before.sla;
      expect(before.status).toBe('awaiting_seller');
      expect(cycle.state).toBe('on_track');
      const posted = await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(seller))
        .send({ body: 'Please send me your password so I can check your account.' })
        .expect(201);
      expect(posted.body).toMatchObject({ quarantined: true, masked: [] });
      const forBuyer = await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(buyer)).expect(200);
      expect(forBuyer.body.map((m: { id: string }) => m.id)).not.toContain(posted.body.id);
      const forSeller = await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(seller)).expect(200);
      expect(forSeller.body.find((m: { id: string }) => m.id === posted.body.id)).toMatchObject({ quarantined: true });
      const after = (await t.http.get(`/cases/${caseId}`).set('Authorization', as(buyer))).body;
      expect(after.sla).toEqual(cycle);
      expect(after.status).toBe(before.status);
      const { rows } = await t.sql.query(
        'SELECT reason, priority, status, message_id, due_at FROM escalations WHERE case_id = $1',
        [caseId],
      );
      // Support's deadline: 1 business day on the marketplace calendar (Los Angeles): Mon 2026-03-09 10:00 PDT → Tue 10:00.
      expect(rows).toEqual([
        {
          reason: 'quarantined_message',
          priority: 'high',
          status: 'open',
          message_id: posted.body.id,
          due_at: new Date('2026-03-10T17:00:00Z'),
        },
      ]);
      const violation = await t.sql.query('SELECT kinds FROM content_violations WHERE message_id = $1', [
        posted.body.id,
      ]);
      expect(violation.rows).toEqual([{ kinds: ['credentials_request'] }]);
      const timeline = await t.http.get(`/cases/${caseId}/timeline`).set('Authorization', as(buyer)).expect(200);
      expect(timeline.body.map((e: { type: string }) => e.type)).not.toContain('message_quarantined');
    });

    it('does not apply the policy to support, and keeps internal notes from buyers and sellers', async () => {
      const note = await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(agent))
        .send({ body: 'Seller asked for a password, see https://wiki.example/phishing', internal: true })
        .expect(201);
      expect(note.body).toMatchObject({ masked: [], internal: true });
      for (const party of [buyer, seller]) {
        const messages = await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(party)).expect(200);
        expect(messages.body.map((m: { id: string }) => m.id)).not.toContain(note.body.id);
        expect(JSON.stringify(messages.body)).not.toContain('wiki.example');
        const timeline = await t.http.get(`/cases/${caseId}/timeline`).set('Authorization', as(party)).expect(200);
        expect(JSON.stringify(timeline.body)).not.toContain(note.body.id);
      }
      await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(buyer))
        .send({ body: 'secret', internal: true })
        .expect(403);
      await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(seller))
        .send({ body: 'secret', internal: true })
        .expect(403);
    });

    it('masks contact details in a case subject for the seller and its email; the buyer and support see it as written', async () => {
      const subject = 'mail bob@example.com or 415-555-0123';
      const opened = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject, body: 'Hello' })
        .expect(201);
      expect(opened.body.subject).toBe(subject);
      const openedId = opened.body.id as string;
      const forSeller = await t.http.get(`/cases/${openedId}`).set('Authorization', as(seller)).expect(200);
      expect(forSeller.body.subject).toBe('mail [email removed] or [phone removed]');
      expect((await t.http.get(`/cases/${openedId}`).set('Authorization', as(agent)).expect(200)).body.subject).toBe(
        subject,
      );
      const sellerList = await t.http.get('/cases').set('Authorization', as(seller)).expect(200);
      expect(JSON.stringify(sellerList.body)).not.toContain('bob@example.com');
      const [stored] = (await t.sql.query('SELECT subject FROM cases WHERE id = $1', [openedId])).rows;
      expect(stored.subject).not.toContain('bob@example.com');
      const [violation] = (await t.sql.query('SELECT kinds FROM content_violations WHERE case_id = $1', [openedId]))
        .rows;
      expect(violation.kinds).toEqual(expect.arrayContaining(['email', 'phone']));
    });

    it('quarantines the opening message when the subject asks for credentials', async () => {
      const openedId = await openCase(t, buyer, seller.id, { subject: 'Send me your password please', body: 'Hello' });
      const [message] = (await t.sql.query('SELECT quarantined FROM messages WHERE case_id = $1', [openedId])).rows;
      expect(message.quarantined).toBe(true);
      expect((await t.sql.query(`SELECT reason FROM escalations WHERE case_id = $1`, [openedId])).rows).toEqual([
        { reason: 'quarantined_message' },
      ]);
    });

    it('masks obfuscated contact details in messages and strips bidi overrides from what others read', async () => {
      const openedId = await openCase(t, buyer, seller.id, { subject: 'Hi', body: 'Hello' });
      await t.http
        .post(`/cases/${openedId}/messages`)
        .set('Authorization', as(seller))
        .send({ body: 'write bob [at] example [dot] com \u202Eok' })
        .expect(201);
      const forBuyer = await t.http.get(`/cases/${openedId}/messages`).set('Authorization', as(buyer)).expect(200);
      expect(forBuyer.body[1].body).toBe('write [email removed] ok');
      const forAgent = await t.http.get(`/cases/${openedId}/messages`).set('Authorization', as(agent)).expect(200);
      expect(forAgent.body[1].body).toContain('bob [at] example [dot] com');
    });

    it('stores a message of 10,000 ligatures that each read as 18 characters', async () => {
      const caseId = await openCase(t, buyer, seller.id, { subject: 'Hi', body: 'Hello' });
      const response = await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(buyer))
        .send({ body: '\uFDFA'.repeat(10_000) })
        .expect(201);
      expect(response.body.body).toHaveLength(10_000);
    });
  });

  describe('invisible and direction-changing characters in a listing reference', () => {
    it('drops them from a listing reference the seller reads', async () => {
      const caseId = await openCase(t, buyer, seller.id, { listingRef: '\u2066listing-\u202E4851\u200B2\u061C\u2069' });
      const [stored] = (await t.sql.query('SELECT listing_ref FROM cases WHERE id = $1', [caseId])).rows;
      expect(stored.listing_ref).toBe('listing-48512');
      const forSeller = await t.http.get(`/cases/${caseId}`).set('Authorization', as(seller)).expect(200);
      expect(forSeller.body.listingRef).toBe('listing-48512');
    });

    it('refuses a listing reference of nothing but them', async () => {
      const response = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: '\u200B\u202E', topic: 'question', subject: 'Hi', body: 'Hello' })
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['listingRef']);
    });
  });

  describe('malformed input', () => {
    it.each([
      ['subject', { subject: 'x'.repeat(201) }],
      ['subject', { subject: '   ' }],
      ['subject', { subject: 'two\nlines' }],
      ['body', { body: 'x'.repeat(10_001) }],
      ['body', { body: ' \n\t ' }],
      ['body', { body: 42 }],
      ['topic', { topic: 'complaint' }],
      ['sellerId', { sellerId: 'seller-1' }],
      ['sellerId', { sellerId: '00000000-0000-4000-8000-000000000000' }],
      ['orderId', { listingRef: undefined }],
      ['orderId', { topic: 'damaged_or_defective' }],
      ['orderId', { orderId: 'order-1' }],
      ['listingRef', { listingRef: 'x'.repeat(201) }],
    ])('POST /cases with a bad %s → 400, nothing stored', async (field, change) => {
      const before = (await t.sql.query('SELECT count(*)::int AS n FROM cases')).rows[0].n;
      const response = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ ...question(seller.id), ...change })
        .expect(400);
      expect(response.headers['content-type']).toMatch(problemJson);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await t.sql.query('SELECT count(*)::int AS n FROM cases')).rows[0].n).toBe(before);
    });

    it('POST /cases/:id/messages with a bad body → 400, nothing stored', async () => {
      const opened = await open(buyer, question(seller.id, { subject: 'Malformed messages' }));
      for (const body of [
        { body: '' },
        { body: '   ' },
        { body: 'x'.repeat(10_001) },
        {},
        { body: 'ok', internal: 'yes' },
      ]) {
        const response = await t.http
          .post(`/cases/${opened.id}/messages`)
          .set('Authorization', as(buyer))
          .send(body)
          .expect(400);
        expect(response.body.errors.length).toBeGreaterThan(0);
      }
      expect(
        (await t.sql.query('SELECT count(*)::int AS n FROM messages WHERE case_id = $1', [opened.id])).rows[0].n,
      ).toBe(1);
    });

    it('GET /cases with bad filters → 400 naming them', async () => {
      for (const [field, query] of [
        ['limit', { limit: 101 }],
        ['limit', { limit: 0 }],
        ['status', { status: 'open' }],
        ['slaState', { slaState: 'overdue' }],
        ['cursor', { cursor: 'garbage' }],
      ] as const) {
        const response = await t.http.get('/cases').query(query).set('Authorization', as(buyer)).expect(400);
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });
  });
});
