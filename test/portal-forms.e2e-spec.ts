import { randomUUID } from 'node:crypto';
import { csrfTokenOf } from '../src/auth/browser-session.js';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './support/app.js';
import { orderWithCase, fileClaim } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const DAY = 86_400_000;

/**
 * The portal's forms and pages with hostile input, without a browser: no
 * input a client can send gives a 500, and a form never acts without the
 * session's CSRF token. Every role posts every form.
 */
describe('portal forms with bad input', () => {
  let t: TestApp;
  const users: Record<string, TestUser> = {};
  let caseId: string;
  let claimId: string;
  let orderId: string;

  /** The cookie and CSRF token of a session, as the browser would hold them. */
  const session = (user: TestUser) => {
    const token = t.tokenFor(user);
    const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    return { cookie: `parley_session=${token}`, csrf: csrfTokenOf(TEST_JWT_SECRET, jti) };
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '100000' } });
    for (const role of ['admin', 'buyer', 'seller', 'agent'] as const) users[role] = await createUser(t.sql, role);
    const made = await orderWithCase(t, users.admin, users.buyer, users.seller);
    caseId = made.caseId;
    orderId = made.orderId;
    t.clock.advance(5 * DAY);
    claimId = (await fileClaim(t, users.buyer, orderId)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const postRoutes = () => [
    '/app/logout',
    '/app/inbox/bulk',
    `/app/inbox/${randomUUID()}/report`,
    '/app/cases',
    `/app/cases/${caseId}/messages`,
    `/app/cases/${caseId}/resolve`,
    `/app/cases/${caseId}/nonsense`,
    '/app/claims',
    `/app/claims/${claimId}/messages`,
    ...['respond', 'refund', 'request-info', 'decide', 'withdraw', 'appeal', 'decide-appeal', 'bogus'].map(
      (step) => `/app/claims/${claimId}/${step}`,
    ),
    `/app/escalations/${randomUUID()}/assign`,
    `/app/escalations/not-an-id/resolve`,
    `/app/reports/${randomUUID()}/confirm`,
    '/app/settings/email',
    '/app/settings/password',
    '/app/admin/users',
    `/app/admin/users/${randomUUID()}/disable`,
    '/app/admin/calendars/marketplace/closures',
    `/app/admin/calendars/marketplace/closures/${randomUUID()}/remove`,
    '/app/admin/broadcasts',
    `/app/admin/outbox/${randomUUID()}/retry`,
    `/app/admin/webhooks/deliveries/x/retry`,
    '/app/admin/clock/advance',
  ];
  const bodies = [
    '',
    'body=&amount=&currency=',
    'action=explode&ids=not-a-uuid&scope=matching&filter.category=nope',
    `body=${'x'.repeat(20_000)}&subject=${'y'.repeat(500)}&note=%00&reason=%00`,
    'amount=1e309&currency=USD&outcome=granted&funding=aliens&from=nobody&seconds=-5&to=yesterday',
    'email=a&email=b&role=seller&timeZone=Mars/Olympus&country=XX&password=short&displayName=%E2%80%AE',
    'name=%0A&from=2026-13-40&to=2026-02-30&category=promotions&audience=martians&subject=%0D%0A',
  ];

  it('never acts on a form without the session’s CSRF token, whoever sends it', async () => {
    const failures: string[] = [];
    const before = async () => [
      (await t.sql.query(`SELECT status FROM claims WHERE id = $1`, [claimId])).rows[0].status as string,
      (
        await t.sql.query(
          `SELECT status, (SELECT count(*) FROM messages m WHERE m.case_id = c.id)::int AS messages FROM cases c WHERE id = $1`,
          [caseId],
        )
      ).rows[0],
      (await t.sql.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n as number,
    ];
    const start = await before();
    for (const role of Object.keys(users)) {
      const { cookie, csrf } = session(users[role]);
      for (const route of postRoutes()) {
        for (const token of [
          undefined,
          '',
          csrf.slice(1),
          session(users[role === 'buyer' ? 'seller' : 'buyer']).csrf,
        ]) {
          const forged = await t.http
            .post(route)
            .set('Cookie', cookie)
            .set('Content-Type', 'application/x-www-form-urlencoded')
            .send(
              `body=hello&outcome=granted&note=ok&action=delete&scope=matching&seconds=60${token === undefined ? '' : `&_csrf=${token}`}`,
            );
          if (forged.status !== 403 && forged.status !== 404)
            failures.push(`${role} POST ${route} with CSRF ${JSON.stringify(token?.slice(0, 6))} → ${forged.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await before()).toEqual(start);
  });

  it('answers every portal form from every role with bad fields below 500', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const role of Object.keys(users)) {
      const { cookie, csrf } = session(users[role]);
      for (const route of postRoutes()) {
        if (route === '/app/logout') continue;
        for (const body of bodies) {
          const response = await t.http
            .post(route)
            .set('Cookie', cookie)
            .set('Content-Type', 'application/x-www-form-urlencoded')
            .send(body ? `${body}&_csrf=${csrf}` : `_csrf=${csrf}`);
          requests++;
          if (response.status >= 500)
            failures.push(`${role} POST ${route} [${body.slice(0, 40)}] → ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(700);
  });

  it('signs in through the form with the API’s limits: wrong passwords until refused, shown on the sign-in page', async () => {
    const page = await t.http.get('/app/login?next=/app/orders').expect(200);
    const loginCookie = String(page.headers['set-cookie']).split(';')[0];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const attempt = (password: string) =>
      t.http
        .post('/app/login')
        .set('Cookie', loginCookie)
        .type('form')
        .send({ _csrf: token, next: '/app/orders', email: users.buyer.email, password });
    expect(
      (await t.http.post('/app/login').type('form').send({ email: users.buyer.email, password: users.buyer.password }))
        .status,
    ).toBe(403);
    const signedIn = await attempt(users.buyer.password).expect(303);
    expect(signedIn.headers.location).toBe('/app/orders');
    expect(String(signedIn.headers['set-cookie'])).toMatch(
      /parley_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/,
    );
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt('wrong password')).status);
    // The sign-in page again (401) until the account's limit for this address, then a page saying why, even with the right password.
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(-1)).toEqual([429]);
    const refused = await attempt(users.buyer.password).expect(429);
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.text).toContain('<h1>Too many attempts</h1>');
    expect(refused.text).toMatch(/Too many failed sign-ins\. Please try again in \d+ (minutes|seconds)\./);
  });

  it('answers every page with hostile query parameters below 500', async () => {
    const pages = [
      '/app/inbox',
      '/app/inbox/items',
      '/app/inbox/badge',
      `/app/inbox/${randomUUID()}`,
      '/app/inbox/not-an-id',
      '/app/dashboard',
      '/app/cases',
      '/app/cases/new',
      `/app/cases/${caseId}`,
      `/app/cases/${caseId}/why`,
      '/app/orders',
      '/app/claims',
      '/app/claims/new',
      `/app/claims/${claimId}`,
      '/app/queue',
      '/app/reports',
      '/app/settings',
      '/app/performance',
      '/app/admin/users',
      '/app/admin/calendars',
      '/app/admin/broadcasts',
      '/app/admin/deliveries',
      '/app/admin/audit',
      '/app/admin/clock',
      '/app/login',
    ];
    const queries = [
      '',
      '?q=%22unbalanced&category=bogus&unread=maybe&in=attic&cursor=%%%',
      `?q=${encodeURIComponent("'); DROP TABLE users; -- !!(a|b) <-> & ")}&status=eaten&view=__proto__&cursor=eyJ9`,
      `?orderId=${randomUUID()}&caseId=x&calendar=${randomUUID()}&start=not-a-date&days=1e9&role=root&action=%00`,
      '?next=https://evil.example&q=%F0%9F%98%80&status=awaiting_seller&calendar=marketplace&start=2026-12-24T09:00&days=2',
    ];
    const failures: string[] = [];
    for (const role of Object.keys(users)) {
      const { cookie } = session(users[role]);
      for (const page of pages) {
        for (const query of queries) {
          const response = await t.http.get(`${page}${query}`).set('Cookie', cookie);
          if (response.status >= 500) failures.push(`${role} GET ${page}${query} → ${response.status}`);
          if (response.status === 200 && !String(response.headers['content-type']).startsWith('text/html'))
            failures.push(`${role} GET ${page}${query}: ${response.headers['content-type']}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
