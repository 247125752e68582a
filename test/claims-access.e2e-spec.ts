import type { ClaimView } from '../src/claims/claims.dto.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

type Who = 'buyer' | 'otherBuyer' | 'seller' | 'otherSeller' | 'agent' | 'admin';
const EVERYONE: Who[] = ['buyer', 'otherBuyer', 'seller', 'otherSeller', 'agent', 'admin'];
type State = 'awaiting_seller' | 'under_review' | 'granted' | 'denied' | 'appealed';

interface Endpoint {
  name: string;
  method: 'get' | 'post';
  path: (claim: ClaimView) => string;
  body?: object;
  /** Who may act, and the state the claim must be in for that one to succeed. */
  allowed: Partial<Record<Who, State>>;
  /** Who may see the claim but not do this (403); everyone else not allowed gets 404. */
  forbidden: Who[];
}

const READERS = {
  buyer: 'awaiting_seller',
  seller: 'awaiting_seller',
  agent: 'awaiting_seller',
  admin: 'awaiting_seller',
} as const;

/** Every claim endpoint for every role: 2xx for who may, 403 for who sees the claim but may not, 404 for who does not see it. */
const ENDPOINTS: Endpoint[] = [
  { name: 'GET /claims/:id', method: 'get', path: (c) => `/claims/${c.id}`, allowed: READERS, forbidden: [] },
  {
    name: 'GET /claims/:id/messages',
    method: 'get',
    path: (c) => `/claims/${c.id}/messages`,
    allowed: READERS,
    forbidden: [],
  },
  {
    name: 'GET /claims/:id/timeline',
    method: 'get',
    path: (c) => `/claims/${c.id}/timeline`,
    allowed: READERS,
    forbidden: [],
  },
  {
    name: 'POST /claims/:id/messages',
    method: 'post',
    path: (c) => `/claims/${c.id}/messages`,
    body: { body: 'Any update?' },
    allowed: READERS,
    forbidden: [],
  },
  {
    name: 'POST /claims/:id/messages (internal)',
    method: 'post',
    path: (c) => `/claims/${c.id}/messages`,
    body: { body: 'Note', internal: true },
    allowed: { agent: 'awaiting_seller', admin: 'awaiting_seller' },
    forbidden: ['buyer', 'seller'],
  },
  {
    name: 'POST /claims/:id/respond',
    method: 'post',
    path: (c) => `/claims/${c.id}/respond`,
    body: { body: 'My side.' },
    allowed: { seller: 'awaiting_seller' },
    forbidden: ['buyer', 'agent', 'admin'],
  },
  {
    name: 'POST /claims/:id/refund',
    method: 'post',
    path: (c) => `/claims/${c.id}/refund`,
    body: { amount: { amount: 100, currency: 'USD' } },
    allowed: { seller: 'awaiting_seller' },
    forbidden: ['buyer', 'agent', 'admin'],
  },
  {
    name: 'POST /claims/:id/withdraw',
    method: 'post',
    path: (c) => `/claims/${c.id}/withdraw`,
    allowed: { buyer: 'awaiting_seller' },
    forbidden: ['seller', 'agent', 'admin'],
  },
  {
    name: 'POST /claims/:id/request-info',
    method: 'post',
    path: (c) => `/claims/${c.id}/request-info`,
    body: { from: 'seller', body: 'Tracking, please.' },
    allowed: { agent: 'under_review', admin: 'under_review' },
    forbidden: ['buyer', 'seller'],
  },
  {
    name: 'POST /claims/:id/decide',
    method: 'post',
    path: (c) => `/claims/${c.id}/decide`,
    body: { outcome: 'granted', funding: 'seller', note: 'Granted.' },
    allowed: { agent: 'under_review', admin: 'under_review' },
    forbidden: ['buyer', 'seller'],
  },
  {
    name: 'POST /claims/:id/appeal',
    method: 'post',
    path: (c) => `/claims/${c.id}/appeal`,
    body: { body: 'Please look again.' },
    allowed: { buyer: 'denied', seller: 'granted' },
    forbidden: ['agent', 'admin'],
  },
  {
    name: 'POST /claims/:id/decide-appeal',
    method: 'post',
    path: (c) => `/claims/${c.id}/decide-appeal`,
    body: { outcome: 'upheld', note: 'Stands.' },
    allowed: { agent: 'appealed', admin: 'appealed' },
    forbidden: ['buyer', 'seller'],
  },
];

