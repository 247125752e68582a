import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/** No input from a client causes a 500: odd bodies and query strings on every endpoint that takes them. */
describe('malformed input never causes a 500', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  let caseId: string;
  let escalationId: string;
  let orderId: string;
  let calendarId: string;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        POST_RATE_LIMIT_PER_MINUTE: '100000',
        LOGIN_RATE_LIMIT_PER_IP: '100000',
        LOGIN_RATE_LIMIT_PER_ACCOUNT: '100000',
      },
    });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
    t.clock.set('2026-03-02T18:00:00Z');
    caseId = (
      await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 's', body: 'b' })
        .expect(201)
    ).body.id;
    t.clock.set('2026-03-09T18:00:00Z');
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
    escalationId = (await t.sql.query('SELECT id FROM escalations LIMIT 1')).rows[0].id;
    orderId = (
      await t.http
        .post('/orders')
        .set('Authorization', as(admin))
        .send({
          externalId: 'X1',
          buyerId: buyer.id,
          sellerId: seller.id,
          placedAt: '2026-03-01T00:00:00Z',
          maxDeliveryDate: '2026-03-05',
          total: { amount: 1, currency: 'USD' },
        })
        .expect(201)
    ).body.id;
    calendarId = (await t.http.get(`/sellers/${seller.id}/calendar`).set('Authorization', as(admin))).body.id;
  });
  afterAll(() => t.close());

  const bodies: [string, string][] = [
    ['null', 'null'],
    ['an array', '[1, {"a": 2}]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['an empty object', '{}'],
    [
      'wrong types everywhere',
      '{"email": {"$ne": 1}, "password": [], "body": {"x": 1}, "subject": 5, "sellerId": true, "topic": null, "categories": "x", "outcome": 7, "dryRun": "yes", "seconds": "1e400", "name": {}, "from": [], "to": 1}',
    ],
    ['deep nesting', `{"a": ${'['.repeat(200)}${']'.repeat(200)}}`],
    ['huge numbers', '{"amount": 1e309, "limit": 99999999999999999999, "businessDays": -0, "seconds": 1e400}'],
    ['unicode oddities', '{"body": "\\u0000\\ud800 \\u202e", "subject": "\\u2028\\u2029", "name": "\\ufeff"}'],
  ];

  const endpoints = (): [string, string, TestUser][] => [
    ['POST', '/auth/login', buyer],
    ['POST', '/users', admin],
    ['POST', '/orders', admin],
    ['POST', `/orders/${orderId}/events`, admin],
    ['POST', '/cases', buyer],
    ['POST', `/cases/${caseId}/messages`, buyer],
    ['POST', `/cases/${caseId}/messages`, agent],
    ['POST', `/cases/${caseId}/resolve`, buyer],
    ['POST', `/escalations/${escalationId}/assign`, agent],
    ['POST', `/escalations/${escalationId}/resolve`, agent],
    ['PUT', `/calendars/${calendarId}`, admin],
    ['POST', `/calendars/${calendarId}/closures`, admin],
    ['POST', `/calendars/${calendarId}/rebase`, admin],
    ['PUT', '/me/email-preferences', buyer],
    ['POST', '/admin/broadcasts', admin],
    ['POST', '/admin/jobs/support-sweep/run', admin],
  ];

  it.each(bodies)('bodies: %s', async (_, raw) => {
    for (const [method, path, user] of endpoints()) {
      const request = method === 'PUT' ? t.http.put(path) : t.http.post(path);
      const response = await request.set('Authorization', as(user)).set('Content-Type', 'application/json').send(raw);
      if (response.status >= 500)
        throw new Error(
          `${method} ${path} with ${raw.slice(0, 40)} → ${response.status} ${JSON.stringify(response.body)}`,
        );
      if (response.status >= 400) expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('query strings', async () => {
    const queries = [
      'limit=abc',
      'limit=-1',
      'limit=1e400',
      'cursor=%00',
      'cursor=W10',
      'cursor=WyJ4IiwieSJd',
      'status[]=a&status[]=b',
      'slaState=late&slaState=on_track',
      'assignee=..%2F',
      'year=2026.5',
      'businessDays=2&timeZone=%00',
      'start=2026-13-45T99:99:99Z&timeZone=UTC&businessDays=1',
      'country=%F0%9F%98%80&year=2026',
      'token=%FF',
    ];
    const paths = [
      '/cases',
      '/escalations',
      '/calendars/preview',
      '/calendars/holidays',
      '/admin/outbox',
      '/unsubscribe',
    ];
    for (const path of paths) {
      for (const query of queries) {
        const response = await t.http
          .get(`${path}?${query}`)
          .set('Authorization', as(path === '/escalations' || path === '/admin/outbox' ? admin : buyer));
        if (response.status >= 500)
          throw new Error(`GET ${path}?${query} → ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
  });

  it('odd ids in paths', async () => {
    for (const id of ['x', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1", '%00', 'a'.repeat(500)]) {
      for (const path of [
        `/cases/${id}`,
        `/cases/${id}/sla`,
        `/orders/${id}`,
        `/calendars/${id}`,
        `/sellers/${id}/performance`,
        `/sellers/${id}/calendar`,
      ]) {
        const response = await t.http.get(path).set('Authorization', as(admin));
        expect([400, 404, 414]).toContain(response.status);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      const post = await t.http.post(`/escalations/${id}/assign`).set('Authorization', as(agent)).send({});
      expect(post.status).toBeLessThan(500);
    }
  });

  it('wrong content types and oversized bodies', async () => {
    const text = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
    const xml = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .set('Content-Type', 'application/xml')
      .send('<a/>');
    expect(xml.status).toBeLessThan(500);
    const huge = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ body: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
