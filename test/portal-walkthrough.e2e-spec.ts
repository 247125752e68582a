import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_START } from '../src/demo/seed.js';
import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser, signIn } from './support/browser.js';
import { orderWithCase } from './support/claims.js';
import { seedDemoAccounts } from './support/demo.js';
import { createUser, TestUser } from './support/factories.js';
import { englishMessages } from '../src/i18n/locales.js';

/** A countdown's words in English, as the server writes them. */
const remaining = (ms: number) => englishMessages().remaining(ms);

/** Every refusal by the Content-Security-Policy, as a console error naming what was refused and where. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (event) => console.error(
  'CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' +
  event.sourceFile + ':' + event.lineNumber + ' (' + event.sample + ')'), true);`;

/**
 * `npm run demo`'s marketplace walked in Chromium by each of its roles: every
 * page of the role's navigation and its main detail pages, each checked with
 * axe-core and at 375 px (screenshots kept as
 * test-artifacts/portal/walkthrough-<role>-<page>.png), with no console error
 * and no Content-Security-Policy violation on the way, through boosted
 * navigation, form posts and live (SSE) updates.
 */
describe('the demo, walked by role', () => {
  // As `npm run demo` runs: on the simulated clock, its admin first (then the marketplace, below).
  const portal = portalInBrowser({
    app: 'per-file',
    simulated: true,
    start: DEMO_START,
    env: { POST_RATE_LIMIT_PER_MINUTE: '100000' },
    users: { admin: { email: 'admin@demo.parley', password: DEMO_PASSWORD } },
  });
  let base: string;
  let users: Map<string, TestUser>;

  /** A signed-in page of its own for a demo account, with what its console and the CSP report kept in `problems`. */
  const pageFor = async (role: string, problems: string[]): Promise<Page> => {
    const page = await portal.newPage();
    // Injected through the debugging protocol, so the page's own CSP (no inline script) does not stop the listener.
    await page.addInitScript(REPORT_CSP_VIOLATIONS);
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    await signIn(page, base, users.get(role)!);
    return page;
  };

  /** Follows a link of the main navigation (a boosted request, no full load) and checks the page it leads to. */
  const nav = async (page: Page, label: string, name: string) => {
    // "Messages" carries its unread count.
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${label}`) });
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    await page.locator(`header nav a[href="${href}"][aria-current="page"]`).waitFor({ timeout: 5000 });
    await checkPage(page, `walkthrough-${name}`);
  };

  /** Opens the first item of a list by its link (`/app/cases/…`), and checks the detail page. */
  const open = async (page: Page, prefix: string, name: string) => {
    const link = page.locator(`main a[href^="${prefix}"]:not([href$="/new"])`).first();
    const href = (await link.getAttribute('href'))!.replace(/#.*$/, '');
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    await checkPage(page, `walkthrough-${name}`);
  };

  beforeAll(async () => {
    base = portal.base;
    // The marketplace filled through the API, as `npm run demo` does; of each role, an account with every kind of page to show.
    users = await seedDemoAccounts(portal);
  }, 90_000);

  it('as a buyer: messages, orders, cases, claims, settings, a case, a claim and a message; replies on a case', async () => {
    const problems: string[] = [];
    const page = await pageFor('buyer', problems);
    await checkPage(page, 'walkthrough-buyer-messages');
    await open(page, '/app/inbox/', 'buyer-message');
    await nav(page, 'Orders', 'buyer-orders');
    await nav(page, 'Claims', 'buyer-claims');
    await open(page, '/app/claims/', 'buyer-claim');
    await nav(page, 'Cases', 'buyer-cases');
    await open(page, '/app/cases/', 'buyer-case');
    await page.getByLabel('Reply').fill('Thank you, I will wait for the courier.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Thank you, I will wait for the courier.').waitFor();
    await nav(page, 'Settings', 'buyer-settings');
    expect(problems).toEqual([]);
  }, 60_000);

  it('as a seller: dashboard, messages, cases, claims, performance, settings, a case, a claim and a message', async () => {
    const problems: string[] = [];
    const page = await pageFor('seller', problems);
    await checkPage(page, 'walkthrough-seller-dashboard');
    await nav(page, 'Messages', 'seller-messages');
    await open(page, '/app/inbox/', 'seller-message');
    await nav(page, 'Cases', 'seller-cases');
    await open(page, '/app/cases/', 'seller-case');
    await nav(page, 'Claims', 'seller-claims');
    await open(page, '/app/claims/', 'seller-claim');
    await nav(page, 'Performance', 'seller-performance');
    await nav(page, 'Settings', 'seller-settings');
    await page.getByLabel('Promotions').uncheck();
    await page.getByRole('button', { name: 'Save email settings' }).click();
    await page.getByText('Email settings saved').waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it('as an agent: queue, claims, reports, messages, settings, a case, a claim and a message', async () => {
    const problems: string[] = [];
    const page = await pageFor('agent', problems);
    await checkPage(page, 'walkthrough-agent-queue');
    await open(page, '/app/cases/', 'agent-case');
    await nav(page, 'Claims', 'agent-claims');
    await open(page, '/app/claims/', 'agent-claim');
    await nav(page, 'Reports', 'agent-reports');
    await nav(page, 'Messages', 'agent-messages');
    await open(page, '/app/inbox/', 'agent-message');
    await nav(page, 'Settings', 'agent-settings');
    expect(problems).toEqual([]);
  }, 60_000);

  it('every claim, and a case in each state, fits a 375 px screen (as the agent sees them)', async () => {
    const problems: string[] = [];
    const page = await pageFor('agent', problems);
    await page.setViewportSize({ width: 375, height: 800 });
    const { rows } = await portal.t.sql.query<{ path: string }>(`
      SELECT '/app/claims/' || id AS path FROM claims
      UNION ALL SELECT '/app/cases/' || id FROM (SELECT DISTINCT ON (status) id FROM cases ORDER BY status, id) c`);
    expect(rows.length).toBeGreaterThan(10);
    const tooWide: string[] = [];
    for (const { path } of rows) {
      await page.goto(`${base}${path}`);
      const width = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
            .scrollWidth,
      );
      if (width > 375) tooWide.push(`${path}: ${width}px`);
    }
    expect(tooWide).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('as an admin: users, calendars, broadcasts, deliveries, audit log, messages, clock, settings; a broadcast arrives live', async () => {
    const problems: string[] = [];
    const buyerPage = await pageFor('buyer', problems);
    await buyerPage.waitForFunction(() => (globalThis as unknown as { htmx?: unknown }).htmx !== undefined);
    const page = await pageFor('admin', problems);
    await checkPage(page, 'walkthrough-admin-users');
    await nav(page, 'Calendars', 'admin-calendars');
    await nav(page, 'Broadcasts', 'admin-broadcasts');
    await page.getByLabel('Audience').selectOption('buyers');
    await page.getByLabel('Subject').fill('Walkthrough: opening hours at Easter');
    await page.getByLabel('Message').fill('Support answers every day over Easter.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await checkPage(page, 'walkthrough-admin-broadcast-preview');
    await page.getByRole('button', { name: /^Send to \d+ (people|person)$/ }).click();
    await page.getByText(/^Sent to \d+ people/).waitFor();
    // The buyer's open Message Center shows it without a reload.
    await buyerPage.locator('#items').getByRole('link', { name: 'Walkthrough: opening hours at Easter' }).waitFor();
    await nav(page, 'Deliveries', 'admin-deliveries');
    await nav(page, 'Audit log', 'admin-audit');
    await nav(page, 'Messages', 'admin-messages');
    await open(page, '/app/inbox/', 'admin-message');
    await nav(page, 'Clock', 'admin-clock');
    await nav(page, 'Settings', 'admin-settings');
    expect(problems).toEqual([]);
  }, 60_000);

  it('a countdown follows the simulated clock: still while it stands, moved when the admin moves it, without a reload', async () => {
    const problems: string[] = [];
    const page = await pageFor('seller', problems);
    // The browser's own clock, under the test's control: the page must not count down on it while the application's clock stands.
    await page.clock.install();
    await page.goto(`${base}/app/dashboard`);
    const countdown = page.locator('main [data-countdown]').first();
    const until = (await countdown.getAttribute('data-countdown'))!;
    const due = Date.parse(until);
    const appTime = async () => Date.parse((await page.locator('main').getAttribute('data-now'))!);
    const before = await appTime();
    await expect(countdown.textContent()).resolves.toBe(remaining(due - before));
    await page.clock.fastForward('02:00:00');
    await expect(countdown.textContent()).resolves.toBe(remaining(due - before));
    await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));

    const admin = await pageFor('admin', problems);
    await admin.goto(`${base}/app/admin/clock`);
    await admin.getByRole('button', { name: 'Advance 1 day' }).click();
    await admin.getByText('The clock moved forward').waitFor();

    // Boosted navigation away and back: the same page, now on the moved clock.
    await nav(page, 'Cases', 'seller-cases-after-a-day');
    await nav(page, 'Dashboard', 'seller-dashboard-after-a-day');
    expect(await appTime()).toBe(before + 86_400_000);
    const same = page.locator(`main [data-countdown="${until}"]`).first();
    await expect(same.textContent()).resolves.toBe(remaining(due - before - 86_400_000));
    await page.clock.fastForward('00:10:00');
    await expect(same.textContent()).resolves.toBe(remaining(due - before - 86_400_000));
    await expect(page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).resolves.toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);
});

/**
 * The page script on a clock that runs (not simulated): a countdown runs with
 * the browser's time from the application's time the page was rendered at,
 * and keeps running through swaps inside the page (the live stream's), which
 * carry no new time of their own; times are shown in the viewer's chosen zone.
 */
describe('the page script on a running clock', () => {
  const portal = portalInBrowser({ app: 'per-file', users: {} });
  let t: TestApp, base: string;
  beforeAll(() => {
    ({ t, base } = portal);
  });

  it('runs on with the browser from the page’s time, and a live update does not set it back', async () => {
    const admin = await createUser(t.sql, 'admin');
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    await orderWithCase(t, admin, buyer, seller);
    const problems: string[] = [];
    const page = await portal.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    // The browser's clock is months away from the application's: only the difference since the page was read counts.
    await page.clock.install();
    await signIn(page, base, seller);
    await page.waitForFunction(() => (globalThis as unknown as { htmx?: unknown }).htmx !== undefined);
    const countdown = page.locator('main [data-countdown]').first();
    const left = Date.parse((await countdown.getAttribute('data-countdown'))!) - Date.parse('2026-03-02T17:00:00Z');
    // What the page may show `ms` from its deadline: the browser's time moved on a few milliseconds since it was read.
    const shows = async (ms: number) =>
      expect([remaining(ms), remaining(ms - 1000)]).toContain(await countdown.textContent());
    await shows(left);
    await page.clock.fastForward('01:00:00');
    await shows(left - 3_600_000);

    const unread = async () =>
      (
        await t.http
          .get('/inbox/counts')
          .set('Authorization', `Bearer ${t.tokenFor(seller)}`)
          .expect(200)
      ).body.unread.total as number;
    const before = await unread();
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
      .send({
        category: 'notices',
        subject: 'Spring hours',
        body: 'We answer on Saturdays too.',
        audience: 'sellers',
      })
      .expect(201);
    await page
      .locator('#unread-badge')
      .getByText(String(before + 1), { exact: true })
      .waitFor({ timeout: 5000 });
    await page.clock.fastForward('00:00:02');
    await shows(left - 3_602_000);
    expect(problems).toEqual([]);
  });

  it('shows times in the zone the viewer chose on their profile, whatever the browser’s zone', async () => {
    const admin = await createUser(t.sql, 'admin');
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    await t.http
      .put('/me')
      .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
      .send({ timeZone: 'Asia/Tokyo' })
      .expect(200);
    const page = await portal.pageFor(buyer, { timezoneId: 'America/New_York', locale: 'en-US' });
    await page.goto(`${base}/app/cases/${caseId}`);
    const opened = await t.sql.query(`SELECT created_at FROM cases WHERE id = $1`, [caseId]);
    const at = (opened.rows[0] as { created_at: Date }).created_at.toISOString();
    // 17:00 UTC is 02:00 the next morning in Tokyo (GMT+9), and 12:00 in New York; English dates day first, as the server writes them.
    await expect(page.locator(`main time[datetime="${at}"]`).first().textContent()).resolves.toMatch(
      /Tue, 3 Mar 2026, 02:00 GMT\+9/,
    );
  });
});