describe('claims: who may do what', () => {
  let t: TestApp;
  const users = {} as Record<Who | 'firstDecider', TestUser>;
  const as = (who: Who | 'firstDecider') => `Bearer ${t.tokenFor(users[who])}`;
  const pairs: { orderId: string; caseId: string }[] = [];
  let seen: ClaimView;

  /** A fresh claim of `users.buyer` against `users.seller`, brought to `state` by the parties and another agent. */
  const claimIn = async (state: State): Promise<ClaimView> => {
    const claim = await fileClaim(t, users.buyer, pairs.pop()!.orderId);
    const step = (who: Who | 'firstDecider', path: string, body: object) =>
      t.http.post(`/claims/${claim.id}/${path}`).set('Authorization', as(who)).send(body).expect(200);
    if (state === 'awaiting_seller') return claim;
    await step('seller', 'respond', { body: 'My side.' });
    if (state === 'under_review') return claim;
    const outcome = state === 'denied' ? 'denied' : 'granted';
    await step(
      'firstDecider',
      'decide',
      outcome === 'granted' ? { outcome, funding: 'seller', note: 'x' } : { outcome, note: 'x' },
    );
    if (state !== 'appealed') return claim;
    await step('seller', 'appeal', { body: 'Unfair.' });
    return claim;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    for (const [who, role] of [
      ['buyer', 'buyer'],
      ['otherBuyer', 'buyer'],
      ['seller', 'seller'],
      ['otherSeller', 'seller'],
      ['agent', 'agent'],
      ['admin', 'admin'],
      ['firstDecider', 'agent'],
    ] as const) {
      users[who] = await createUser(t.sql, role);
    }
    for (let i = 0; i < 40; i++) pairs.push(await orderWithCase(t, users.admin, users.buyer, users.seller));
    t.clock.advance(5 * 86_400_000);
    seen = await fileClaim(t, users.buyer, pairs.pop()!.orderId);
  });
  afterAll(async () => {
    await t.close();
  });

  const rows = ENDPOINTS.flatMap((endpoint) => EVERYONE.map((who) => [endpoint.name, who, endpoint] as const));

  it.each(rows)('%s as %s', async (_name, who, endpoint) => {
    const state = endpoint.allowed[who];
    const claim = state ? await claimIn(state) : seen;
    const response = await t.http[endpoint.method](endpoint.path(claim))
      .set('Authorization', as(who))
      .send(endpoint.body ?? {});
    const expected = state
      ? endpoint.method === 'get'
        ? 200
        : endpoint.name.includes('messages')
          ? 201
          : 200
      : endpoint.forbidden.includes(who)
        ? 403
        : 404;
    expect({ who, status: response.status, detail: response.body.detail }).toEqual({
      who,
      status: expected,
      detail: expected >= 400 ? expect.any(String) : undefined,
    });
  });

  it('eligibility: the order’s buyer and support; nobody else learns the order exists', async () => {
    const { orderId } = pairs.pop()!;
    const expected: Record<Who, number> = {
      buyer: 200,
      otherBuyer: 404,
      seller: 404,
      otherSeller: 404,
      agent: 200,
      admin: 200,
    };
    for (const who of EVERYONE) {
      const response = await t.http.get(`/claims/eligibility?orderId=${orderId}`).set('Authorization', as(who));
      expect({ who, status: response.status }).toEqual({ who, status: expected[who] });
    }
  });

  it('filing: only the order’s buyer (other buyers: not found; other roles: forbidden)', async () => {
    const { orderId } = pairs.pop()!;
    const expected: Record<Who, number> = {
      otherBuyer: 404,
      seller: 403,
      otherSeller: 403,
      agent: 403,
      admin: 403,
      buyer: 201,
    };
    for (const who of ['otherBuyer', 'seller', 'otherSeller', 'agent', 'admin', 'buyer'] as Who[]) {
      const response = await t.http
        .post('/claims')
        .set('Authorization', as(who))
        .send({ orderId, reason: 'not_as_described', body: 'Wrong colour.' });
      expect({ who, status: response.status }).toEqual({ who, status: expected[who] });
    }
  });

  it('opening a claim from an escalation: support only (buyers and sellers do not see escalations)', async () => {
    const escalations: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { caseId } = pairs.pop()!;
      await t.http.post(`/cases/${caseId}/escalate`).set('Authorization', as('buyer')).expect(200);
      escalations.push(
        (await t.sql.query(`SELECT id FROM escalations WHERE case_id = $1`, [caseId])).rows[0].id as string,
      );
    }
    for (const who of ['buyer', 'otherBuyer', 'seller', 'otherSeller'] as Who[]) {
      await t.http
        .post(`/escalations/${escalations[0]}/claim`)
        .set('Authorization', as(who))
        .send({ reason: 'not_as_described', body: 'x' })
        .expect(404);
    }
    await t.http
      .post(`/escalations/${escalations[0]}/claim`)
      .set('Authorization', as('agent'))
      .send({ reason: 'not_as_described', body: 'For the buyer.' })
      .expect(201);
    await t.http
      .post(`/escalations/${escalations[1]}/claim`)
      .set('Authorization', as('admin'))
      .send({ reason: 'not_as_described', body: 'For the buyer.' })
      .expect(201);
  });
});
