import type { Page } from 'playwright-core';
import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser } from './support/browser.js';
import { createUser, TestUser } from './support/factories.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The account pages in Chromium: the profile (name, email, time zone; a
 * seller's business calendar beside it), settings describing each email
 * category, and a seller's performance whose figures add up. One database
 * for the file; each test signs in with a browser context of its own.
 */
describe('account pages in a browser', () => {
  const portal = portalInBrowser({
    app: 'per-file',
    users: { admin: {}, buyer: {}, seller: { timeZone: 'America/Los_Angeles' } },
  });
  const { pageFor } = portal;
  let t: TestApp, base: string, admin: TestUser, buyer: TestUser, seller: TestUser;
  beforeAll(() => {
    ({ t, base } = portal);
    ({ admin, buyer, seller } = portal.users);
  });
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;

  const fact = (page: Page, term: string, section = page.locator('main')) =>
    section.locator('dl.facts dt', { hasText: term }).first().locator('xpath=following-sibling::dd[1]').textContent();

  it('the profile shows name, email and time zone, and changes the name and zone', async () => {
    const page = await pageFor(seller);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'View or change your profile' }).click();
    await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/profile');
    await expect(fact(page, 'Name')).resolves.toBe('Test seller');
    await expect(fact(page, 'Email')).resolves.toBe(seller.email);
    await expect(fact(page, 'Time zone')).resolves.toMatch(/^Not chosen/);
    // The seller's business calendar is shown beside it, read-only, with its own zone.
    const calendar = page.locator('section', { has: page.getByRole('heading', { name: 'Your business calendar' }) });
    await expect(fact(page, 'Time zone', calendar)).resolves.toBe('America/Los_Angeles');
    await expect(calendar.textContent()).resolves.toContain('admins manage it');
    await expect(calendar.locator('input, select').count()).resolves.toBe(0);
    // Every IANA zone the runtime knows is offered, none chosen yet.
    const zone = page.getByLabel('Time zone');
    await expect(zone.locator('option').count()).resolves.toBeGreaterThan(300);
    await expect(zone.inputValue()).resolves.toBe('');
    await checkPage(page, 'account-profile');

    await page.getByLabel('Display name').fill('Sunny Sleeves');
    await zone.selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor();
    await expect(fact(page, 'Name')).resolves.toBe('Sunny Sleeves');
    await expect(fact(page, 'Time zone')).resolves.toBe('Europe/Berlin');
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('Europe/Berlin');
    await expect(page.getByLabel('Display name').inputValue()).resolves.toBe('Sunny Sleeves');
    await expect(page.locator('header .who').textContent()).resolves.toBe('Sunny Sleeves');
    // The business calendar is not moved by the person's own zone.
    await expect(fact(page, 'Time zone', calendar)).resolves.toBe('America/Los_Angeles');
    const stored = await t.sql.query('SELECT display_name, time_zone FROM users WHERE id = $1', [seller.id]);
    expect(stored.rows).toEqual([{ display_name: 'Sunny Sleeves', time_zone: 'Europe/Berlin' }]);
    const me = await t.http.get('/me').set('Authorization', as(seller)).expect(200);
    expect(me.body).toMatchObject({ displayName: 'Sunny Sleeves', timeZone: 'Europe/Berlin' });
    expect(me.body.seller.timeZone).toBe('America/Los_Angeles');

    // "Not chosen" clears the zone again.
    await page.getByLabel('Time zone').selectOption('');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText(/^Not chosen: times are shown/).waitFor();
    await expect(fact(page, 'Time zone')).resolves.toMatch(/^Not chosen/);
    const cleared = await t.sql.query('SELECT time_zone FROM users WHERE id = $1', [seller.id]);
    expect(cleared.rows).toEqual([{ time_zone: null }]);
  });

  it('a buyer’s profile has no business calendar', async () => {
    const page = await pageFor(buyer);
    await page.goto(`${base}/app/profile`);
    await expect(fact(page, 'Email')).resolves.toBe(buyer.email);
    await expect(page.getByRole('heading', { name: 'Your business calendar' }).count()).resolves.toBe(0);
    await checkPage(page, 'account-profile-buyer');
  });

  it('refuses an unknown time zone or a look-alike name with a 400 naming the field, in the API and the form', async () => {
    const api = await t.http.put('/me').set('Authorization', as(buyer)).send({ timeZone: 'Europe/Munich' }).expect(400);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.body.errors).toEqual([{ field: 'timeZone', message: expect.stringContaining('IANA time zone') }]);
    const name = await t.http
      .put('/me')
      .set('Authorization', as(buyer))
      .send({ displayName: 'Marketplace Support' })
      .expect(400);
    expect(name.body.errors).toEqual([{ field: 'displayName', message: expect.stringContaining('marketplace') }]);
    await t.http.put('/me').set('Authorization', as(buyer)).send({ role: 'admin' }).expect(400);
    // A name cannot be cleared: null is refused naming the field, not a 500.
    const cleared = await t.http.put('/me').set('Authorization', as(buyer)).send({ displayName: null }).expect(400);
    expect(cleared.body.errors.map((error: { field: string }) => error.field)).toEqual(['displayName']);
    // Staff may say they are staff: the look-alike rule is the role's, as at creation.
    const agent = await createUser(t.sql, 'agent');
    const staff = await t.http
      .put('/me')
      .set('Authorization', as(agent))
      .send({ displayName: 'Maya (support)', timeZone: 'UTC' })
      .expect(200);
    expect(staff.body).toMatchObject({ displayName: 'Maya (support)', timeZone: 'UTC' });

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/profile`);
    const csrf = page.locator('form[action="/app/profile"] input[type="hidden"]').first();
    const refused = await page.request.post(`${base}/app/profile`, {
      form: {
        [(await csrf.getAttribute('name'))!]: (await csrf.getAttribute('value'))!,
        _page: '/app/profile',
        displayName: 'Test buyer',
        timeZone: 'Europe/Munich',
      },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(400);
    // The profile page again, the error under the time zone it names.
    expect(await refused.text()).toMatch(
      /name="timeZone"[^>]*aria-invalid="true"[^>]*>[\s\S]*?<p class="field-error"[^>]*>This must be an IANA time zone/,
    );

    // In the browser, the refusal is shown on the page (beside the field once the portal re-renders refused forms).
    await page.getByLabel('Display name').fill('Marketplace Support');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page
      .locator('main')
      .getByText(/must not contain “marketplace”/)
      .first()
      .waitFor();
    await checkPage(page, 'account-profile-refused');
    const row = await t.sql.query('SELECT display_name, time_zone FROM users WHERE id = $1', [buyer.id]);
    expect(row.rows).toEqual([{ display_name: 'Test buyer', time_zone: null }]);
  });

  it('settings describe each email category in a sentence, and link to the profile', async () => {
    for (const user of [buyer, seller]) {
      const page = await pageFor(user);
      await page.goto(`${base}/app/settings`);
      const boxes = page.locator('input[type="checkbox"][name="email"]');
      const count = await boxes.count();
      expect(count).toBe(5);
      const descriptions: Record<string, string> = {};
      for (let i = 0; i < count; i++) {
        const box = boxes.nth(i);
        const described = await box.getAttribute('aria-describedby');
        const text = (await page.locator(`[id="${described}"]`).textContent())?.trim() ?? '';
        expect(text).toMatch(/^[A-Z].{20,}\.$/);
        descriptions[(await box.getAttribute('value'))!] = text;
      }
      expect(new Set(Object.values(descriptions)).size).toBe(count);
      // Notices are what they are: deadline warnings for a seller, announcements for everyone.
      expect(descriptions.notices).toContain('announcements');
      if (user === seller) expect(descriptions.notices).toContain('reply deadline');
      else expect(descriptions.order_updates).toContain('shipped');
      await expect(page.getByRole('link', { name: 'View or change your profile' }).count()).resolves.toBe(1);
      await checkPage(page, `account-settings-${user.role}`);
    }
  });

  it('performance figures agree: on time, answered late and not answered add up to the reply windows', async () => {
    const open = async (subject: string) =>
      (
        await t.http
          .post('/cases')
          .set('Authorization', as(buyer))
          .send({ sellerId: seller.id, listingRef: 'sleeve', topic: 'question', subject, body: 'Does it fit?' })
          .expect(201)
      ).body.id as string;
    const reply = (caseId: string) =>
      t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body: 'Yes.' }).expect(201);
    t.clock.set('2026-03-09T17:00:00Z');
    const onTime = await open('Answered in an hour');
    const answeredLate = await open('Answered a week later');
    await open('Never answered');
    t.clock.advance(HOUR);
    await reply(onTime);
    t.clock.advance(7 * DAY);
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
    await reply(answeredLate);

    const api = await t.http.get(`/sellers/${seller.id}/performance`).set('Authorization', as(seller)).expect(200);
    const month = api.body.windows.find((w: { days: number }) => w.days === 30);
    expect(month).toMatchObject({ replyCycles: 3, onTimeReplies: 1, lateReplies: 1, missedReplies: 1, flags: 2 });
    expect(api.body.standing).toBe('flagged');

    const page = await pageFor(seller);
    await page.getByRole('link', { name: 'Performance' }).click();
    await page.getByRole('heading', { name: 'Your performance' }).waitFor();
    for (const days of [7, 30, 90]) {
      const card = page.locator(`[data-window="${days}"]`);
      const onTimeText = (await card.locator('[data-figure="on-time"]').textContent())!;
      const [, answered, windows] = /^on time: (\d+) of (\d+) reply windows$/.exec(onTimeText)!.map(Number);
      const lateText = (await card.locator('[data-figure="late"]').textContent())!;
      const [, late, afterDeadline, notAnswered] =
        /^(\d+) late.*: (\d+) answered after the deadline, (\d+) not answered/.exec(lateText)!.map(Number);
      const [, flags] = /^(\d+) flag/.exec((await card.locator('[data-figure="flags"]').textContent())!)!.map(Number);
      expect({ days, answered, late, sum: answered + late }).toEqual({ days, answered, late, sum: windows });
      expect(late).toBe(afterDeadline + notAnswered);
      expect(flags).toBeLessThanOrEqual(late);
      // Escalations are counted with the reply window they are about, so a period without late windows has none.
      const [, escalations] = /^(\d+) escalation/
        .exec((await card.locator('[data-figure="escalations"]').textContent())!)!
        .map(Number);
      expect(escalations).toBeLessThanOrEqual(late);
      if (answered < windows) expect(late).toBeGreaterThan(0);
    }
    const month30 = page.locator('[data-window="30"]');
    await expect(month30.locator('strong').textContent()).resolves.toBe('33.3%');
    await expect(month30.locator('[data-figure="late"]').textContent()).resolves.toMatch(
      /^2 late reply windows: 1 answered after the deadline, 1 not answered by it/,
    );
    // The standing says what set it and what the levels mean.
    const standing = page.locator('section', { has: page.getByRole('heading', { name: /Your standing/ }) });
    await expect(standing.locator('.state').first().textContent()).resolves.toBe('Flagged');
    await expect(standing.textContent()).resolves.toContain('33.3% of your reply windows in the last 30 days');
    await expect(standing.textContent()).resolves.toContain('What moves it');
    // Charts scale to their card: a viewBox and the full width, no fixed pixel size.
    const charts = page.locator('svg.chart');
    await expect(charts.count()).resolves.toBe(4);
    for (let i = 0; i < 4; i++) {
      await expect(charts.nth(i).getAttribute('width')).resolves.toBe('100%');
      await expect(charts.nth(i).getAttribute('viewBox')).resolves.toMatch(/^0 0 \d+ \d+$/);
    }
    await page.setViewportSize({ width: 375, height: 800 });
    // The card's content box: its border box less 1 rem of padding and a 1 px border on each side.
    for (let i = 0; i < 4; i++) {
      const chart = (await charts.nth(i).boundingBox())!;
      const card = (await charts.nth(i).locator('xpath=..').boundingBox())!;
      expect(Math.round(chart.width)).toBe(Math.round(card.width - 34));
      expect(chart.width).toBeLessThanOrEqual(375);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await checkPage(page, 'account-performance');
  });
});
