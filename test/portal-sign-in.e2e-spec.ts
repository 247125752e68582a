import type { Response } from 'supertest';
import { csrfTokenOf, LOGIN_CSRF_TTL_SECONDS, newLoginCsrf } from '../src/auth/browser-session.js';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './support/app.js';
import { createUser, TEST_PASSWORD, TestUser } from './support/factories.js';

// Limits are shared through the database, so each test comes from an address of its own (TRUST_PROXY believes X-Forwarded-For).
const ENV = { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT_PER_ACCOUNT: '5', LOGIN_RATE_WINDOW_SECONDS: '600' };
let addresses = 0;
const freshAddress = () => `192.0.2.${++addresses}`;

/** A Set-Cookie header of a response by cookie name: its value and its attributes as written. */
function setCookie(response: Response, name: string): { value: string; header: string } | undefined {
  const headers = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const header = headers.find((candidate) => candidate.startsWith(`${name}=`));
  return header === undefined
    ? undefined
    : { value: decodeURIComponent(header.slice(name.length + 1).split(';')[0]), header };
}

/**
 * The portal's sign-in and sessions against a hostile neighbour: a sign-in
 * form's CSRF pair cannot be forged, cookies cannot be planted by another
 * site on https, every session can be ended at once, and guesses of the
 * current password are limited without locking the address out of sign-in.
 */
