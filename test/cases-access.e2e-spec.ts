import { startTestApp, TestApp } from './support/app.js';
import { createUser, openCase, TestUser } from './support/factories.js';

/**
 * Every case endpoint × every kind of caller, each on a case of its own in a
 * state where the action is allowed, so the only thing a row can be refused
 * for is access. Someone else's case is always 404 (never a hint that it
 * exists); an action for another role on a case the caller can see is 403.
 */
describe('case access matrix', () => {
  let t: TestApp;
  const users: Record<string, TestUser> = {};
  let caseId: string;
  const as = (name: string) => `Bearer ${t.tokenFor(users[name])}`;

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    for (const [name, role] of [
      ['buyer', 'buyer'],
      ['otherBuyer', 'buyer'],
      ['seller', 'seller'],
      ['otherSeller', 'seller'],
      ['agent', 'agent'],
      ['admin', 'admin'],
    ] as const) {
      users[name] = await createUser(t.sql, role);
    }
    t.clock.set('2026-03-02T18:00:00Z');
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as('buyer'))
      .send({
        sellerId: users.seller.id,
        listingRef: 'listing-1',
        topic: 'question',
        subject: 'Private question',
        body: 'My address is 1 Main St',
      })
      .expect(201);
    caseId = opened.body.id;
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as('agent'))
      .send({ body: 'INTERNAL-NOTE-TEXT', internal: true })
      .expect(201);
  });
  afterAll(() => t.close());

  /** A fresh case of the buyer's with the seller, awaiting the seller (a reply cycle open); resolved first where the action needs it. */
  const freshCase = async (resolved = false): Promise<string> => {
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as('buyer'))
      .send({
        sellerId: users.seller.id,
        listingRef: 'listing-2',
        topic: 'question',
        subject: 'Private question',
        body: 'Is it waterproof?',
      })
      .expect(201);
    if (resolved) await t.http.post(`/cases/${opened.body.id}/resolve`).set('Authorization', as('buyer')).expect(200);
    return opened.body.id;
  };

  type Call = { method: 'get' | 'post'; path: (id: string) => string; body?: object; resolved?: boolean };
  const endpoints: Record<string, Call> = {
    'GET /cases/:id': { method: 'get', path: (id) => `/cases/${id}` },
    'GET /cases/:id/messages': { method: 'get', path: (id) => `/cases/${id}/messages` },
    'GET /cases/:id/timeline': { method: 'get', path: (id) => `/cases/${id}/timeline` },
    'GET /cases/:id/sla': { method: 'get', path: (id) => `/cases/${id}/sla` },
    'POST /cases/:id/messages': { method: 'post', path: (id) => `/cases/${id}/messages`, body: { body: 'hello' } },
    'POST /cases/:id/no-response-needed': { method: 'post', path: (id) => `/cases/${id}/no-response-needed` },
    'POST /cases/:id/resolve': { method: 'post', path: (id) => `/cases/${id}/resolve` },
    'POST /cases/:id/reopen': { method: 'post', path: (id) => `/cases/${id}/reopen`, resolved: true },
  };

  // Expected status per caller; "ok" is the endpoint's success (200 or 201) and nothing else.
  const expected: Record<string, Record<string, number | 'ok'>> = {
    'GET /cases/:id': { buyer: 'ok', otherBuyer: 404, seller: 'ok', otherSeller: 404, agent: 'ok', admin: 'ok' },
    'GET /cases/:id/messages': {
      buyer: 'ok',
      otherBuyer: 404,
      seller: 'ok',
      otherSeller: 404,
      agent: 'ok',
      admin: 'ok',
    },
    'GET /cases/:id/timeline': {
      buyer: 'ok',
      otherBuyer: 404,
      seller: 'ok',
      otherSeller: 404,
      agent: 'ok',
      admin: 'ok',
    },
    'GET /cases/:id/sla': { buyer: 'ok', otherBuyer: 404, seller: 'ok', otherSeller: 404, agent: 'ok', admin: 'ok' },
    'POST /cases/:id/messages': {
      buyer: 'ok',
      otherBuyer: 404,
      seller: 'ok',
      otherSeller: 404,
      agent: 'ok',
      admin: 'ok',
    },
    'POST /cases/:id/no-response-needed': {
      buyer: 403,
      otherBuyer: 404,
      seller: 'ok',
      otherSeller: 404,
      agent: 403,
      admin: 403,
    },
    'POST /cases/:id/resolve': { buyer: 'ok', otherBuyer: 404, seller: 403, otherSeller: 404, agent: 403, admin: 403 },
    'POST /cases/:id/reopen': { buyer: 'ok', otherBuyer: 404, seller: 403, otherSeller: 404, agent: 403, admin: 403 },
  };

  const rows = Object.keys(endpoints).flatMap((endpoint) =>
    Object.keys(expected[endpoint]).map((caller) => [endpoint, caller, expected[endpoint][caller]] as const),
  );

  it.each(rows)('%s as %s → %s', async (endpoint, caller, status) => {
    const call = endpoints[endpoint];
    const id = await freshCase(call.resolved);
    const request = t.http[call.method](call.path(id)).set('Authorization', as(caller));
    const response = await (call.body ? request.send(call.body) : request);
    if (status === 'ok') {
      expect([200, 201]).toContain(response.status);
    } else {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(response.body)).not.toContain('Private question');
    }
  });

  it.each(Object.keys(endpoints))('%s without a token → 401, with a malformed id → 404', async (endpoint) => {
    const call = endpoints[endpoint];
    await (
      call.body ? t.http[call.method](call.path(caseId)).send(call.body) : t.http[call.method](call.path(caseId))
    ).expect(401);
    const request = t.http[call.method](call.path('not-a-uuid')).set('Authorization', as('admin'));
    const response = await (call.body ? request.send(call.body) : request);
    expect(response.status).toBe(404);
  });

  it("lists never show another party's case", async () => {
    for (const caller of ['otherBuyer', 'otherSeller']) {
      const list = await t.http.get('/cases').set('Authorization', as(caller)).expect(200);
      expect(list.body.items).toEqual([]);
    }
    const all = await t.http.get('/cases?limit=100').set('Authorization', as('agent')).expect(200);
    expect(all.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
  });

  it('never shows internal notes to buyers or sellers, by any endpoint', async () => {
    for (const caller of ['buyer', 'seller']) {
      for (const path of [
        `/cases/${caseId}`,
        `/cases/${caseId}/messages`,
        `/cases/${caseId}/timeline`,
        `/cases/${caseId}/sla`,
        '/cases',
      ]) {
        const response = await t.http.get(path).set('Authorization', as(caller)).expect(200);
        expect(JSON.stringify(response.body)).not.toContain('INTERNAL-NOTE-TEXT');
        expect(JSON.stringify(response.body)).not.toContain('internal_note');
      }
    }
    const forAgent = await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as('agent')).expect(200);
    expect(JSON.stringify(forAgent.body)).toContain('INTERNAL-NOTE-TEXT');
  });

  describe('with parties of its own', () => {
    let buyer: TestUser;
    const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
    beforeAll(async () => {
      buyer = await createUser(t.sql, 'buyer');
    });

    it('a seller calling /resolve on a case it cannot see gets 404, on its own case 403', async () => {
      const seller = await createUser(t.sql, 'seller');
      const stranger = await createUser(t.sql, 'seller');
      const openedId = await openCase(t, buyer, seller.id, { subject: 'Mine', body: 'Hello' });
      await t.http.post(`/cases/${openedId}/resolve`).set('Authorization', as(stranger)).expect(404);
      await t.http.post(`/cases/${openedId}/resolve`).set('Authorization', as(seller)).expect(403);
      const otherBuyer = await createUser(t.sql, 'buyer');
      await t.http.post(`/cases/${openedId}/no-response-needed`).set('Authorization', as(otherBuyer)).expect(404);
    });
  });
});
