import type { Browser, Locator, Page } from 'playwright-core';
import type { Role } from '../src/users/user.entity.js';
import { csrfTokenOf } from '../src/auth/browser-session.js';
import { TestApp, TEST_JWT_SECRET } from './support/app.js';
import { checkPage, portalInBrowser, signIn } from './support/browser.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createOrder, TestUser } from './support/factories.js';

const DAY = 86_400_000;

/** One form of one role, sent with something wrong, and what the person must then see. */
interface Refusal {
  name: string;
  role: Role;
  url: () => string;
  /** The form, found in the page by this selector. */
  form: string;
  /** Field name → what is typed or chosen. */
  fill?: Record<string, string>;
  /** The button that sends the form (a name), else the form's first submit button. */
  button?: string;
  /** Done after the page loaded and before the form is sent: another tab, another person, another state. */
  before?: () => Promise<void>;
  /** What the page must say. */
  says: RegExp;
  /** Where it must say it: beside this field, or (by default) at the top of the form or the page. */
  beside?: string;
}

/**
 * Every form of every role, sent once with bad input, in Chromium with and
 * without JavaScript: the refusal must be visible on the page, next to the
 * field it is about, in words for people (no internal field names), with what
 * was typed still there and no earlier notice left standing.
 */
describe('refused forms say why, in place', () => {
  const portal = portalInBrowser({ app: 'per-file', env: { POST_RATE_LIMIT_PER_MINUTE: '100000' } });
  let browser: Browser, t: TestApp, base: string, users: Record<Role, TestUser>;
  let caseId: string;
  /** A case for each run (with and without JavaScript) that someone else resolves while its page is open. */
  const resolvable: Record<string, string> = {};
  let reviewedClaimId: string;
  /** A claim support denied: the buyer may appeal. */
  let deniedClaimId: string;
  let claimableOrderId: string;
  let claimId: string;
  let freeOrderId: string;
  let itemId: string;
  let escalationCaseId: string;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;

  beforeAll(async () => {
    ({ browser, t, base, users } = portal);
    const { buyer, seller, admin } = users;
    ({ caseId } = await orderWithCase(t, admin, buyer, seller));
    const claimed = await orderWithCase(t, admin, buyer, seller);
    for (const run of ['js', 'plain']) resolvable[run] = (await orderWithCase(t, admin, buyer, seller)).caseId;
    // A case the seller leaves unanswered: a claim about its order becomes possible.
    claimableOrderId = (await orderWithCase(t, admin, buyer, seller)).orderId;
    const reviewed = await orderWithCase(t, admin, buyer, seller);
    const denied = await orderWithCase(t, admin, buyer, seller);
    freeOrderId = (await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id, {})).id;
    t.clock.advance(6 * DAY);
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
    escalationCaseId = caseId;
    claimId = (await fileClaim(t, buyer, claimed.orderId)).id;
    // A claim the seller answered is under review: support's forms are on its page.
    reviewedClaimId = (await fileClaim(t, buyer, reviewed.orderId)).id;
    await t.http
      .post(`/claims/${reviewedClaimId}/respond`)
      .set('Authorization', as(seller))
      .send({ body: 'It was packed well.' })
      .expect(200);
    deniedClaimId = (await fileClaim(t, buyer, denied.orderId)).id;
    await t.http
      .post(`/claims/${deniedClaimId}/respond`)
      .set('Authorization', as(seller))
      .send({ body: 'It arrived whole.' })
      .expect(200);
    await t.http
      .post(`/claims/${deniedClaimId}/decide`)
      .set('Authorization', as(users.agent))
      .send({ outcome: 'denied', note: 'The photos show no damage.' })
      .expect(200);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Confirm your card at the courier page.' })
      .expect(201);
    const inbox = await t.http.get('/inbox?limit=50').set('Authorization', as(buyer)).expect(200);
    itemId = (inbox.body.items as { id: string }[])[0].id;
  });

  const refusals = (run: string): Refusal[] => [
    {
      name: 'sign-in with an address that is not one',
      role: 'buyer',
      url: () => '/app/login',
      form: 'form[action="/app/login"]',
      fill: { email: 'not-an-email', password: 'whatever it is' },
      says: /Wrong email or password/,
    },
    {
      name: 'a new case without a subject',
      role: 'buyer',
      url: () => `/app/cases/new?orderId=${freeOrderId}`,
      form: 'form[action="/app/cases"]',
      fill: { subject: '', body: 'This text must survive the refusal.' },
      says: /Please fill this in/,
      beside: 'subject',
    },
    {
      name: 'an empty reply',
      role: 'buyer',
      url: () => `/app/cases/${caseId}`,
      form: `form[action="/app/cases/${caseId}/messages"]`,
      fill: { body: '' },
      says: /Please fill this in/,
      beside: 'body',
    },
    {
      name: 'a claim above the order total',
      role: 'buyer',
      url: () => `/app/claims/new?orderId=${claimableOrderId}`,
      form: 'form[action="/app/claims"]',
      fill: { amount: '5000', body: 'The parcel never came.' },
      says: /^This must not exceed the order total, \$25\.99$/,
      beside: 'amount',
    },
    {
      name: 'an empty claim message',
      role: 'buyer',
      url: () => `/app/claims/${claimId}`,
      form: `form[action="/app/claims/${claimId}/messages"]`,
      fill: { body: '' },
      says: /Please fill this in/,
      beside: 'body',
    },
    {
      name: 'a report with too long a reason',
      role: 'buyer',
      url: () => `/app/inbox/${itemId}`,
      form: `form[action="/app/inbox/${itemId}/report"]`,
      fill: { reason: 'x'.repeat(2001) },
      says: /2000 characters or fewer/,
      beside: 'reason',
    },
    {
      name: 'a bulk action with nothing chosen',
      role: 'buyer',
      url: () => '/app/inbox',
      form: 'form#bulk',
      button: 'Delete',
      says: /Select at least one message, or apply the action to every message matching this view/,
    },
    {
      name: 'a wrong current password',
      role: 'buyer',
      url: () => '/app/settings',
      form: 'form[action="/app/settings/password"]',
      fill: { currentPassword: 'not my password at all', newPassword: 'a brand new long password' },
      says: /^This is not your current password/,
      beside: 'currentPassword',
    },
    {
      name: 'a decision without its note',
      role: 'agent',
      url: () => `/app/claims/${reviewedClaimId}`,
      form: `form[action="/app/claims/${reviewedClaimId}/decide"]`,
      fill: { outcome: 'denied', note: '' },
      says: /Please fill this in/,
      beside: 'note',
    },
    {
      name: 'an appeal without a reason',
      role: 'buyer',
      url: () => `/app/claims/${deniedClaimId}`,
      form: `form[action="/app/claims/${deniedClaimId}/appeal"]`,
      fill: { body: '' },
      says: /Please fill this in/,
      beside: 'body',
    },
    {
      name: 'a profile time zone that does not exist',
      role: 'seller',
      url: () => '/app/profile',
      form: 'form[method="post"][action="/app/profile"]',
      fill: { timeZone: 'Europe/Munich' },
      says: /IANA time zone/,
      beside: 'timeZone',
    },
    {
      name: 'a Message Center search with too many words',
      role: 'buyer',
      url: () => '/app/inbox',
      form: 'form[method="get"][action="/app/inbox"]',
      fill: { q: Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') },
      says: /Search with at most 256 characters/,
      beside: 'q',
    },
    {
      name: 'an orders search that is too long',
      role: 'buyer',
      url: () => '/app/orders',
      form: 'form[method="get"][action="/app/orders"]',
      fill: { q: 'x'.repeat(201) },
      says: /at most 200 characters/,
      beside: 'q',
    },
    {
      name: 'a deadline preview over more days than allowed',
      role: 'admin',
      url: () => `/app/admin/calendars?calendar=${users.seller.id}`,
      form: 'form[method="get"]:has([name="days"])',
      fill: { days: '31' },
      says: /from 1 to 30/,
      beside: 'days',
    },
    {
      name: 'a display name that poses as the marketplace',
      role: 'buyer',
      url: () => '/app/profile',
      form: 'form[method="post"][action="/app/profile"]',
      fill: { displayName: 'Marketplace Support' },
      says: /marketplace/i,
      beside: 'displayName',
    },
    {
      name: 'resolving a case someone already resolved',
      role: 'buyer',
      url: () => `/app/cases/${resolvable[run]}`,
      form: `form[action="/app/cases/${resolvable[run]}/resolve"]`,
      before: async () => {
        await t.http
          .post(`/cases/${resolvable[run]}/resolve`)
          .set('Authorization', as(users.buyer))
          .send({})
          .expect(200);
      },
      says: /Cannot resolve a case that is resolved/,
    },
    {
      name: 'a refund above the order total',
      role: 'seller',
      url: () => `/app/claims/${claimId}`,
      form: `form[action="/app/claims/${claimId}/refund"]`,
      fill: { amount: '99.00' },
      says: /^This must not exceed the order total, \$25\.99$/,
      beside: 'amount',
    },
    {
      name: 'an empty response to a claim',
      role: 'seller',
      url: () => `/app/claims/${claimId}`,
      form: `form[action="/app/claims/${claimId}/respond"]`,
      fill: { body: '' },
      says: /Please fill this in/,
      beside: 'body',
    },
    {
      name: 'a seller’s empty reply',
      role: 'seller',
      url: () => `/app/cases/${caseId}`,
      form: `form[action="/app/cases/${caseId}/messages"]`,
      fill: { body: '' },
      says: /Please fill this in/,
      beside: 'body',
    },
    {
      name: 'an empty request for information',
      role: 'agent',
      url: () => `/app/claims/${reviewedClaimId}`,
      form: `form[action="/app/claims/${reviewedClaimId}/request-info"]`,
      fill: { body: '' },
      says: /Please fill this in/,
      beside: 'body',
    },
    {
      name: 'an escalation resolved with too long a note',
      role: 'agent',
      url: () => `/app/cases/${escalationCaseId}`,
      form: 'form[data-escalation-action="resolve"]',
      fill: { note: 'n'.repeat(2001) },
      says: /2000 characters or fewer/,
      beside: 'note',
    },
    {
      name: 'a user whose email exists',
      role: 'admin',
      url: () => '/app/admin/users',
      form: 'form[method="post"][action="/app/admin/users"]',
      // The buyer exists only once the tests run.
      get fill() {
        return {
          displayName: 'Second buyer',
          email: users.buyer.email,
          password: 'a long enough password',
          role: 'buyer',
        };
      },
      says: /already/i,
    },
    {
      name: 'a seller in a time zone that does not exist',
      role: 'admin',
      url: () => '/app/admin/users',
      form: 'form[method="post"][action="/app/admin/users"]',
      fill: {
        displayName: 'Munich shop',
        email: `munich-${Date.now()}@example.test`,
        password: 'a long enough password',
        role: 'seller',
        timeZone: 'Europe/Munich',
      },
      says: /time zone/i,
      beside: 'timeZone',
    },
    {
      name: 'a closure that ends before it starts',
      role: 'admin',
      url: () => `/app/admin/calendars?calendar=${users.seller.id}`,
      form: 'form[action*="/closures"]',
      fill: { name: 'Inventory', from: '2026-12-29', to: '2026-12-28' },
      says: /before|after/i,
    },
    {
      name: 'a broadcast without a subject',
      role: 'admin',
      url: () => '/app/admin/broadcasts',
      form: 'form[action="/app/admin/broadcasts"]',
      fill: { subject: '', body: 'Support answers until 23 December.' },
      says: /Please fill this in/,
      beside: 'subject',
    },
  ];

  /** Types or chooses a value; a choice the list lacks is added, as a hand-made request could send it (then true). */
  async function fillField(form: Locator, name: string, value: string): Promise<boolean> {
    const field = form.locator(`[name="${name}"]`).first();
    const tag = await field.evaluate((element) => element.tagName.toLowerCase());
    if (tag === 'select') {
      const added = await field.evaluate((select, wanted) => {
        const list = select as unknown as { options: { value: string }[]; append(option: unknown): void };
        const offered = Array.from(list.options).some((option) => option.value === wanted);
        if (!offered) {
          const doc = (globalThis as unknown as { document: { createElement(tag: string): { value: string } } })
            .document;
          const option = doc.createElement('option');
          option.value = wanted;
          list.append(option);
        }
        return !offered;
      }, value);
      await field.selectOption(value);
      return added;
    }
    await field.fill(value);
    return false;
  }

  for (const javaScript of [true, false]) {
    describe(javaScript ? 'with JavaScript (htmx)' : 'without JavaScript', () => {
      const pages = new Map<Role, Page>();
      const pageOf = async (role: Role, signedIn: boolean): Promise<Page> => {
        const key = (signedIn ? role : 'anonymous') as Role;
        let page = pages.get(key);
        if (!page) {
          const context = await browser.newContext({
            viewport: { width: 1280, height: 900 },
            javaScriptEnabled: javaScript,
          });
          page = await context.newPage();
          if (signedIn) await signIn(page, base, users[role]);
          pages.set(key, page);
        }
        return page;
      };

      // The ids the forms need exist once the tests run: the list is built again inside each test.
      const run = javaScript ? 'js' : 'plain';
      it.each(refusals(run).map((refusal) => refusal.name))('%s', async (name) => {
        const refusal = refusals(run).find((each) => each.name === name)!;
        const page = await pageOf(refusal.role, !refusal.url().startsWith('/app/login'));
        await page.goto(`${base}${refusal.url()}`);
        const form = page.locator(refusal.form).first();
        await form.waitFor({ state: 'attached', timeout: 10_000 });
        // A form folded away (Report suspicious) is opened as its reader would.
        await form.evaluate((element) => {
          const details = element.closest('details') as unknown as { open: boolean } | null;
          if (details) details.open = true;
        });
        // The browser's own checks (required, maxlength) would stop some of these before they leave: the server's answer is what is tested.
        const boosted = await form.evaluate((element) => {
          (element as unknown as { noValidate: boolean }).noValidate = true;
          for (const field of element.querySelectorAll('[maxlength]')) field.removeAttribute('maxlength');
          return element.closest('[hx-boost]')?.getAttribute('hx-boost') === 'true';
        });
        const made = new Set<string>();
        for (const [name, value] of Object.entries(refusal.fill ?? {}))
          if (await fillField(form, name, value)) made.add(name);
        await refusal.before?.();
        if (javaScript && boosted)
          await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
        const button = refusal.button
          ? form.getByRole('button', { name: refusal.button })
          : form.locator('button[type="submit"], button:not([type])').first();
        await button.click();
        const alert = page.locator('.field-error, [role="alert"]').filter({ hasText: refusal.says }).first();
        await alert.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
          const shown = await page.locator('body').innerText();
          throw new Error(
            `${refusal.name}: no visible ${String(refusal.says)} at ${page.url()}; the page says:\n${shown}`,
          );
        });
        if (javaScript && boosted) {
          // htmx swapped the answer into the same document: no page load happened.
          await expect(page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).resolves.toBe(1);
        }
        const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
        // Written for people: no internal field paths like `amount.amount` or `currentPassword`.
        expect(text).not.toMatch(/\b\w+\.\w+ (must|should)|currentPassword|newPassword|displayName/);
        const sent = page.locator(refusal.form).first();
        if (refusal.beside) {
          const field = sent.locator(`[name="${refusal.beside}"]:not([type="hidden"])`).first();
          await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
          const described = await field.getAttribute('aria-describedby');
          const message = page.locator(`[id="${described!.split(' ').pop()}"]`);
          await expect(message.innerText()).resolves.toMatch(refusal.says);
          // Said once: the message beside the field is not repeated at the top.
          const repeated = await page
            .locator('main')
            .getByText(await message.innerText(), { exact: true })
            .count();
          expect(repeated).toBe(1);
        }
        for (const [name, value] of Object.entries(refusal.fill ?? {})) {
          // A password is never sent back; a choice the list never offered cannot be chosen again.
          if (name.toLowerCase().includes('password') || made.has(name)) continue;
          const field = sent.locator(`[name="${name}"]:not([type="hidden"])`).first();
          if ((await field.count()) === 0) continue;
          await expect(field.inputValue()).resolves.toBe(value);
        }
      });
    });
  }

  describe('over plain HTTP', () => {
    /** The cookie and CSRF token of a portal session, as the browser holds them. */
    const session = (user: TestUser) => {
      const token = t.tokenFor(user);
      const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
      return { cookie: `parley_session=${token}`, csrf: csrfTokenOf(TEST_JWT_SECRET, jti) };
    };

    it('shows only a page of the portal: an address elsewhere gets the plain error page', async () => {
      const admin = session(users.admin);
      for (const page of ['//evil.example/app', 'https://evil.example/app/admin/broadcasts', '/docs', '/app\\evil']) {
        const refused = await t.http
          .post('/app/admin/broadcasts')
          .set('Cookie', admin.cookie)
          .type('form')
          .send({ _csrf: admin.csrf, _page: page, category: 'notices', audience: 'all', subject: '', body: 'Hi' })
          .expect(400);
        expect(refused.text).toContain('<h1>Please check what you entered</h1>');
        expect(refused.text).not.toContain('action="/app/admin/broadcasts"');
        expect(refused.text).toContain('Please fill this in.');
      }
    });

    it('a refused search (GET) shows its page without the query, the search kept and the error beside it', async () => {
      const buyer = session(users.buyer);
      const long = 'parcel '.repeat(40).trim();
      const refused = await t.http
        .get(`/app/cases?q=${encodeURIComponent(long)}`)
        .set('Cookie', buyer.cookie)
        .expect(400);
      expect(refused.text).toMatch(/<h1[^>]*>/);
      expect(refused.text).toMatch(new RegExp(`name="q"[^>]*value="${long}"[^>]*aria-invalid="true"`));
      expect(refused.text).toContain('class="field-error"');
    });
  });

  it('clears an earlier notice: "Created …" does not stay beside the refusal of the next user', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, users.admin);
    await page.goto(`${base}/app/admin/users`);
    const form = page.locator('form[method="post"][action="/app/admin/users"]');
    const email = `twice-${Date.now()}@example.test`;
    const fill = async () => {
      await fillField(form, 'displayName', 'Twice');
      await fillField(form, 'email', email);
      await fillField(form, 'password', 'a long enough password');
      await fillField(form, 'role', 'buyer');
    };
    await fill();
    await form.getByRole('button').first().click();
    await page.getByText(`Created ${email}`).waitFor();
    await fill();
    await form.getByRole('button').first().click();
    await page
      .locator('[role="alert"]')
      .filter({ hasText: /already/i })
      .waitFor();
    await expect(page.getByText(`Created ${email}`).count()).resolves.toBe(0);
    await checkPage(page, 'refused-user');
  });
});
