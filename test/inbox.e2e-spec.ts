import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { parseSearch, SEARCH_LIMITS } from '../src/inbox/inbox.queries.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createOrder, createUser, openCase, TestUser } from './support/factories.js';

const DAY = 86_400_000;

/**
 * The Message Center through HTTP: what lands where for whom, filters,
 * full-text search, counts that stay exact, bulk actions, Trash.
 */
describe('the Message Center', () => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const inbox = async (user: TestUser, query: Record<string, string | number | boolean> = {}) =>
    (await t.http.get('/inbox').query(query).set('Authorization', as(user)).expect(200)).body as {
      items: InboxItemView[];
      nextCursor: string | null;
    };
  const counts = async (user: TestUser) =>
    (await t.http.get('/inbox/counts').set('Authorization', as(user)).expect(200)).body;
  /** The counts as they would be if counted over the items, to compare with the counters. */
  const truth = async (user: TestUser) => {
    const rows = (
      await t.sql.query(
        `SELECT category, count(*) FILTER (WHERE read_at IS NULL AND deleted_at IS NULL)::int AS unread, count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS trash
           FROM inbox_items WHERE user_id = $1 AND hidden_at IS NULL GROUP BY category`,
        [user.id],
      )
    ).rows as { category: string; unread: number; trash: number }[];
    const unread = Object.fromEntries(
      ['order_updates', 'seller_messages', 'buyer_messages', 'customer_service', 'promotions', 'notices'].map((c) => [
        c,
        rows.find((r) => r.category === c)?.unread ?? 0,
      ]),
    );
    return {
      unread: { ...unread, total: rows.reduce((sum, r) => sum + r.unread, 0) },
      trash: rows.reduce((sum, r) => sum + r.trash, 0),
    };
  };
  const bulk = (user: TestUser, action: string, body: object) =>
    t.http.post(`/inbox/${action}`).set('Authorization', as(user)).send(body);
  const search = (user: TestUser, q: string) => t.http.get('/inbox').query({ q }).set('Authorization', as(user));
  const said = async (buyer: TestUser, seller: TestUser, bodies: string[]) => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    for (const body of bodies) {
      t.clock.advance(1000);
      await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body }).expect(201);
    }
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    admin = await createUser(t.sql, 'admin');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.clock.set('2026-03-02T18:00:00Z');
  });

  it('each source lands in the right category for the right people, and nobody gets their own message', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    await t.sql.query(`UPDATE users SET display_name = 'Ana Buyer' WHERE id = $1`, [buyer.id]);
    await t.sql.query(`UPDATE users SET display_name = 'Bolt Gadgets' WHERE id = $1`, [seller.id]);
    const { orderId, caseId } = await orderWithCase(t, admin, buyer, seller);
    const sellerItems = (await inbox(seller)).items;
    expect(sellerItems).toEqual([
      expect.objectContaining({
        category: 'buyer_messages',
        sender: { kind: 'buyer', id: buyer.id, name: 'Ana Buyer', verified: false },
        subject: 'It arrived broken',
        snippet: 'The screen is cracked.',
        caseId,
        orderId,
        readAt: null,
        deletedAt: null,
      }),
    ]);
    expect((await inbox(buyer)).items).toEqual([]); // the buyer's own message is not an item for the buyer

    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'So sorry! Call me on (415) 555-0132.' })
      .expect(201);
    const [reply] = (await inbox(buyer)).items;
    expect(reply).toMatchObject({
      category: 'seller_messages',
      sender: { kind: 'seller', id: seller.id, name: 'Bolt Gadgets', verified: false },
      snippet: 'So sorry! Call me on [phone removed].',
    });

    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(agent))
      .send({ body: 'Support here: we are looking into it.' })
      .expect(201);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(agent))
      .send({ body: 'Internal: seller has a history.', internal: true })
      .expect(201);
    for (const user of [buyer, seller]) {
      const support = (await inbox(user, { category: 'customer_service' })).items;
      expect(support).toEqual([
        expect.objectContaining({
          sender: { kind: 'support', name: 'Customer service', verified: true },
          snippet: 'Support here: we are looking into it.',
        }),
      ]);
    }

    await t.http
      .post(`/orders/${orderId}/events`)
      .set('Authorization', as(admin))
      .send({ type: 'shipped', at: '2026-03-02T17:00:00Z' })
      .expect(201);
    await t.http
      .post(`/orders/${orderId}/events`)
      .set('Authorization', as(admin))
      .send({ type: 'shipped', at: '2026-03-02T17:00:00Z' })
      .expect(201); // the same event again: one item
    const updates = (await inbox(buyer, { category: 'order_updates' })).items;
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ sender: { kind: 'marketplace', name: 'Marketplace', verified: true }, orderId });
    expect(updates[0].subject).toMatch(/^Your order MKT-.+ has shipped$/);
    expect((await inbox(seller, { category: 'order_updates' })).items).toEqual([]);

    // The reply window: at risk and late to the seller's notices, late and escalated to the buyer's customer service.
    const { caseId: quiet } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(4 * DAY);
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
    const notices = (await inbox(seller, { category: 'notices', caseId: quiet })).items.map((item) => item.subject);
    expect(notices.sort()).toEqual([
      'Reply soon: “It arrived broken” has waited 1 business day',
      'Your reply is late: “It arrived broken”',
    ]);
    expect(
      (await inbox(buyer, { caseId: quiet, category: 'customer_service' })).items.map((item) => item.subject).sort(),
    ).toEqual(['Support is now handling “It arrived broken”', 'The seller has not replied yet: “It arrived broken”']);

    // Escalations assigned to an agent land in the agent's customer service.
    const [{ id: escalationId }] = (await t.sql.query(`SELECT id FROM escalations WHERE case_id = $1`, [quiet])).rows;
    await t.http.post(`/escalations/${escalationId}/assign`).set('Authorization', as(agent)).send({}).expect(200);
    expect((await inbox(agent, { caseId: quiet })).items).toEqual([
      expect.objectContaining({
        category: 'customer_service',
        subject: 'An escalation was assigned to you: “It arrived broken”',
      }),
    ]);

    // Claim steps, and broadcasts in the category chosen.
    const claim = await fileClaim(t, buyer, orderId);
    expect((await inbox(buyer, { orderId })).items.find((item) => item.claimId === claim.id)).toMatchObject({
      category: 'customer_service',
      subject: 'Your claim was filed',
    });
    expect((await inbox(seller, { orderId })).items.find((item) => item.claimId === claim.id)).toMatchObject({
      subject: 'A buyer filed a claim: please respond',
    });
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject: 'Spring sale', body: '20 % off everything', audience: 'buyers' })
      .expect(201);
    expect((await inbox(buyer, { category: 'promotions' })).items).toEqual([
      expect.objectContaining({
        subject: 'Spring sale',
        sender: { kind: 'marketplace', name: 'Marketplace', verified: true },
      }),
    ]);
    expect((await inbox(seller, { category: 'promotions' })).items).toEqual([]);
    expect(await counts(buyer)).toEqual(await truth(buyer));
    expect(await counts(seller)).toEqual(await truth(seller));
  });

  it('filters and their combinations; keyset pages; the item with its body; others’ items are not found', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const other = await createUser(t.sql, 'seller');
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60_000);
      await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(seller))
        .send({ body: `Reply number ${i}` })
        .expect(201);
    }
    t.clock.advance(60_000);
    const order2 = await createOrder(t.http, t.tokenFor(admin), buyer.id, other.id);
    await t.http
      .post(`/orders/${order2.id}/events`)
      .set('Authorization', as(admin))
      .send({ type: 'delivered', at: '2026-03-02T12:00:00Z' })
      .expect(201);
    const all = await inbox(buyer);
    expect(all.items.map((item) => item.snippet)).toEqual([
      expect.stringMatching(/delivered/),
      'Reply number 4',
      'Reply number 3',
      'Reply number 2',
      'Reply number 1',
      'Reply number 0',
    ]);
    expect((await inbox(buyer, { sender: seller.id })).items).toHaveLength(5);
    expect((await inbox(buyer, { sender: 'marketplace' })).items).toHaveLength(1);
    expect((await inbox(buyer, { orderId: order2.id })).items).toHaveLength(1);
    expect((await inbox(buyer, { caseId, category: 'seller_messages' })).items).toHaveLength(5);
    expect((await inbox(buyer, { caseId, category: 'order_updates' })).items).toHaveLength(0);
    expect(
      (await inbox(buyer, { from: '2026-03-02T18:02:00Z', to: '2026-03-02T18:04:00Z' })).items.map(
        (item) => item.snippet,
      ),
    ).toEqual(['Reply number 2', 'Reply number 1']);
    const combined = {
      from: '2026-03-02T18:02:00Z',
      to: '2026-03-02T18:04:00Z',
      q: 'number',
      sender: seller.id,
      unread: true,
      category: 'seller_messages',
    };
    expect((await inbox(buyer, combined)).items).toHaveLength(2);

    const first = await inbox(buyer, { limit: 2 });
    const second = await inbox(buyer, { limit: 2, cursor: first.nextCursor! });
    const third = await inbox(buyer, { limit: 2, cursor: second.nextCursor! });
    expect([...first.items, ...second.items, ...third.items].map((item) => item.id)).toEqual(
      all.items.map((item) => item.id),
    );
    expect(third.nextCursor).toBeNull();

    await bulk(buyer, 'read', { ids: [all.items[0].id, all.items[1].id] }).expect(200);
    expect((await inbox(buyer, { unread: true })).items).toHaveLength(4);
    expect((await inbox(buyer, { unread: false })).items).toHaveLength(2);
    expect((await inbox(buyer, { unread: true, sender: seller.id, caseId })).items).toHaveLength(4);

    const item = (await t.http.get(`/inbox/${all.items[1].id}`).set('Authorization', as(buyer)).expect(200)).body;
    expect(item).toMatchObject({ id: all.items[1].id, body: 'Reply number 4', seq: expect.any(Number) });
    await t.http.get(`/inbox/${all.items[1].id}`).set('Authorization', as(seller)).expect(404);
    await t.http.get('/inbox/not-a-uuid').set('Authorization', as(buyer)).expect(404);

    for (const [query, field] of [
      [{ category: 'spam' }, 'category'],
      [{ unread: 'maybe' }, 'unread'],
      [{ sender: 'bob' }, 'sender'],
      [{ from: 'yesterday' }, 'from'],
      [{ in: 'archive' }, 'in'],
      [{ caseId: 'x' }, 'caseId'],
      [{ limit: 101 }, 'limit'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const response = await t.http.get('/inbox').query(query).set('Authorization', as(buyer)).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('search: words, "phrases", -exclusions, or, accents either way; any string gives a page, never a 500', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    const say = async (body: string) => {
      t.clock.advance(1000);
      await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body }).expect(201);
    };
    await say('The blue kettle ships tomorrow from Lyon.');
    await say('Your café grinder is back in stock.');
    await say('The red kettle is discontinued, sorry.');
    await say('Tracking number for the parcel is on its way.');
    const search = async (q: string) =>
      (await inbox(buyer, { q })).items.map((item) => item.snippet.replace(/[«»]/g, ''));
    expect((await search('kettle')).length).toBe(2);
    expect(await search('"blue kettle"')).toEqual([expect.stringContaining('blue kettle')]);
    expect(await search('"kettle blue"')).toEqual([]);
    expect(await search('kettle -red')).toEqual([expect.stringContaining('blue kettle')]);
    expect((await search('grinder or parcel')).length).toBe(2);
    expect(await search('cafe')).toEqual([expect.stringContaining('café grinder')]);
    expect(await search('CAFÉ')).toEqual([expect.stringContaining('café grinder')]);
    expect(await search('lyon')).toEqual([expect.stringContaining('Lyon')]);
    expect((await inbox(buyer, { q: 'kettle' })).items[0].snippet).toMatch(/«kettle»/);
    // The sender's name and the subject are searched too.
    await t.sql.query(`UPDATE users SET display_name = 'Zanzibar Traders' WHERE id = $1`, [seller.id]);
    await say('Another note.');
    expect(await search('zanzibar')).toEqual(['Another note.']);
    expect((await search('broken')).length).toBeGreaterThan(0); // the case's subject
    for (const q of [
      "'; DROP TABLE inbox_items; --",
      'kettle & | ! ( ) :* <->',
      '"unbalanced quote',
      'the a of',
      '-',
      '""',
      'x'.repeat(256),
      '🙂 kettle 🫖',
      'or or or',
      '\\',
      '%_%',
    ]) {
      const response = await t.http.get('/inbox').query({ q }).set('Authorization', as(buyer));
      expect({ q: q.slice(0, 30), status: response.status }).toEqual({ q: q.slice(0, 30), status: 200 });
    }
    expect((await inbox(buyer, { q: '🙂 kettle 🫖' })).items.length).toBe(2);
  });

  it('counts stay exact with 20 writers at once and bulk actions racing them', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const sellers = await Promise.all(Array.from({ length: 20 }, () => createUser(t.sql, 'seller')));
    const cases: string[] = [];
    for (const seller of sellers) {
      const opened = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hello', body: 'Is it in stock?' })
        .expect(201);
      cases.push(opened.body.id);
    }
    await Promise.all(
      sellers.map((seller, i) =>
        t.http
          .post(`/cases/${cases[i]}/messages`)
          .set('Authorization', as(seller))
          .send({ body: `Yes, ${i}` })
          .expect(201),
      ),
    );
    expect((await counts(buyer)).unread.seller_messages).toBe(20);
    const ids = (await inbox(buyer, { limit: 100 })).items.map((item) => item.id);
    // Bulk actions and 20 more deliveries, all at once.
    await Promise.all([
      ...sellers.map((seller, i) =>
        t.http
          .post(`/cases/${cases[i]}/messages`)
          .set('Authorization', as(seller))
          .send({ body: `Also ${i}` })
          .expect(201),
      ),
      bulk(buyer, 'read', { ids: ids.slice(0, 10) }).expect(200),
      bulk(buyer, 'delete', { ids: ids.slice(5, 15) }).expect(200),
      bulk(buyer, 'read', { filter: { q: 'yes' } }).expect(200),
      bulk(buyer, 'unread', { ids: ids.slice(0, 3) }).expect(200),
    ]);
    const after = await counts(buyer);
    expect(after).toEqual(await truth(buyer));
    expect(after.trash).toBe(10);
    expect((await inbox(buyer, { limit: 100 })).items).toHaveLength(30);
  });

  it('bulk: by ids (others’ ids are not found and never touched) or by filter; Trash restores; 30 days later the purge', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    for (let i = 0; i < 4; i++)
      await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', as(seller))
        .send({ body: `Update ${i}` })
        .expect(201);
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject: 'Sale', body: 'Cheap', audience: 'buyers' })
      .expect(201);
    const mine = (await inbox(buyer)).items.filter((item) => item.category === 'seller_messages');
    const theirs = (await inbox(seller)).items[0];
    const result = await bulk(buyer, 'read', {
      ids: [mine[0].id, theirs.id, '00000000-0000-4000-8000-000000000000'],
    }).expect(200);
    expect(result.body).toEqual({ updated: 1, notFound: [theirs.id, '00000000-0000-4000-8000-000000000000'] });
    expect(
      (await t.sql.query(`SELECT read_at FROM inbox_items WHERE id = $1`, [theirs.id])).rows[0].read_at,
    ).toBeNull();
    expect((await bulk(buyer, 'read', { ids: [mine[0].id] }).expect(200)).body).toEqual({ updated: 0, notFound: [] }); // already read

    // Everything from the seller to Trash, by filter; the promotion stays.
    expect((await bulk(buyer, 'delete', { filter: { sender: seller.id } }).expect(200)).body.updated).toBe(4);
    expect((await inbox(buyer)).items.map((item) => item.subject)).toEqual(['Sale']);
    expect((await inbox(buyer, { in: 'trash' })).items).toHaveLength(4);
    expect(await counts(buyer)).toMatchObject({ trash: 4, unread: { seller_messages: 0, promotions: 1, total: 1 } });
    // The case and its messages stay for the seller and for support.
    expect(
      (await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(seller)).expect(200)).body,
    ).toHaveLength(5);
    expect(
      (await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(agent)).expect(200)).body,
    ).toHaveLength(5);

    const trashed = (await inbox(buyer, { in: 'trash' })).items;
    await bulk(buyer, 'restore', { ids: [trashed.find((item) => item.readAt === null)!.id] }).expect(200);
    expect(await counts(buyer)).toMatchObject({ trash: 3, unread: { seller_messages: 1 } });
    await bulk(buyer, 'restore', { filter: { q: 'update' } }).expect(200); // a filter restores from Trash
    expect(await counts(buyer)).toMatchObject({ trash: 0, unread: { seller_messages: 3 } }); // one of the four was read before

    await bulk(buyer, 'delete', { filter: { category: 'promotions' } }).expect(200);
    t.clock.advance(30 * DAY - 1000);
    expect(
      (await t.http.post('/admin/jobs/inbox-purge/run').set('Authorization', as(admin)).expect(200)).body,
    ).toMatchObject({ purged: 0 });
    t.clock.advance(2000);
    const purged = (await t.http.post('/admin/jobs/inbox-purge/run').set('Authorization', as(admin)).expect(200)).body
      .purged;
    expect(purged).toBeGreaterThanOrEqual(1);
    expect((await inbox(buyer, { in: 'trash' })).items).toEqual([]);
    expect(await counts(buyer)).toEqual(await truth(buyer));

    for (const body of [
      {},
      { ids: [] },
      { ids: ['x'] },
      { ids: [mine[0].id], filter: {} },
      { filter: { category: 'spam' } },
      { filter: 'all' },
    ]) {
      await bulk(buyer, 'delete', body).expect(400);
    }
  });

  it('phishing reports: hidden for the reporter at once; support confirms (quarantined, a violation of the sender) or dismisses (the item comes back)', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(1000);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Your account is locked, verify it at our help page' })
      .expect(201);
    t.clock.advance(1000);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Your parcel left the warehouse.' })
      .expect(201);
    const [fine, suspicious] = (await inbox(buyer)).items;
    expect(suspicious.snippet).toMatch(/verify/);
    const before = await counts(buyer);

    await t.http.post(`/inbox/${suspicious.id}/report`).set('Authorization', as(seller)).send({}).expect(404); // not the seller's item
    const report = await t.http
      .post(`/inbox/${suspicious.id}/report`)
      .set('Authorization', as(buyer))
      .send({ reason: 'Asks me to verify my account' })
      .expect(202);
    expect(report.body).toMatchObject({
      itemId: suspicious.id,
      reporterId: buyer.id,
      senderId: seller.id,
      status: 'open',
      reason: 'Asks me to verify my account',
    });
    expect((await inbox(buyer)).items.map((item) => item.id)).toEqual([fine.id]);
    expect((await counts(buyer)).unread.total).toBe(before.unread.total - 1);
    await t.http.get(`/inbox/${suspicious.id}`).set('Authorization', as(buyer)).expect(404);
    await t.http.post(`/inbox/${suspicious.id}/report`).set('Authorization', as(buyer)).send({}).expect(404); // once

    const queue = (await t.http.get('/escalations?reason=phishing_report').set('Authorization', as(agent)).expect(200))
      .body.items;
    const escalation = queue.find((item: { reportId: string }) => item.reportId === report.body.id);
    expect(escalation).toMatchObject({ reason: 'phishing_report', priority: 'high', caseId });
    await t.http
      .post(`/escalations/${escalation.id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'answered_by_support' })
      .expect(409);
    await t.http.get('/reports').set('Authorization', as(buyer)).expect(403);
    await t.http.post(`/reports/${report.body.id}/confirm`).set('Authorization', as(buyer)).send({}).expect(404);
    const open = (await t.http.get('/reports').set('Authorization', as(agent)).expect(200)).body;
    expect(open.find((r: { id: string }) => r.id === report.body.id)).toMatchObject({
      body: 'Your account is locked, verify it at our help page',
    });

    const confirmed = await t.http
      .post(`/reports/${report.body.id}/confirm`)
      .set('Authorization', as(agent))
      .send({ note: 'Classic account-verification phish' })
      .expect(200);
    expect(confirmed.body.status).toBe('confirmed');
    await t.http.post(`/reports/${report.body.id}/dismiss`).set('Authorization', as(agent)).send({}).expect(409);
    // The message is quarantined: the buyer no longer sees it on the case; it is a violation of the seller; the escalation is resolved.
    const visible = (
      await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(buyer)).expect(200)
    ).body.map((m: { body: string }) => m.body);
    expect(visible).not.toContain('Your account is locked, verify it at our help page');
    expect(visible).toContain('Your parcel left the warehouse.');
    expect((await t.sql.query(`SELECT kinds FROM content_violations WHERE user_id = $1`, [seller.id])).rows).toEqual([
      { kinds: ['phishing'] },
    ]);
    expect(
      (await t.sql.query(`SELECT status, outcome FROM escalations WHERE id = $1`, [escalation.id])).rows[0],
    ).toEqual({ status: 'resolved', outcome: 'phishing_confirmed' });

    // A report that support dismisses: the item comes back, counts with it.
    const counted = await counts(buyer);
    const second = await t.http.post(`/inbox/${fine.id}/report`).set('Authorization', as(buyer)).send({}).expect(202);
    expect((await counts(buyer)).unread.total).toBe(counted.unread.total - 1);
    await t.http.post(`/reports/${second.body.id}/dismiss`).set('Authorization', as(agent)).send({}).expect(200);
    expect((await inbox(buyer)).items.map((item) => item.id)).toEqual([fine.id]);
    expect(await counts(buyer)).toEqual(counted);
    expect(await counts(buyer)).toEqual(await truth(buyer));
  });

  it('a look-alike is easy to tell: marketplace items are verified, a user’s never; a report about a marketplace notice has no case and still reaches support', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    await t.sql.query(`UPDATE users SET display_name = 'Marketplace' WHERE id = $1`, [seller.id]);
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Hi', body: 'Hello' })
      .expect(201);
    await t.http
      .post(`/cases/${opened.body.id}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Official notice: confirm your details' })
      .expect(201);
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'New fees', body: 'From May on', audience: 'buyers' })
      .expect(201);
    const items = (await inbox(buyer)).items;
    const lookalike = items.find((item) => item.sender.kind === 'seller')!;
    const real = items.find((item) => item.sender.kind === 'marketplace')!;
    expect(lookalike.sender).toEqual({ kind: 'seller', id: seller.id, name: 'Marketplace', verified: false });
    expect(real.sender).toEqual({ kind: 'marketplace', name: 'Marketplace', verified: true });

    const report = await t.http.post(`/inbox/${real.id}/report`).set('Authorization', as(buyer)).send({}).expect(202);
    const escalation = (
      await t.http.get('/escalations?reason=phishing_report').set('Authorization', as(agent)).expect(200)
    ).body.items.find((item: { reportId: string }) => item.reportId === report.body.id);
    expect(escalation.caseId).toBeNull();
    await t.http.post(`/escalations/${escalation.id}/assign`).set('Authorization', as(agent)).send({}).expect(200);
    await t.http
      .post(`/reports/${report.body.id}/dismiss`)
      .set('Authorization', as(agent))
      .send({ note: 'Our own notice' })
      .expect(200);
    expect((await inbox(buyer)).items.map((item) => item.id)).toContain(real.id);
  });

  it('draws the verified badge beside the marketplace’s name, not as text a name could hold', async () => {
    const reader = await createUser(t.sql, 'buyer');
    const lookalike = await createUser(t.sql, 'seller');
    // A name from before the rule, as the database may still hold.
    await t.sql.query(`UPDATE users SET display_name = 'Marketplace' WHERE id = $1`, [lookalike.id]);
    const caseId = await openCase(t, reader, lookalike.id, { subject: 'Hi', body: 'Hello' });
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(lookalike))
      .send({ body: 'Official notice' })
      .expect(201);
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'New fees', body: 'From May on', audience: 'buyers' })
      .expect(201);
    const page = await t.http
      .get('/app/inbox')
      .set('Cookie', `parley_session=${t.tokenFor(reader)}`)
      .expect(200);
    const senders = [...page.text.matchAll(/<p class="from">([\s\S]*?)<\/p>/g)].map((match) => match[1]);
    const badged = senders.filter((html) => html.includes('class="verified"'));
    expect(badged).toHaveLength(1);
    expect(badged[0]).toMatch(
      /<span>Marketplace<\/span> <span class="verified" role="img" aria-label="Verified marketplace sender"[^>]*><svg[^>]*aria-hidden="true"/,
    );
    expect(
      senders.filter((html) => html.startsWith('<span>Marketplace</span>') && !html.includes('class="verified"')),
    ).toHaveLength(1);
    expect(page.text).not.toContain('✓');
  });

  describe('search (q): degenerate searches and limits', () => {
    it('degenerate searches (only operators, runs of minus signs, stray quotes, a dangling or) are a harmless search, never a 500', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const seller = await createUser(t.sql, 'seller');
      await said(buyer, seller, ['The blue kettle ships tomorrow.', 'The red kettle is discontinued.']);
      const [red, blue] = (await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body
        .items as InboxItemView[];
      const both = ['red', 'blue'];
      const cases: [string, string[]][] = [
        ['-'.repeat(33), []],
        ['-'.repeat(200), []],
        ['- '.repeat(60), []],
        [`${'-'.repeat(40)}red`, ['blue']],
        [`kettle ${'- '.repeat(40)}red`, ['blue']],
        ['"""', []],
        ['""""""""', []],
        ['"-"', []],
        ["'''", []],
        ['or', []],
        ['or or or', []],
        ['kettle or', []], // a dangling or is the word "or", as PostgreSQL reads it
        ['kettle or or', both], // kettle, or the word "or"
        ['or kettle', []],
        ['-or', both],
        ['& | ! ( ) :* <-> \\ %_%', []],
        ['kettle -red', ['blue']],
        ['"blue kettle" or "red kettle"', both],
      ];
      const answers = [];
      for (const [q] of cases) {
        const response = await search(buyer, q);
        const found =
          response.status === 200
            ? (response.body.items as InboxItemView[]).map((item) =>
                item.id === red.id ? 'red' : item.id === blue.id ? 'blue' : item.id,
              )
            : response.body;
        answers.push({ q, status: response.status, found });
      }
      expect(answers).toEqual(cases.map(([q, found]) => ({ q, status: 200, found })));
    });

    it('a search over the limits is a 400 naming q, in plain words, before it reaches PostgreSQL', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const phrases = Array.from({ length: 60 }, (_, i) => `"never seen ${i}"`)
        .join(' or ')
        .slice(0, 1000);
      expect(phrases).toHaveLength(1000);
      const refused: [string, string][] = [
        [phrases, `Search with at most ${SEARCH_LIMITS.characters} characters`],
        ['x'.repeat(SEARCH_LIMITS.characters + 1), 'Search with at most 256 characters'],
        [Array.from({ length: 17 }, (_, i) => `"q${i} z"`).join(' or '), 'Search for at most 16 words or phrases'],
        [Array.from({ length: 17 }, (_, i) => `word${i}`).join(' '), 'Search for at most 16 words or phrases'],
        [Array.from({ length: 17 }, (_, i) => `-no${i}`).join(' '), 'Search for at most 16 words or phrases'],
        [`"${Array.from({ length: 9 }, (_, i) => `w${i}`).join(' ')}"`, 'Put at most 8 words in a phrase'],
        [Array.from({ length: 9 }, (_, i) => `w${i}`).join('-'), "Join at most 8 words with - or '"],
      ];
      for (const [q, message] of refused) {
        const response = await search(buyer, q);
        expect({
          q: q.slice(0, 40),
          status: response.status,
          type: response.headers['content-type'],
          errors: response.body.errors,
        }).toEqual({
          q: q.slice(0, 40),
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
          errors: [{ field: 'q', message }],
        });
      }
      // At the limits, a search is made.
      await search(buyer, Array.from({ length: 16 }, (_, i) => `"q${i} z"`).join(' or ')).expect(200);
      await search(buyer, `"${Array.from({ length: 8 }, (_, i) => `w${i}`).join(' ')}"`).expect(200);
      await search(buyer, 'x'.repeat(SEARCH_LIMITS.characters)).expect(200);
      // A bulk action's filter is the same search.
      const bulk = await t.http
        .post('/inbox/read')
        .set('Authorization', as(buyer))
        .send({ filter: { q: phrases } });
      expect({ status: bulk.status, errors: bulk.body.errors }).toEqual({
        status: 400,
        errors: [{ field: 'filter.q', message: 'Search with at most 256 characters' }],
      });
    });

    it('on the portal, a search over the limits is a page that says why (400), a degenerate one a page of results', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const cookie = `parley_session=${t.tokenFor(buyer)}`;
      const tooMany = Array.from({ length: 20 }, (_, i) => `"q${i} z"`).join(' or ');
      const refused = await t.http.get('/app/inbox').query({ q: tooMany }).set('Cookie', cookie);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^text\/html/);
      expect(refused.text).toContain('Search for at most 16 words or phrases');
      const degenerate = await t.http
        .get('/app/inbox')
        .query({ q: '-'.repeat(33) })
        .set('Cookie', cookie);
      expect(degenerate.status).toBe(200);
    });

    it('what PostgreSQL is given is always a query it accepts', async () => {
      // Generated from the pieces degenerate searches are made of; each rewritten search goes through websearch_to_tsquery.
      const pieces = [
        '-',
        '--',
        ' - ',
        '"',
        "'",
        ' ',
        'or',
        'OR',
        ' or ',
        'kettle',
        'bé',
        'e-mail',
        "l'été",
        '🙂',
        '&',
        '|',
        '!',
        '(',
        ')',
        ':*',
        '<->',
        '\\',
        '"a b"',
      ];
      let seed = 7;
      const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      const written: string[] = [];
      for (let n = 0; n < 3000; n++) {
        const q = Array.from(
          { length: Math.floor(next() * 90) },
          () => pieces[Math.floor(next() * pieces.length)],
        ).join('');
        const parsed = parseSearch(q);
        if ('websearch' in parsed) written.push(parsed.websearch);
      }
      expect(written.length).toBeGreaterThan(1000);
      const { rows } = await t.sql.query(
        `SELECT count(websearch_to_tsquery('parley_search', q))::int AS n FROM unnest($1::text[]) AS q`,
        [written],
      );
      expect(rows[0].n).toBe(written.length);
    });
  });

  describe('phishing reports after support dismissed one', () => {
    it('reporting an item again after support dismissed the report is 409 saying so; while a report is open the item is not there to report', async () => {
      const buyer = await createUser(t.sql, 'buyer');
      const seller = await createUser(t.sql, 'seller');
      await said(buyer, seller, ['Your parcel left the warehouse.']);
      const [item] = (await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body
        .items as InboxItemView[];
      const report = await t.http
        .post(`/inbox/${item.id}/report`)
        .set('Authorization', as(buyer))
        .send({ reason: 'Asks for my card' })
        .expect(202);
      await t.http.post(`/inbox/${item.id}/report`).set('Authorization', as(buyer)).send({}).expect(404);
      await t.http
        .post(`/reports/${report.body.id}/dismiss`)
        .set('Authorization', as(agent))
        .send({ note: 'A real order question' })
        .expect(200);
      expect(
        (await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body.items.map(
          (i: InboxItemView) => i.id,
        ),
      ).toEqual([item.id]);

      const again = await t.http
        .post(`/inbox/${item.id}/report`)
        .set('Authorization', as(buyer))
        .send({ reason: 'Still suspicious' });
      expect({ status: again.status, type: again.headers['content-type'], body: again.body }).toEqual({
        status: 409,
        type: expect.stringMatching(/^application\/problem\+json/),
        body: expect.objectContaining({
          status: 409,
          detail: 'You already reported this message and support reviewed it',
          reportId: report.body.id,
          reportStatus: 'dismissed',
        }),
      });
      // Nothing changed: one report, dismissed; the item still in view; no second escalation.
      expect((await t.sql.query(`SELECT status FROM inbox_reports WHERE item_id = $1`, [item.id])).rows).toEqual([
        { status: 'dismissed' },
      ]);
      expect((await t.sql.query(`SELECT hidden_at FROM inbox_items WHERE id = $1`, [item.id])).rows).toEqual([
        { hidden_at: null },
      ]);
      expect(
        (await t.sql.query(`SELECT count(*)::int AS n FROM escalations WHERE report_id = $1`, [report.body.id])).rows,
      ).toEqual([{ n: 1 }]);
      expect(
        (
          await t.sql.query(
            `SELECT count(*)::int AS n FROM escalations e JOIN inbox_reports r ON r.id = e.report_id WHERE r.reporter_id = $1`,
            [buyer.id],
          )
        ).rows,
      ).toEqual([{ n: 1 }]);
    });
  });
});