describe('portal sign-in and sessions', () => {
  let t: TestApp;
  /** The same application served as https (PUBLIC_URL), on the same database. */
  let secure: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ENV });
    secure = await startTestApp({
      env: { ...ENV, PUBLIC_URL: 'https://parley.example' },
      database: t.database,
      clock: t.clock,
    });
  });
  afterAll(async () => {
    await secure.close();
    await t.close();
  });

  /** The sign-in page's CSRF pair, as a browser holds it: the cookie and the form's hidden field. */
  async function loginForm(
    app: TestApp,
    cookieName: string,
    address: string,
  ): Promise<{ cookie: string; field: string }> {
    const page = await app.http.get('/app/login').set('X-Forwarded-For', address).expect(200);
    const cookie = setCookie(page, cookieName);
    expect(cookie).toBeDefined();
    return { cookie: `${cookieName}=${cookie!.value}`, field: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] };
  }

  const signIn = (
    app: TestApp,
    cookie: string,
    field: string,
    user: TestUser,
    address: string,
    password = user.password,
  ) =>
    app.http
      .post('/app/login')
      .set('X-Forwarded-For', address)
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: field, next: '/app/settings', email: user.email, password });

  /** Signs in through the form (http), returning the session cookie and the session's CSRF token from the settings page. */
  async function portalSession(user: TestUser, address = freshAddress()): Promise<{ cookie: string; csrf: string }> {
    const form = await loginForm(t, 'parley_login_csrf', address);
    const signedIn = await signIn(t, form.cookie, form.field, user, address).expect(303);
    const cookie = `parley_session=${setCookie(signedIn, 'parley_session')!.value}`;
    const settings = await t.http.get('/app/settings').set('Cookie', cookie).expect(200);
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(settings.text)![1] };
  }

  const apiToken = async (app: TestApp, user: TestUser, address = freshAddress()) =>
    (
      await app.http
        .post('/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: user.email, password: user.password })
        .expect(200)
    ).body.accessToken as string;

  const authVersion = async (user: TestUser) =>
    (await t.sql.query(`SELECT auth_version FROM users WHERE id = $1`, [user.id])).rows[0].auth_version as number;

  describe('the sign-in form’s CSRF pair', () => {
    it('refuses a forged cookie and field, equal or not, and a pair past its time; the pair the page gave signs in', async () => {
      const user = await createUser(t.sql, 'buyer');
      const address = freshAddress();
      const real = await loginForm(t, 'parley_login_csrf', address);
      const other = await loginForm(t, 'parley_login_csrf', address);
      const nonce = real.cookie.split('=')[1].split('.')[0];
      const later = Math.floor(Date.now() / 1000) + 3600;
      const expired = newLoginCsrf(TEST_JWT_SECRET, Date.now() - (LOGIN_CSRF_TTL_SECONDS + 60) * 1000);
      const forged: [string, string, string][] = [
        ['an equal cookie and field', 'parley_login_csrf=attacker-chosen-token', 'attacker-chosen-token'],
        ['an equal well-formed pair', `parley_login_csrf=${nonce}.${later}`, `${nonce}.${later}`],
        [
          'a field signed with another secret',
          `parley_login_csrf=${nonce}.${later}`,
          newLoginCsrf('not the server secret', Date.now()).field,
        ],
        [
          'the session CSRF token of the nonce',
          `parley_login_csrf=${nonce}.${later}`,
          csrfTokenOf(TEST_JWT_SECRET, `${nonce}.${later}`),
        ],
        ['a field of another page', real.cookie, other.field],
        ['the real field without its cookie', '', real.field],
        ['a pair past its time', `parley_login_csrf=${expired.cookie}`, expired.field],
      ];
      for (const [what, cookie, field] of forged) {
        const refused = await signIn(t, cookie, field, user, address);
        expect(`${what}: ${refused.status}`).toBe(`${what}: 403`);
        expect(setCookie(refused, 'parley_session')).toBeUndefined();
        expect(refused.text).toContain('The sign-in form has expired; reload the page and try again');
      }
      // A sibling site's page posting the real pair (the browser says so) is refused too.
      await signIn(t, real.cookie, real.field, user, address).set('Sec-Fetch-Site', 'same-site').expect(403);

      // A wrong password shows the form again with a field that still fits its cookie.
      const wrong = await signIn(t, real.cookie, real.field, user, address, 'not the password').expect(401);
      const again = /name="_csrf" value="([^"]+)"/.exec(wrong.text)![1];
      const signedIn = await signIn(t, real.cookie, again, user, address)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(303);
      expect(signedIn.headers.location).toBe('/app/settings');
      const session = setCookie(signedIn, 'parley_session')!;
      expect(session.header).toMatch(/^parley_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(setCookie(signedIn, 'parley_login_csrf')!.header).toMatch(
        /^parley_login_csrf=; Max-Age=0; Path=\/; .*Expires=Thu, 01 Jan 1970/,
      );
      await t.http.get('/app/settings').set('Cookie', `parley_session=${session.value}`).expect(200);
    });

    it('on plain http keeps the bare cookie names, without Secure', async () => {
      const page = await t.http.get('/app/login').set('X-Forwarded-For', freshAddress()).expect(200);
      expect(setCookie(page, 'parley_login_csrf')!.header).toMatch(
        /^parley_login_csrf=[\w-]{32}\.\d+; Max-Age=7200; Path=\/; HttpOnly; SameSite=Strict$/,
      );
    });
  });

  describe('with PUBLIC_URL on https', () => {
    it('names its cookies __Host- (Secure, Path=/, no Domain), reads only those, and a signed-in page works with them', async () => {
      const user = await createUser(t.sql, 'seller');
      const address = freshAddress();
      const page = await secure.http.get('/app/login').set('X-Forwarded-For', address).expect(200);
      expect(setCookie(page, 'parley_login_csrf')).toBeUndefined();
      const loginCookie = setCookie(page, '__Host-parley_login_csrf')!;
      expect(loginCookie.header).toMatch(
        /^__Host-parley_login_csrf=[\w-]{32}\.\d+; Max-Age=7200; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
      );
      const field = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];

      // The bare name, which a sibling subdomain could set, is not the sign-in cookie here.
      await signIn(secure, `parley_login_csrf=${loginCookie.value}`, field, user, address).expect(403);
      const signedIn = await signIn(
        secure,
        `__Host-parley_login_csrf=${loginCookie.value}`,
        field,
        user,
        address,
      ).expect(303);
      expect(setCookie(signedIn, 'parley_session')).toBeUndefined();
      const session = setCookie(signedIn, '__Host-parley_session')!;
      expect(session.header).toMatch(
        /^__Host-parley_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      expect(setCookie(signedIn, '__Host-parley_login_csrf')!.header).toMatch(
        /^__Host-parley_login_csrf=; Max-Age=0; Path=\/; .*Secure/,
      );
      for (const header of [loginCookie.header, session.header]) expect(header).not.toMatch(/Domain=/i);

      const settings = await secure.http
        .get('/app/settings')
        .set('Cookie', `__Host-parley_session=${session.value}`)
        .expect(200);
      expect(settings.text).toContain('<h1>Settings</h1>');
      const bare = await secure.http.get('/app/settings').set('Cookie', `parley_session=${session.value}`).expect(303);
      expect(bare.headers.location).toBe('/app/login?next=%2Fapp%2Fsettings');

      const csrf = /name="_csrf" value="([^"]+)"/.exec(settings.text)![1];
      const out = await secure.http
        .post('/app/logout')
        .set('Cookie', `__Host-parley_session=${session.value}`)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      expect(setCookie(out, '__Host-parley_session')!.header).toMatch(
        /^__Host-parley_session=; Max-Age=0; Path=\/; .*Secure/,
      );
      await secure.http.get('/app/settings').set('Cookie', `__Host-parley_session=${session.value}`).expect(303);
    });

    it('leaves its notices in a __Host- cookie and shows no notice another site planted under the bare name', async () => {
      const user = await createUser(t.sql, 'buyer');
      const address = freshAddress();
      const form = await loginForm(secure, '__Host-parley_login_csrf', address);
      const signedIn = await signIn(secure, form.cookie, form.field, user, address).expect(303);
      const cookie = `__Host-parley_session=${setCookie(signedIn, '__Host-parley_session')!.value}`;
      const settings = await secure.http.get('/app/settings').set('Cookie', cookie).expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(settings.text)![1];
      const out = await secure.http
        .post('/app/logout')
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      const flash = setCookie(out, '__Host-parley_flash')!;
      expect(flash.header).toMatch(/^__Host-parley_flash=[^;]+; Max-Age=60; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(setCookie(out, 'parley_flash')).toBeUndefined();
      const shown = await secure.http
        .get('/app/login')
        .set('Cookie', `__Host-parley_flash=${encodeURIComponent(flash.value)}`)
        .expect(200);
      expect(shown.text).toContain(flash.value.replace(/&/g, '&amp;').slice(0, 20));

      const planted = 'Your account is suspended. Call 555 0100';
      const page = await secure.http
        .get('/app/login')
        .set('Cookie', `parley_flash=${encodeURIComponent(planted)}`)
        .expect(200);
      expect(page.text).not.toContain('Call 555');
    });
  });

  describe('sign out everywhere', () => {
    it('POST /auth/logout-all ends the API and portal sessions of the caller on every instance, and no one else’s', async () => {
      const user = await createUser(t.sql, 'buyer');
      const bystander = await createUser(t.sql, 'buyer');
      const api = await apiToken(t, user);
      const elsewhere = await apiToken(secure, user);
      const theirs = await apiToken(t, bystander);
      const portal = await portalSession(user);
      // Each instance has checked (and cached) the sessions it will be asked about.
      await secure.http.get('/me').set('Authorization', `Bearer ${elsewhere}`).expect(200);
      await t.http.get('/app/settings').set('Cookie', portal.cookie).expect(200);
      const before = await authVersion(user);

      await t.http.post('/auth/logout-all').expect(401);
      await t.http.post('/auth/logout-all').set('Authorization', `Bearer ${api}`).expect(204);

      expect(await authVersion(user)).toBe(before + 1);
      await t.http.get('/me').set('Authorization', `Bearer ${api}`).expect(401);
      await secure.http.get('/me').set('Authorization', `Bearer ${elsewhere}`).expect(401);
      const page = await t.http.get('/app/settings').set('Cookie', portal.cookie).expect(303);
      expect(page.headers.location).toBe('/app/login?next=%2Fapp%2Fsettings');
      await t.http.get('/me').set('Authorization', `Bearer ${theirs}`).expect(200);
      const after = await apiToken(secure, user);
      await t.http.get('/me').set('Authorization', `Bearer ${after}`).expect(200);

      const spec = (await t.http.get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
      };
      const operation = spec.paths['/auth/logout-all']?.post;
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['204', '401']));
      expect(operation?.security).toEqual([{ bearer: [] }]);
    });

    it('the settings page’s button signs out every session with its CSRF token, and the sign-in page says so', async () => {
      const user = await createUser(t.sql, 'agent');
      const portal = await portalSession(user);
      const other = await portalSession(user);
      const api = await apiToken(t, user);
      const settings = await t.http.get('/app/settings').set('Cookie', portal.cookie).expect(200);
      expect(settings.text).toMatch(
        /<form method="post" action="\/app\/logout-all"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+"/,
      );
      expect(settings.text).toContain('<button type="submit">Sign out everywhere</button>');
      const before = await authVersion(user);

      for (const csrf of [undefined, '', other.csrf]) {
        await t.http
          .post('/app/logout-all')
          .set('Cookie', portal.cookie)
          .type('form')
          .send(csrf === undefined ? {} : { _csrf: csrf })
          .expect(403);
      }
      expect(await authVersion(user)).toBe(before);
      await t.http.get('/me').set('Authorization', `Bearer ${api}`).expect(200);

      const done = await t.http
        .post('/app/logout-all')
        .set('Cookie', portal.cookie)
        .type('form')
        .send({ _csrf: portal.csrf })
        .expect(303);
      expect(done.headers.location).toBe('/app/login');
      expect(setCookie(done, 'parley_session')!.header).toMatch(/^parley_session=; Max-Age=0; Path=\//);
      expect(await authVersion(user)).toBe(before + 1);
      await t.http.get('/me').set('Authorization', `Bearer ${api}`).expect(401);
      await t.http.get('/app/settings').set('Cookie', other.cookie).expect(303);
      await t.http.get('/app/settings').set('Cookie', portal.cookie).expect(303);

      const flash = setCookie(done, 'parley_flash')!;
      const login = await t.http
        .get('/app/login')
        .set('Cookie', `parley_flash=${encodeURIComponent(flash.value)}`)
        .expect(200);
      expect(login.text).toContain('You are signed out everywhere');
      expect(login.text).toContain('<h1>Sign in to Parley</h1>');
    });
  });

  describe('guesses of the current password', () => {
    it('refuses the sixth wrong current password of an account with 429 and Retry-After, and its address still signs in', async () => {
      const user = await createUser(t.sql, 'seller');
      const bystander = await createUser(t.sql, 'seller');
      const address = freshAddress();
      const token = await apiToken(t, user, address);
      const change = (currentPassword: string, from = address, bearer = token) =>
        t.http
          .put('/me/password')
          .set('X-Forwarded-For', from)
          .set('Authorization', `Bearer ${bearer}`)
          .send({ currentPassword, newPassword: 'a brand new long password' });

      for (let i = 1; i <= 5; i++) {
        const wrong = await change(`guess ${i}`, i % 2 ? address : freshAddress()).expect(400);
        expect(wrong.body.errors[0].field).toBe('currentPassword');
      }
      const refused = await change('guess 6').expect(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body.detail).toMatch(/^Too many wrong current passwords; try again in \d+ seconds$/);
      // Within the window even the right one is refused: the limit is on guessing, not on who is right.
      await change(TEST_PASSWORD).expect(429);
      const hash = async () =>
        (await t.sql.query(`SELECT password_hash FROM users WHERE id = $1`, [user.id])).rows[0].password_hash as string;
      const unchanged = await hash();

      // The address was never counted against sign-in: the account signs in from it, and so does anyone else.
      expect(
        (await t.sql.query(`SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE $1`, [`login:%${address}`]))
          .rows[0].n,
      ).toBe(0);
      await t.http
        .post('/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: user.email, password: TEST_PASSWORD })
        .expect(200);
      await t.http
        .post('/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: bystander.email, password: TEST_PASSWORD })
        .expect(200);
      // Another account's guesses are its own.
      await change('a guess', address, await apiToken(t, bystander, address)).expect(400);
      expect(await hash()).toBe(unchanged);
    });

    it('starts the count again after the right current password', async () => {
      const user = await createUser(t.sql, 'buyer');
      const token = await apiToken(t, user);
      const change = (currentPassword: string, newPassword = 'a brand new long password') =>
        t.http.put('/me/password').set('Authorization', `Bearer ${token}`).send({ currentPassword, newPassword });
      for (let i = 1; i <= 4; i++) await change(`guess ${i}`).expect(400);
      const same = await change(TEST_PASSWORD, TEST_PASSWORD).expect(400);
      expect(same.body.errors[0].field).toBe('newPassword');
      for (let i = 1; i <= 5; i++) await change(`guess ${i}`).expect(400);
      await change('guess 6').expect(429);
    });

    it('the portal’s change-password form shows the refusal, and the address still signs in through the form', async () => {
      const user = await createUser(t.sql, 'buyer');
      const address = freshAddress();
      const portal = await portalSession(user, address);
      const change = (currentPassword: string) =>
        t.http
          .post('/app/settings/password')
          .set('X-Forwarded-For', address)
          .set('Cookie', portal.cookie)
          .type('form')
          .send({ _csrf: portal.csrf, currentPassword, newPassword: 'a brand new long password' });
      for (let i = 1; i <= 5; i++) {
        const wrong = await change(`guess ${i}`).expect(400);
        expect(wrong.text).toContain('This is not your current password');
        expect(wrong.text).not.toContain('currentPassword');
      }
      const refused = await change('guess 6').expect(429);
      expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.text).toContain('<h1>Too many attempts</h1>');
      expect(refused.text).toMatch(/Too many wrong current passwords\. Please try again in \d+ (minutes|seconds)\./);
      // Sent from the settings page, the refusal is that page again: the form is still there, the wait in minutes.
      const onItsPage = await t.http
        .post('/app/settings/password')
        .set('X-Forwarded-For', address)
        .set('Cookie', portal.cookie)
        .type('form')
        .send({
          _csrf: portal.csrf,
          _page: '/app/settings',
          currentPassword: 'guess 7',
          newPassword: 'a brand new long password',
        })
        .expect(429);
      expect(onItsPage.text).toContain('action="/app/settings/password"');
      expect(onItsPage.text).toMatch(
        /role="alert"[^>]*><p>Too many wrong current passwords\. Please try again in \d+ minutes\.<\/p>/,
      );
      // Still signed in, and the address signs in again through the form.
      await t.http.get('/app/settings').set('Cookie', portal.cookie).expect(200);
      const again = await portalSession(user, address);
      await t.http.get('/app/settings').set('Cookie', again.cookie).expect(200);
    });
  });
});
