import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '@kitajs/html';
import { csrfTokenOf } from '../src/auth/browser-session.js';
import { Locales } from '../src/i18n/locales.js';
import { TEST_JWT_SECRET } from './support/app.js';
import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser } from './support/browser.js';
import { createUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';

/**
 * The admin's pages as a person uses them, in Chromium: time zones and
 * countries chosen from lists, the deadline preview on the calendar's own
 * clock, closures as dates, an audit log with names and filters to choose,
 * broadcasts previewed and confirmed before they go, then in the history.
 */
describe('admin pages in a browser', () => {
  // The pseudo-locale is served too: a language to choose for someone while only the English catalogue exists.
  const portal = portalInBrowser({ users: { admin: {} }, env: { PSEUDO_LOCALE: 'true' } });
  const { pageFor } = portal;
  let t: TestApp, base: string, admin: TestUser;

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const named = async (user: TestUser, name: string) =>
    void (await t.sql.query('UPDATE users SET display_name = $2 WHERE id = $1', [user.id, name]));
  /** The cookie and CSRF token of a session, as a browser without JavaScript would send them. */
  const session = (user: TestUser) => {
    const token = t.tokenFor(user);
    const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    return { cookie: `parley_session=${token}`, csrf: csrfTokenOf(TEST_JWT_SECRET, jti) };
  };

  beforeEach(async () => {
    ({ t, base } = portal);
    ({ admin } = portal.users);
    await named(admin, 'Ada Admin');
  });

  it('creates a seller with a time zone and a country chosen from lists, whose values are the codes the API takes', async () => {
    const page = await pageFor(admin);
    const zone = page.getByLabel('Time zone');
    const country = page.getByLabel('Holiday country');
    expect(await zone.evaluate((element) => element.tagName)).toBe('SELECT');
    expect(await country.evaluate((element) => element.tagName)).toBe('SELECT');
    expect(await zone.locator('option[value="Europe/Berlin"]').textContent()).toBe('Europe/Berlin');
    expect(await zone.locator('option[value="Europe/Munich"]').count()).toBe(0);
    expect(await country.locator('option[value="DE"]').textContent()).toBe('Germany (DE)');
    expect(await country.locator('option[value="none"]').textContent()).toBe('No public holidays');
    await checkPage(page, 'admin-ux-users');

    await page.getByLabel('Name').fill('Bergschuh GmbH');
    await page.getByLabel('Email').fill('shop@bergschuh.example');
    await page.getByLabel('Password (at least 12 characters)').fill('a long enough password');
    await page.getByLabel('Role').selectOption('seller');
    await zone.selectOption('Europe/Berlin');
    await country.selectOption({ label: 'Germany (DE)' });
    await page.getByLabel('Region (optional)').fill('BY');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Created shop@bergschuh.example').waitFor();
    const [created] = (await t.sql.query(`SELECT id FROM users WHERE email = 'shop@bergschuh.example'`)).rows;
    const calendar = await t.http.get(`/sellers/${created.id}/calendar`).set('Authorization', as(admin)).expect(200);
    expect(calendar.body).toMatchObject({ timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });
  });

  it('sets a person’s language from the user list with a form that needs no browser, as PUT /users/:id would', async () => {
    const chosen = existsSync(join(process.cwd(), 'src', 'i18n', 'locales', 'de.json')) ? 'de' : 'en-XA';
    const language = new Locales({ pseudo: true }).messages(chosen).languageName;
    const buyer = await createUser(t.sql, 'buyer');
    const { cookie, csrf } = session(admin);
    const choose = (locale: string) =>
      t.http
        .post(`/app/admin/users/${buyer.id}/locale`)
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: csrf, _page: '/app/admin/users', locale });
    const formOf = async () => {
      const list = await t.http.get('/app/admin/users').set('Cookie', cookie).expect(200);
      const action = `action="/app/admin/users/${buyer.id}/locale"`;
      return new RegExp(`<form method="post" ${action}[\\s\\S]*?</form>`).exec(list.text)?.[0] ?? '';
    };
    /** The notice the next page shows, from the flash cookie of a redirect. */
    const noticeAfter = async (answer: { headers: Record<string, unknown> }) => {
      const flash = ([answer.headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('parley_flash='));
      const next = await t.http
        .get('/app/admin/users')
        .set('Cookie', [cookie, flash!.split(';')[0]].join('; '))
        .expect(200);
      return /<p class="notice">([^<]*)<\/p>/.exec(next.text)?.[1];
    };

    const before = await formOf();
    expect(before).toContain(`aria-label="Language of Test buyer"`);
    expect(before).toContain('<option value="" selected>Not chosen (their browser’s language)</option>');
    expect(before).toContain(`<option value="${chosen}" lang="${chosen}">${escapeHtml(language)}</option>`);

    const saved = await choose(chosen).expect(303);
    expect(saved.headers.location).toBe('/app/admin/users');
    await expect(noticeAfter(saved)).resolves.toBe(escapeHtml(`Pages for ${buyer.email} are now in ${language}`));
    expect((await t.sql.query('SELECT locale FROM users WHERE id = $1', [buyer.id])).rows).toEqual([
      { locale: chosen },
    ]);
    const audited = await t.sql.query(
      `SELECT actor_id, subject_id FROM audit_log WHERE action = 'user.locale_set' AND subject_id = $1`,
      [buyer.id],
    );
    expect(audited.rows).toEqual([{ actor_id: admin.id, subject_id: buyer.id }]);
    await expect(formOf()).resolves.toContain(`<option value="${chosen}" lang="${chosen}" selected>`);
    const me = await t.http.get('/me').set('Authorization', as(buyer)).expect(200);
    expect(me.body).toMatchObject({ locale: chosen, localeChosen: true });

    // A language Parley does not speak is refused, and nothing changes.
    await choose('tlh').expect(400);
    expect((await t.sql.query('SELECT locale FROM users WHERE id = $1', [buyer.id])).rows).toEqual([
      { locale: chosen },
    ]);

    // "Not chosen" clears it: the buyer's pages follow their browser again.
    const cleared = await choose('').expect(303);
    await expect(noticeAfter(cleared)).resolves.toBe(
      escapeHtml(`Pages for ${buyer.email} now follow their browser’s language`),
    );
    expect((await t.sql.query('SELECT locale FROM users WHERE id = $1', [buyer.id])).rows).toEqual([{ locale: null }]);
  });

  it('refuses a time zone that does not exist when it is posted anyway, with a 400 naming the field', async () => {
    const page = await pageFor(admin);
    await page.getByLabel('Name').fill('Munich Shoes');
    await page.getByLabel('Email').fill('shop@munich.example');
    await page.getByLabel('Password (at least 12 characters)').fill('a long enough password');
    await page.getByLabel('Role').selectOption('seller');
    // Not on the list: a hand-edited page (or an old bookmark's form) sends it all the same.
    await page.getByLabel('Time zone').evaluate((select) => {
      const option = select.ownerDocument.createElement('option');
      option.value = 'Europe/Munich';
      option.textContent = 'Europe/Munich';
      select.append(option);
    });
    await page.getByLabel('Time zone').selectOption('Europe/Munich');
    await page.getByLabel('Holiday country').selectOption('DE');
    const [response] = await Promise.all([
      page.waitForResponse(
        (answer) => answer.url().endsWith('/app/admin/users') && answer.request().method() === 'POST',
      ),
      page.getByRole('button', { name: 'Create user' }).click(),
    ]);
    expect(response.status()).toBe(400);
    // Where the message sits is the refused-form page's business (docs/portal.md); here: it is shown, about the zone.
    await page
      .getByText(/must be an IANA time zone/)
      .first()
      .waitFor();
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Munich Shoes');

    // Without a browser's help: the same answer, naming the field, and nobody created.
    const { cookie, csrf } = session(admin);
    const posted = await t.http.post('/app/admin/users').set('Cookie', cookie).type('form').send({
      _csrf: csrf,
      displayName: 'Munich Shoes',
      email: 'shop@munich.example',
      password: 'a long enough password',
      role: 'seller',
      timeZone: 'Europe/Munich',
      country: 'DE',
    });
    expect(posted.status).toBe(400);
    expect(posted.text).toMatch(/Time zone: This must be an IANA time zone such as Europe\/Berlin/);
    expect((await t.sql.query(`SELECT 1 FROM users WHERE email = 'shop@munich.example'`)).rowCount).toBe(0);
  });

  it('takes the preview time on the calendar’s clock and shows the deadline in its zone; closures read as dates', async () => {
    const seller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });
    const page = await pageFor(admin);
    await page.goto(`${base}/app/admin/calendars?calendar=${seller.id}`);
    // The form starts at the application's time on Berlin's clock (17:00 UTC is 18:00 there in March).
    await expect(page.getByLabel('Message arrives (Europe/Berlin time)').inputValue()).resolves.toBe(
      '2026-03-02T18:00',
    );
    await page.getByLabel('Message arrives (Europe/Berlin time)').fill('2026-12-24T09:00');
    await page.getByLabel('Business days').fill('2');
    await page.getByRole('button', { name: 'Preview' }).click();
    // 09:00 in Berlin is 08:00 UTC; Christmas and the weekend are skipped: due Tuesday 29 December, 09:00 in Berlin.
    const due = page.locator('time.deadline');
    await expect(due.getAttribute('datetime')).resolves.toBe('2026-12-29T08:00:00.000Z');
    await expect(due.textContent()).resolves.toMatch(/29 Dec.*09:00/);
    await expect(page.getByLabel('Message arrives (Europe/Berlin time)').inputValue()).resolves.toBe(
      '2026-12-24T09:00',
    );

    await page.getByLabel('New closure: name').fill('Stocktaking');
    await page.getByLabel('First closed day').fill('2026-03-23');
    await page.getByLabel('Last closed day').fill('2026-03-23');
    await page.getByRole('button', { name: 'Add closure' }).click();
    await page.getByText('Stocktaking: 23 Mar 2026', { exact: true }).waitFor();
    await page.getByLabel('New closure: name').fill('Move');
    await page.getByLabel('First closed day').fill('2026-04-23');
    await page.getByLabel('Last closed day').fill('2026-04-27');
    await page.getByRole('button', { name: 'Add closure' }).click();
    await page.getByText('Move: 23–27 Apr 2026', { exact: true }).waitFor();
    expect(await page.getByText('2026-03-23').count()).toBe(0);
    await checkPage(page, 'admin-ux-calendars');

    // A time that is not one is refused, naming the field.
    const { cookie } = session(admin);
    const refused = await t.http
      .get(`/app/admin/calendars?calendar=${seller.id}&start=2026-02-30T09:00&days=2`)
      .set('Cookie', cookie);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Europe/Berlin');
  });

  it('shows names beside ids in the audit log, filters by a chosen action and actor, and pages both ways', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    await named(buyer, 'Bea Buyer');
    const agent = await createUser(t.sql, 'agent');
    await named(agent, 'Otto Agent');
    await t.http.post(`/users/${buyer.id}/disable`).set('Authorization', as(admin)).expect(200);
    await t.http
      .post('/calendars/marketplace/closures')
      .set('Authorization', as(admin))
      .send({ name: 'Inventory', from: '2026-04-06', to: '2026-04-06' })
      .expect(201);
    const page = await pageFor(admin);
    await page.getByRole('link', { name: 'Audit log' }).click();
    const disabled = page.getByRole('row').filter({ hasText: 'User disabled' });
    await expect(disabled.getByRole('cell').nth(1).textContent()).resolves.toContain('Ada Admin');
    await expect(disabled.getByRole('cell').nth(3).textContent()).resolves.toContain('User: Bea Buyer');
    await expect(disabled.getByRole('cell').nth(3).textContent()).resolves.toContain(buyer.id);
    const closure = page.getByRole('row').filter({ hasText: 'Closure added' });
    await expect(closure.getByRole('cell').nth(3).textContent()).resolves.toContain('Calendar: Marketplace');
    await checkPage(page, 'admin-ux-audit');

    // Filters are chosen, not typed: the actions the log records, and the people in it.
    expect(await page.getByLabel('Action', { exact: true }).evaluate((element) => element.tagName)).toBe('SELECT');
    expect(await page.getByLabel('By', { exact: true }).locator('option').allTextContents()).toEqual([
      'Anyone',
      'Ada Admin',
    ]);
    await page.getByLabel('Action', { exact: true }).selectOption({ label: 'User disabled' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=user.disabled/);
    const actions = await page.locator('tbody td[data-label="Action"] code').allTextContents();
    expect(actions).toEqual(['user.disabled']);
    await expect(page.getByLabel('Action', { exact: true }).inputValue()).resolves.toBe('user.disabled');

    // Sixty more entries by the agent: the log pages older and back newer, keeping the chosen actor.
    for (let i = 0; i < 60; i++)
      await t.sql.query(
        `INSERT INTO audit_log (actor_id, actor_role, action, subject_type, subject_id, at) VALUES ($1, 'agent', 'escalation.assigned', 'escalation', NULL, $2)`,
        [agent.id, new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000)],
      );
    await page.goto(`${base}/app/admin/audit`);
    await page.getByLabel('By', { exact: true }).selectOption({ label: 'Otto Agent' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/actorId=/);
    const who = page.locator('tbody td[data-label="Who"]');
    const instants = () =>
      page.locator('tbody time').evaluateAll((times) => times.map((time) => time.getAttribute('datetime')));
    expect(await who.count()).toBe(50);
    expect(new Set(await who.allTextContents()).size).toBe(1);
    await expect(who.first().textContent()).resolves.toContain('Otto Agent');
    expect(await page.getByRole('link', { name: '← Newer' }).count()).toBe(0);
    const firstPage = await instants();
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.getByRole('link', { name: '← Newer' }).waitFor();
    expect(await who.count()).toBe(10);
    expect(await page.getByRole('link', { name: 'Older →' }).count()).toBe(0);
    await page.getByRole('link', { name: '← Newer' }).click();
    await page.getByRole('link', { name: 'Older →' }).waitFor();
    expect(await instants()).toEqual(firstPage);
    expect(await page.getByRole('link', { name: '← Newer' }).count()).toBe(0);
    await expect(page.getByLabel('By', { exact: true }).inputValue()).resolves.toBe(agent.id);
  });

  it('previews a broadcast with its audience, sends it only when confirmed, then lists it in the history', async () => {
    const buyers = [await createUser(t.sql, 'buyer'), await createUser(t.sql, 'buyer')];
    await createUser(t.sql, 'seller');
    const page = await pageFor(admin);
    await page.getByRole('link', { name: 'Broadcasts' }).click();
    await page.getByText('No broadcasts yet.').waitFor();
    await checkPage(page, 'admin-ux-broadcasts-empty');
    await page.getByLabel('Category').selectOption('promotions');
    await page.getByLabel('Audience').selectOption('buyers');
    await page.getByLabel('Subject').fill('Spring sale');
    await page.getByLabel('Message').fill('Everything half price <b>this week</b>.');
    await page.getByRole('button', { name: 'Preview' }).click();

    await page.getByRole('heading', { name: 'Check the broadcast' }).waitFor();
    const preview = page.getByRole('article', { name: 'The message as people will see it' });
    await expect(preview.getByRole('heading').textContent()).resolves.toBe('Spring sale');
    await expect(preview.locator('.body').textContent()).resolves.toBe('Everything half price <b>this week</b>.');
    await page.getByText('It goes to buyers: 2 people now, 2 of them by email').waitFor();
    expect((await t.sql.query('SELECT count(*)::int AS n FROM broadcasts')).rows[0].n).toBe(0);
    await checkPage(page, 'admin-ux-broadcast-preview');

    // Back to the form with what was written, and forward again.
    await page.getByRole('button', { name: 'Change the message' }).click();
    await expect(page.getByLabel('Subject').inputValue()).resolves.toBe('Spring sale');
    await expect(page.getByLabel('Audience').inputValue()).resolves.toBe('buyers');
    await expect(page.getByLabel('Category').inputValue()).resolves.toBe('promotions');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Send to 2 people' }).click();
    await page.getByText('Sent to 2 people, 2 by email').waitFor();
    expect((await t.sql.query('SELECT subject, audience, recipients FROM broadcasts')).rows).toEqual([
      { subject: 'Spring sale', audience: 'buyers', recipients: 2 },
    ]);

    const row = page.getByRole('row').filter({ hasText: 'Spring sale' });
    await expect(row.locator('td[data-label="By"]').textContent()).resolves.toBe('Ada Admin');
    await expect(row.locator('td[data-label="Audience"]').textContent()).resolves.toBe('Buyers: 2 people');
    await expect(row.locator('td[data-label="In Message Centers"]').textContent()).resolves.toBe('0 of 2');
    await expect(row.locator('time').getAttribute('datetime')).resolves.toBe('2026-03-02T17:00:00.000Z');
    // A buyer looks at the Message Center: the broadcast is delivered to that one.
    await t.http.get('/inbox').set('Authorization', as(buyers[0])).expect(200);
    await page.reload();
    await expect(row.locator('td[data-label="In Message Centers"]').textContent()).resolves.toBe('1 of 2');
    await checkPage(page, 'admin-ux-broadcasts');

    // Twenty-two more: the history pages older and back newer, 20 a page.
    for (let n = 1; n <= 22; n++)
      await t.sql.query(
        `INSERT INTO broadcasts (category, subject, body, audience, recipients, created_by, created_at) VALUES ('notices', $1, 'b', 'all', 0, $2, $3)`,
        [`Notice ${n}`, admin.id, new Date(Date.parse('2026-03-02T17:00:00Z') + n * 60_000)],
      );
    const subjects = () =>
      page.locator('table.broadcast-history td[data-label="Subject"] > span:first-child').allTextContents();
    const newestFirst = [...Array.from({ length: 22 }, (_, i) => `Notice ${22 - i}`), 'Spring sale'];
    await page.goto(`${base}/app/admin/broadcasts`);
    expect(await subjects()).toEqual(newestFirst.slice(0, 20));
    expect(await page.getByRole('link', { name: '← Newer' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.getByRole('link', { name: '← Newer' }).waitFor();
    expect(await subjects()).toEqual(newestFirst.slice(20));
    expect(await page.getByRole('link', { name: 'Older →' }).count()).toBe(0);
    await checkPage(page, 'admin-ux-broadcasts-older');
    await page.getByRole('link', { name: '← Newer' }).click();
    await page.getByRole('link', { name: 'Older →' }).waitFor();
    expect(await subjects()).toEqual(newestFirst.slice(0, 20));
    expect(await page.getByRole('link', { name: '← Newer' }).count()).toBe(0);
    for (const [query, message] of [
      ['before=abc', 'Before: This is not a page of the history'],
      ['after=-1', 'After: This is not a page of the history'],
      ['before=3&after=1', 'After: This cannot be given with before'],
    ] as const) {
      const response = await page.goto(`${base}/app/admin/broadcasts?${query}`);
      expect(response?.status()).toBe(400);
      await expect(page.locator('main').innerText()).resolves.toContain(message);
    }
  });
});
