import { signUnsubscribeToken } from '../src/notifications/unsubscribe-token.js';
import { TEST_JWT_SECRET, TestApp } from './support/app.js';
import { checkPage, portalInBrowser, signIn } from './support/browser.js';
import { createUser, TestUser } from './support/factories.js';

const NOW = '2026-03-02T17:00:00Z';

/**
 * Pages a person reaches by a link rather than by the portal's navigation: an
 * email's unsubscribe link (a portal page, while the RFC 8058 one-click POST
 * that mail clients send still answers plainly) and an /app address that does
 * not exist (the portal's 404 page, while the API's unknown paths stay
 * problem+json).
 */
describe('pages reached by a link', () => {
  const portal = portalInBrowser({ app: 'per-file', start: NOW, users: {} });
  const { newPage } = portal;
  let t: TestApp, base: string, buyer: TestUser;

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const promotionsEmail = async (user: TestUser): Promise<boolean> =>
    (await t.http.get('/me/email-preferences').set('Authorization', as(user)).expect(200)).body.categories.promotions
      .email as boolean;
  const linkFor = (user: TestUser, at = new Date(NOW)) =>
    `/unsubscribe?token=${signUnsubscribeToken(TEST_JWT_SECRET, { userId: user.id, category: 'promotions' }, at)}`;

  beforeAll(() => {
    ({ t, base } = portal);
  });
  beforeEach(async () => {
    buyer = await createUser(t.sql, 'buyer');
  });

  describe('an email’s unsubscribe link', () => {
    it('opens a portal page that asks first and changes nothing', async () => {
      const response = await t.http.get(linkFor(buyer)).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('<link rel="stylesheet" href="/app/assets/portal.css"/>');
      expect(response.text).toMatch(/<h1>Stop “Promotions” emails\?<\/h1>/);
      expect(response.text).toContain('<form method="post" action="/app/unsubscribe"');
      expect(await promotionsEmail(buyer)).toBe(true);
    });

    it('in a browser: the button turns promotions off and the page says what was turned off and where to turn it back on', async () => {
      const page = await newPage();
      await page.goto(base + linkFor(buyer));
      await checkPage(page, 'unsubscribe-confirm');
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.waitForURL(`${base}/app/unsubscribe`);
      await checkPage(page, 'unsubscribed');
      expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
      expect(await page.getByRole('status').filter({ hasText: 'turned off' }).textContent()).toBe(
        'Emails about “Promotions” are turned off for your account.',
      );
      expect(await promotionsEmail(buyer)).toBe(false);

      await page.getByRole('link', { name: 'Turn them back on in your email settings' }).click();
      await page.waitForURL((url) => url.pathname === '/app/login');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/app/settings');
      await signIn(page, base, buyer);
      await page.goto(`${base}/app/settings`);
      expect(await page.getByRole('checkbox', { name: 'Promotions' }).isChecked()).toBe(false);
    });

    it('unsubscribing again from the page is harmless and says the same', async () => {
      const token = linkFor(buyer).split('token=')[1];
      for (let i = 0; i < 2; i++) {
        const response = await t.http.post('/app/unsubscribe').type('form').send({ token }).expect(200);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.text).toContain('<h1>You are unsubscribed</h1>');
        expect(response.text).toContain('<a href="/app/settings">');
      }
      expect(await promotionsEmail(buyer)).toBe(false);
    });

    it('a forged, expired or missing token is a page saying the link does not work (400), and nothing changes', async () => {
      const forged = signUnsubscribeToken(
        'another secret',
        { userId: buyer.id, category: 'promotions' },
        new Date(NOW),
      );
      const expired = linkFor(buyer, new Date('2025-01-01T00:00:00Z'));
      for (const response of [
        await t.http.get(`/unsubscribe?token=${forged}`),
        await t.http.get(expired),
        await t.http.get('/unsubscribe'),
        await t.http.post('/app/unsubscribe').type('form').send({ token: forged }),
        await t.http.post('/app/unsubscribe').type('form').send('token=a&token=b'),
        await t.http.post('/app/unsubscribe').type('form').send('List-Unsubscribe=One-Click'),
      ]) {
        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.text).toContain('<h1>This unsubscribe link does not work</h1>');
      }
      expect(await promotionsEmail(buyer)).toBe(true);

      const page = await newPage();
      await page.goto(`${base}/unsubscribe?token=${forged}`);
      await checkPage(page, 'unsubscribe-invalid');
    });

    it('the RFC 8058 one-click POST that mail clients send still answers plainly (200 JSON, no page, no redirect)', async () => {
      const response = await t.http.post(linkFor(buyer)).type('form').send('List-Unsubscribe=One-Click').expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toEqual({ unsubscribed: true, category: 'promotions' });
      expect(await promotionsEmail(buyer)).toBe(false);
    });
  });

  describe('an /app address that does not exist', () => {
    it('is the portal’s 404 page for any method, while the API’s unknown paths stay problem+json', async () => {
      for (const response of [
        await t.http.get('/app/no-such-page'),
        await t.http.get('/app/cases/not/a/page?x=1'),
        await t.http.post('/app/no-such-form').type('form').send('a=b'),
      ]) {
        expect(response.status).toBe(404);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.text).toContain('<h1>Page not found</h1>');
        expect(response.text).toContain('<a href="/app">Back to the start</a>');
      }
      for (const path of ['/no-such-path', '/cases/not/a/route', '/appx']) {
        const response = await t.http.get(path).set('Authorization', as(buyer)).expect(404);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 404, title: 'Not found' });
      }
      // The pages that exist are not shadowed by the catch-all.
      expect((await t.http.get('/app/login').expect(200)).text).toContain('Sign in');
      expect((await t.http.get('/app/assets/portal.css').expect(200)).headers['content-type']).toMatch(/^text\/css/);
    });

    it('in a browser, signed in: the 404 page keeps the navigation and links back', async () => {
      const page = await newPage();
      await signIn(page, base, buyer);
      const response = await page.goto(`${base}/app/orders/old-bookmark/details`);
      expect(response?.status()).toBe(404);
      await checkPage(page, 'not-found');
      expect(await page.locator('h1').textContent()).toBe('Page not found');
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).count()).toBe(
        1,
      );
      await page.getByRole('link', { name: 'Back to the start' }).click();
      await page.waitForURL(`${base}/app/inbox`);
    });
  });
});
