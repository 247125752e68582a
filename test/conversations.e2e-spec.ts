import { ClaimsService } from '../src/claims/claims.service.js';
import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The conversation core (docs/architecture.md) through HTTP against the real
 * database: the same content policy, violations and quarantine for a case's
 * and a claim's messages; phishing reports that know their message without
 * the Message Center item; notices of one step at one instant kept apart;
 * the claims sweep going on past a claim it cannot process; the orders
 * page's eligibility in one query.
 */
describe('the conversation core', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const post = (user: TestUser, path: string, body: object = {}) =>
    t.http.post(path).set('Authorization', as(user)).send(body);
  const get = (user: TestUser, path: string) => t.http.get(path).set('Authorization', as(user));
  const run = async (job: string) =>
    (await t.http.post(`/admin/jobs/${job}/run`).set('Authorization', as(admin)).expect(200)).body;
  /** A claim under review: filed on a case five days old, answered by the seller. */
  const claimUnderReview = async () => {
    const { orderId, caseId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(5 * DAY);
    const claim = await fileClaim(t, buyer, orderId, { caseId });
    await post(seller, `/claims/${claim.id}/respond`, { body: 'It left here intact.' }).expect(200);
    return { claim, caseId, orderId };
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2026-03-02T18:00:00Z');
    await t.sql.query('UPDATE claims SET next_deadline_at = NULL');
  });

  it('a case message and a claim message asking for a card number go through the same policy: masked, counted, quarantined and escalated', async () => {
    const { claim, caseId } = await claimUnderReview();
    const text = 'Send your card number and CVV to verify, or write to me at anna@example.test';
    const onCase = await post(seller, `/cases/${caseId}/messages`, { body: text }).expect(201);
    const onClaim = await post(seller, `/claims/${claim.id}/messages`, { body: text }).expect(201);
    expect(onCase.body).toMatchObject({ quarantined: true, masked: ['email'] });
    expect(onClaim.body).toMatchObject({ quarantined: true, masked: ['email'] });

    const violations = await t.sql.query(
      `SELECT case_id, message_id, claim_message_id, kinds FROM content_violations WHERE message_id = $1 OR claim_message_id = $2 ORDER BY claim_message_id NULLS FIRST`,
      [onCase.body.id, onClaim.body.id],
    );
    expect(violations.rows).toEqual([
      { case_id: caseId, message_id: onCase.body.id, claim_message_id: null, kinds: ['email', 'payment_request'] },
      { case_id: null, message_id: null, claim_message_id: onClaim.body.id, kinds: ['email', 'payment_request'] },
    ]);
    const escalations = await t.sql.query(
      `SELECT case_id, claim_id, message_id, priority FROM escalations WHERE reason = 'quarantined_message' AND case_id = $1 ORDER BY claim_id NULLS FIRST`,
      [caseId],
    );
    expect(escalations.rows).toEqual([
      { case_id: caseId, claim_id: null, message_id: onCase.body.id, priority: 'high' },
      { case_id: caseId, claim_id: claim.id, message_id: null, priority: 'high' },
    ]);
    // Each on its own conversation's timeline, for support only.
    const caseEvents = (
      await t.sql.query(
        `SELECT type, internal FROM case_events WHERE case_id = $1 AND data->>'messageId' = $2 ORDER BY id`,
        [caseId, onCase.body.id],
      )
    ).rows;
    expect(caseEvents).toEqual([
      { type: 'message_posted', internal: false },
      { type: 'content_policy_violation', internal: true },
      { type: 'message_quarantined', internal: true },
    ]);
    const claimEvents = (
      await t.sql.query(
        `SELECT type, internal FROM claim_events WHERE claim_id = $1 AND data->>'messageId' = $2 ORDER BY id`,
        [claim.id, onClaim.body.id],
      )
    ).rows;
    expect(claimEvents).toEqual([
      { type: 'message_posted', internal: false },
      { type: 'content_policy_violation', internal: true },
      { type: 'message_quarantined', internal: true },
    ]);
    // Neither reached the buyer.
    expect(
      (
        await t.sql.query(
          `SELECT count(*)::int AS n FROM outbox WHERE payload->>'messageId' = $1 OR payload->>'claimMessageId' = $2`,
          [onCase.body.id, onClaim.body.id],
        )
      ).rows,
    ).toEqual([{ n: 0 }]);
  });

  it('a claim message reaches the other party’s Message Center with its text as that party sees it, written in the same statement as the message', async () => {
    const { claim } = await claimUnderReview();
    const sent = await post(buyer, `/claims/${claim.id}/messages`, {
      body: 'Call me on +1 415 555 0100 about it.',
    }).expect(201);
    const items = (await get(seller, '/inbox').expect(200)).body.items as InboxItemView[];
    const item = items.find((candidate) => candidate.claimId === claim.id && candidate.snippet.includes('Call me'));
    expect(item).toBeDefined();
    expect(item!.snippet).not.toContain('555');
    expect((await t.sql.query(`SELECT message_id FROM inbox_items WHERE id = $1`, [item!.id])).rows).toEqual([
      { message_id: sent.body.id },
    ]);
  });

  it('confirming a report whose Message Center item Trash already purged still quarantines the case message it was about', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    const sent = await post(seller, `/cases/${caseId}/messages`, {
      body: 'Please log in at our partner site to confirm the delivery.',
    }).expect(201);
    const [item] = ((await get(buyer, '/inbox').expect(200)).body.items as InboxItemView[]).filter(
      (candidate) => candidate.caseId === caseId && candidate.snippet.includes('partner site'),
    );
    await post(buyer, '/inbox/delete', { ids: [item.id] }).expect(200);
    const report = await post(buyer, `/inbox/${item.id}/report`, { reason: 'Phishing' }).expect(202);
    t.clock.advance(31 * DAY);
    await run('inbox-purge');
    expect((await t.sql.query(`SELECT item_id FROM inbox_reports WHERE id = $1`, [report.body.id])).rows).toEqual([
      { item_id: null },
    ]);

    const confirmed = await post(agent, `/reports/${report.body.id}/confirm`, { note: 'Credential phishing' }).expect(
      200,
    );
    expect(confirmed.body.status).toBe('confirmed');
    expect((await t.sql.query(`SELECT quarantined FROM messages WHERE id = $1`, [sent.body.id])).rows).toEqual([
      { quarantined: true },
    ]);
    expect(
      (await t.sql.query(`SELECT user_id, kinds FROM content_violations WHERE message_id = $1`, [sent.body.id])).rows,
    ).toEqual([{ user_id: seller.id, kinds: ['phishing'] }]);
  });

  it('confirming a report of a claim message quarantines that claim message and puts it on the claim’s timeline', async () => {
    const { claim } = await claimUnderReview();
    const sent = await post(seller, `/claims/${claim.id}/messages`, {
      body: 'Tell me the code we just texted you.',
    }).expect(201);
    const item = ((await get(buyer, '/inbox').expect(200)).body.items as InboxItemView[]).find(
      (candidate) => candidate.claimId === claim.id && candidate.snippet.includes('code'),
    )!;
    const report = await post(buyer, `/inbox/${item.id}/report`, {}).expect(202);
    await post(agent, `/reports/${report.body.id}/confirm`, {}).expect(200);
    expect((await t.sql.query(`SELECT quarantined FROM claim_messages WHERE id = $1`, [sent.body.id])).rows).toEqual([
      { quarantined: true },
    ]);
    expect(
      (
        await t.sql.query(`SELECT type FROM claim_events WHERE claim_id = $1 AND data->>'reportId' = $2`, [
          claim.id,
          report.body.id,
        ])
      ).rows,
    ).toEqual([{ type: 'message_quarantined' }]);
  });

  it('a report without its kind (made by an instance before the kind was recorded) still quarantines its claim message', async () => {
    const { claim } = await claimUnderReview();
    const sent = await post(seller, `/claims/${claim.id}/messages`, {
      body: 'Send me the number printed on the box label.',
    }).expect(201);
    const item = ((await get(buyer, '/inbox').expect(200)).body.items as InboxItemView[]).find(
      (candidate) => candidate.claimId === claim.id && candidate.snippet.includes('box label'),
    )!;
    const report = await post(buyer, `/inbox/${item.id}/report`, {}).expect(202);
    await t.sql.query(`UPDATE inbox_reports SET message_kind = NULL WHERE id = $1`, [report.body.id]);
    await post(agent, `/reports/${report.body.id}/confirm`, {}).expect(200);
    expect((await t.sql.query(`SELECT quarantined FROM claim_messages WHERE id = $1`, [sent.body.id])).rows).toEqual([
      { quarantined: true },
    ]);
  });

  it('two information requests at the same instant each send their notice (the clock standing still)', async () => {
    const { claim } = await claimUnderReview();
    await post(agent, `/claims/${claim.id}/request-info`, { from: 'buyer', body: 'A photo, please.' }).expect(200);
    await post(buyer, `/claims/${claim.id}/messages`, { body: 'Here it is.' }).expect(201);
    await post(agent, `/claims/${claim.id}/request-info`, { from: 'buyer', body: 'And one of the box.' }).expect(200);
    const sent = await t.sql.query(
      `SELECT count(*)::int AS n FROM outbox WHERE kind = 'claim_info_requested' AND recipient_id = $1 AND payload->>'claimId' = $2`,
      [buyer.id, claim.id],
    );
    expect(sent.rows).toEqual([{ n: 2 }]);
  });

  it('the claims sweep records a claim it cannot process and acts on the others', async () => {
    const other = await orderWithCase(t, admin, buyer, seller);
    const good = await claimUnderReview();
    await post(agent, `/claims/${good.claim.id}/request-info`, {
      from: 'seller',
      body: 'Your shipping receipt?',
    }).expect(200);
    // A claim waiting on the seller whose policy version no longer exists: its rule for seller silence cannot be read.
    const bad = await fileClaim(t, buyer, other.orderId, { caseId: other.caseId });
    await t.sql.query(`UPDATE claims SET policy_version = 999 WHERE id = $1`, [bad.id]);
    t.clock.advance(10 * DAY);
    const result = await run('claims-sweep');
    expect(result).toMatchObject({ infoRequest: 1, failed: 1 });
    expect((await get(agent, `/claims/${good.claim.id}`).expect(200)).body).toMatchObject({
      status: 'under_review',
      flags: expect.arrayContaining(['info_not_provided']),
    });
    expect((await t.sql.query(`SELECT status FROM claims WHERE id = $1`, [bad.id])).rows).toEqual([
      { status: 'awaiting_seller' },
    ]);
    const failures = await t.sql.query(`SELECT error FROM claims_sweep_failures WHERE claim_id = $1`, [bad.id]);
    expect(failures.rows).toHaveLength(1);
    expect(failures.rows[0].error).toMatch(/999/);
  });

  it('the orders page asks eligibility for all its orders in one query, with the same answers as one order at a time', async () => {
    const first = await orderWithCase(t, admin, buyer, seller);
    const second = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(5 * DAY);
    await fileClaim(t, buyer, second.orderId, { caseId: second.caseId });
    const stranger = await createUser(t.sql, 'buyer');
    const theirs = await orderWithCase(t, admin, stranger, seller);
    const one = async (orderId: string) =>
      (await get(buyer, `/claims/eligibility?orderId=${orderId}`).expect(200)).body;

    const page = await t.http
      .get('/app/orders')
      .set('Cookie', `parley_session=${t.tokenFor(buyer)}`)
      .expect(200);
    expect(page.text).toContain(first.externalId);
    expect(page.text).not.toContain(theirs.externalId);
    const app = t.app.get(ClaimsService);
    const batched = await app.eligibilityForOrders({ id: buyer.id, role: 'buyer' }, [
      first.orderId,
      second.orderId,
      theirs.orderId,
    ]);
    expect(batched.map((view) => view.orderId)).toEqual([first.orderId, second.orderId]);
    expect(batched).toEqual([await one(first.orderId), await one(second.orderId)]);
    expect(batched[1].reasons.every((reason) => reason.rule === 'open_claim_exists')).toBe(true);
  });
});
