import type { Page } from 'playwright-core';
import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser } from './support/browser.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createOrder, createUser, TestUser } from './support/factories.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** An ISO 8601 instant as the API writes it: never text a person should read. */
const ISO_INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

/**
 * Issue 24, claims and orders in Chromium: a claim shows only the deadline
 * its state runs on and, once decided or finished, what happened and when;
 * its history says from which state to which; eligibility is written for
 * the buyer in the buyer's time zone; the orders page searches and pages
 * both ways. Every page visited passes axe and the 375 px check.
 */
describe('portal: claims, eligibility and orders as a person reads them', () => {
  // Each test on a fresh database, from a Monday morning in California.
  const portal = portalInBrowser();
  const { pageFor } = portal;
  let t: TestApp, base: string, admin: TestUser, buyer: TestUser, seller: TestUser, agent: TestUser;

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const post = (user: TestUser, path: string, body: Record<string, unknown> = {}) =>
    t.http.post(path).set('Authorization', as(user)).send(body);
  const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

  /** A claim filed on an order the buyer contacted the seller about 5 days ago; the seller answered when `answered`. */
  const claimOf = async (answered: boolean) => {
    const { orderId } = await orderWithCase(t, admin, buyer, seller, { total: { amount: 3900, currency: 'USD' } });
    t.clock.advance(5 * DAY);
    const claim = await fileClaim(t, buyer, orderId);
    if (answered) await post(seller, `/claims/${claim.id}/respond`, { body: 'It was packed well.' }).expect(200);
    return claim.id;
  };

  beforeEach(() => {
    ({ t, base } = portal);
    ({ admin, buyer, seller, agent } = portal.users);
  });

  it('awaiting the seller: the seller’s deadline counts down; once answered it is gone and the history says from → to', async () => {
    const claimId = await claimOf(false);
    const buyerPage = await pageFor(buyer);
    await buyerPage.goto(`${base}/app/claims/${claimId}`);
    const waiting = await text(buyerPage, 'aside');
    expect(waiting).toMatch(/Seller’s response due Tue, 10 Mar 2026, 17:00 UTC in (3 d 0 h|2 d 23 h)/);
    await expect(buyerPage.locator('aside .countdown').count()).resolves.toBe(1);
    const sellerPage = await pageFor(seller);
    await sellerPage.goto(`${base}/app/claims/${claimId}`);
    expect(await text(sellerPage, 'aside')).toContain('Your response due');

    await post(seller, `/claims/${claimId}/respond`, { body: 'It was packed well.' }).expect(200);
    await buyerPage.reload();
    const answered = await text(buyerPage, 'aside');
    expect(answered).not.toContain('response due');
    expect(answered).toContain('Our team is reviewing the claim');
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);
    await buyerPage.locator('aside summary', { hasText: 'History' }).click();
    const history = await text(buyerPage, '.claim-history');
    expect(history).toContain('Filed → Awaiting seller, automatically');
    expect(history).toMatch(/Awaiting seller → Under review, by \S/);
    expect(history).not.toMatch(ISO_INSTANT);
    await checkPage(buyerPage, 'claims-ux-under-review');
  });

  it('granted: says what happened and when, the appeal window counts down only for the seller, and closed it says so', async () => {
    const claimId = await claimOf(true);
    await post(agent, `/claims/${claimId}/decide`, {
      outcome: 'granted',
      funding: 'marketplace',
      note: 'The photos show transport damage.',
    }).expect(200);

    const buyerPage = await pageFor(buyer);
    await buyerPage.goto(`${base}/app/claims/${claimId}`);
    const granted = await text(buyerPage, 'aside');
    expect(granted).toMatch(/Granted on .*: refunded \$39\.00, paid by the marketplace\./);
    expect(granted).toContain('The seller may appeal until');
    expect(granted).not.toContain('response due');
    expect(granted).not.toMatch(/overdue|in \d+ d/);
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);
    await buyerPage.locator('aside summary', { hasText: 'History' }).click();
    expect(await text(buyerPage, '.claim-history')).toMatch(/Under review → Granted, by \S/);
    await checkPage(buyerPage, 'claims-ux-granted');

    const sellerPage = await pageFor(seller);
    await sellerPage.goto(`${base}/app/claims/${claimId}`);
    expect(await text(sellerPage, 'aside')).toMatch(
      /You may appeal until Mon, 6 Apr 2026, 17:00 UTC in (30 d 0 h|29 d 23 h)/,
    );

    // The window ends, the sweep closes the claim; a month later its row is not "overdue".
    t.clock.advance(31 * DAY);
    await post(admin, '/admin/jobs/claims-sweep/run').expect(200);
    await buyerPage.reload();
    const closed = await text(buyerPage, 'aside');
    expect(await buyerPage.locator('aside .state').first().textContent()).toBe('Closed');
    expect(closed).toMatch(/Granted on .*: refunded \$39\.00/);
    expect(closed).toMatch(/Closed on .*, when the appeal window ended\./);
    expect(closed).not.toMatch(/appeal until|response due|overdue|in \d+ d/);
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);
    await checkPage(buyerPage, 'claims-ux-closed');

    t.clock.advance(30 * DAY);
    await buyerPage.goto(`${base}/app/claims`);
    const row = await text(buyerPage, 'tbody tr');
    expect(row).toMatch(/Granted .*, closed/);
    expect(row).not.toMatch(/overdue|in \d+ d/);
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);
    await checkPage(buyerPage, 'claims-ux-list');
  });

  it('withdrawn: says who withdrew it and when, with no deadline left', async () => {
    const claimId = await claimOf(false);
    await post(buyer, `/claims/${claimId}/withdraw`).expect(200);
    const sellerPage = await pageFor(seller);
    await sellerPage.goto(`${base}/app/claims/${claimId}`);
    const aside = await text(sellerPage, 'aside');
    expect(aside).toMatch(/Withdrawn by the buyer on Sat, 7 Mar 2026, 17:00 UTC\./);
    expect(aside).not.toMatch(/response due|appeal|overdue/i);
    await expect(sellerPage.locator('.countdown').count()).resolves.toBe(0);
    await checkPage(sellerPage, 'claims-ux-withdrawn');
    const buyerPage = await pageFor(buyer);
    await buyerPage.goto(`${base}/app/claims`);
    const row = await text(buyerPage, 'tbody tr');
    expect(row).toContain('Withdrawn');
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);
  });

  it('refunded by the seller, and an appeal reversed: each says what happened and when, with no countdown', async () => {
    const refunded = await claimOf(false);
    await post(seller, `/claims/${refunded}/refund`, { amount: { amount: 1500, currency: 'USD' } }).expect(200);
    const buyerPage = await pageFor(buyer);
    await buyerPage.goto(`${base}/app/claims/${refunded}`);
    const aside = await text(buyerPage, 'aside');
    expect(aside).toMatch(/Refunded by the seller on Sat, 7 Mar 2026, 17:00 UTC: \$15\.00\./);
    expect(aside).not.toMatch(/response due|appeal|overdue/i);
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);

    const appealed = await claimOf(true);
    await post(agent, `/claims/${appealed}/decide`, { outcome: 'denied', note: 'No damage on the photos.' }).expect(
      200,
    );
    t.clock.advance(DAY);
    await post(buyer, `/claims/${appealed}/appeal`, { body: 'Look at the second photo.' }).expect(200);
    await buyerPage.goto(`${base}/app/claims/${appealed}`);
    const waiting = await text(buyerPage, 'aside');
    expect(waiting).toMatch(/Denied on .*\. No damage on the photos\./);
    expect(waiting).toMatch(/Appealed by you on Fri, 13 Mar 2026, 17:00 UTC\./);
    expect(waiting).toContain('Now Our team is reviewing the appeal');
    expect(waiting).not.toMatch(/may appeal|response due|overdue/i);
    await expect(buyerPage.locator('.countdown').count()).resolves.toBe(0);
    await checkPage(buyerPage, 'claims-ux-appealed');

    const second = await createUser(t.sql, 'agent');
    await post(second, `/claims/${appealed}/decide-appeal`, {
      outcome: 'reversed',
      note: 'The photo shows it.',
    }).expect(200);
    await buyerPage.reload();
    expect(await text(buyerPage, 'aside')).toMatch(
      /Appeal reversed on .*: the claim is now granted, refunded \$39\.00, paid by the seller\. The photo shows it\./,
    );
    await buyerPage.locator('aside summary', { hasText: 'History' }).click();
    const history = await text(buyerPage, '.claim-history');
    expect(history).toMatch(/Appealed → Appeal reversed, by \S.*Appeal reversed → Closed, by \S/);
  });

  it('eligibility: the rule that applies now, in the buyer’s own time zone, in an information box', async () => {
    const { orderId } = await orderWithCase(t, admin, buyer, seller);
    const tokyo = await pageFor(buyer, { timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    await tokyo.goto(`${base}/app/claims/new?orderId=${orderId}`);
    const answering = await text(tokyo, 'main');
    expect(answering).toMatch(/You contacted the seller .*\. The seller has until .* to sort it out/);
    expect(answering).not.toContain('Contact the seller');
    expect(answering).not.toMatch(ISO_INSTANT);
    // The times are <time datetime> shown in the reader's zone (Tokyo is UTC+9), not in UTC.
    await expect(tokyo.locator('.eligibility time[datetime]').count()).resolves.toBeGreaterThan(0);
    expect(await text(tokyo, '.eligibility')).toContain('GMT+9');
    expect(await text(tokyo, '.eligibility')).not.toContain('UTC');
    // The seller's 2 business days from Mon 17:00Z end Wed 4 Mar 17:00Z, Thu 02:00 in Tokyo.
    await expect(tokyo.locator('.info-box').innerText()).resolves.toBe(
      'No claim can be made about this order right now. The earliest you can claim is Thu, 5 Mar 2026, 02:00 GMT+9.',
    );
    await expect(tokyo.locator('main .notice').count()).resolves.toBe(0);
    await checkPage(tokyo, 'claims-ux-eligibility-wait');

    // An order the buyer never wrote to the seller about: contact first.
    const other = await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id);
    await tokyo.goto(`${base}/app/claims/new?orderId=${other.id}`);
    const first = await text(tokyo, '.eligibility');
    expect(first).toContain('Contact the seller about this order first');
    expect(first).toContain('within 2 business days');
    await expect(tokyo.locator('.eligibility a', { hasText: 'contact the seller' }).getAttribute('href')).resolves.toBe(
      `/app/cases/new?orderId=${other.id}`,
    );

    // An order whose filing window ended long ago: said so, on the claim page and the orders page.
    const old = await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id, {
      placedAt: '2025-05-01T12:00:00Z',
      maxDeliveryDate: '2025-05-10',
    });
    await tokyo.goto(`${base}/app/claims/new?orderId=${old.id}`);
    expect(await text(tokyo, '.eligibility')).toMatch(
      /^Claims about this order could be made until Sat, 9 Aug 2025, \d\d:00 GMT\+9; that time has passed\.$/,
    );
    await expect(tokyo.locator('.info-box').innerText()).resolves.toBe(
      'No claim can be made about this order right now.',
    );
    await tokyo.goto(`${base}/app/orders?q=${old.externalId}`);
    expect(await text(tokyo, 'article .actions')).toMatch(/Contact seller The time to claim ended Sat, 9 Aug 2025/);

    // Once the seller's time has passed: a claim is possible, until the window closes.
    t.clock.advance(5 * DAY);
    await tokyo.goto(`${base}/app/claims/new?orderId=${orderId}`);
    const open = await text(tokyo, '.eligibility');
    expect(open).toMatch(/^You can claim now, until .*GMT\+9\.$/);
    await expect(tokyo.locator('.info-box').count()).resolves.toBe(0);
    await expect(tokyo.getByRole('button', { name: 'File the claim' }).count()).resolves.toBe(1);
  });

  it('orders: search by what was bought, the order number or its id, and page older and back newer', async () => {
    const made: { id: string; externalId: string; title: string }[] = [];
    for (let index = 0; index < 23; index += 1) {
      const title = index % 2 === 0 ? `Desk lamp ${index}` : `Coffee grinder ${index}`;
      const order = await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id, {
        externalId: `MKT-UX-${String(index).padStart(3, '0')}`,
        placedAt: new Date(Date.parse('2026-01-01T12:00:00Z') + index * HOUR).toISOString(),
        items: [{ title, quantity: 1 }],
      });
      made.push({ ...order, title });
    }
    // Someone else's order matches the search too: never shown.
    const stranger = await createUser(t.sql, 'buyer');
    await createOrder(t.http, t.tokenFor(admin), stranger.id, seller.id, {
      items: [{ title: 'Desk lamp', quantity: 1 }],
    });
    const newestFirst = [...made].reverse();
    const page = await pageFor(buyer);
    const shown = async () => page.locator('article dl dd:first-of-type').allInnerTexts();

    await page.goto(`${base}/app/orders`);
    expect(await shown()).toEqual(newestFirst.slice(0, 10).map((order) => order.externalId));
    await expect(page.getByRole('link', { name: '← Newer orders' }).count()).resolves.toBe(0);
    await checkPage(page, 'claims-ux-orders');
    await page.getByRole('link', { name: 'Older orders →' }).click();
    await page.getByText(newestFirst[10].externalId).waitFor();
    expect(await shown()).toEqual(newestFirst.slice(10, 20).map((order) => order.externalId));
    await page.getByRole('link', { name: 'Older orders →' }).click();
    await page.getByText(newestFirst[22].externalId).waitFor();
    expect(await shown()).toEqual(newestFirst.slice(20).map((order) => order.externalId));
    await expect(page.getByRole('link', { name: 'Older orders →' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: '← Newer orders' }).click();
    await page.getByText(newestFirst[10].externalId).waitFor();
    expect(await shown()).toEqual(newestFirst.slice(10, 20).map((order) => order.externalId));
    await page.getByRole('link', { name: '← Newer orders' }).click();
    await page.getByText(newestFirst[0].externalId).waitFor();
    expect(await shown()).toEqual(newestFirst.slice(0, 10).map((order) => order.externalId));
    await expect(page.getByRole('link', { name: '← Newer orders' }).count()).resolves.toBe(0);
    // The buttons on each order stay.
    await expect(page.getByRole('link', { name: 'Contact seller' }).count()).resolves.toBe(10);

    // What was bought: 12 lamps, on two pages, the search kept while paging.
    await page.getByLabel('Find an order').fill('desk LAMP');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=desk/);
    const lamps = newestFirst.filter((order) => order.title.startsWith('Desk lamp'));
    expect(await shown()).toEqual(lamps.slice(0, 10).map((order) => order.externalId));
    expect(await text(page, 'main')).toContain('Orders matching “desk LAMP”');
    await checkPage(page, 'claims-ux-orders-search');
    await page.getByRole('link', { name: 'Older orders →' }).click();
    await page.getByText(lamps[11].externalId).waitFor();
    expect(await shown()).toEqual(lamps.slice(10).map((order) => order.externalId));
    await page.getByRole('link', { name: '← Newer orders' }).click();
    await page.getByText(lamps[0].externalId).waitFor();
    expect(await shown()).toEqual(lamps.slice(0, 10).map((order) => order.externalId));

    // The order number, part of it, and the order's id; wildcards are plain text.
    for (const [query, expected] of [
      ['MKT-UX-007', [made[7].externalId]],
      ['ux-02', [made[22].externalId, made[21].externalId, made[20].externalId]],
      [made[3].id, [made[3].externalId]],
      ['%', []],
      ['lamp_1', []],
    ] as const) {
      await page.goto(`${base}/app/orders?q=${encodeURIComponent(query)}`);
      expect(await shown()).toEqual(expected);
    }
    expect(await text(page, 'main')).toContain('No orders match “lamp_1”.');
  });

  it('orders: a search too long, or a cursor it did not give, is a 400 naming the field', async () => {
    const cookiePage = await pageFor(buyer);
    for (const [query, message] of [
      [`q=${'a'.repeat(201)}`, 'The search can be at most 200 characters'],
      ['after=not-a-cursor', 'After: This is not a page of your orders'],
      ['before=not-a-cursor', 'Before: This is not a page of your orders'],
      ['after=x&before=y', 'Before: This cannot be given with after'],
    ] as const) {
      const response = await cookiePage.goto(`${base}/app/orders?${query}`);
      expect(response?.status()).toBe(400);
      expect(await text(cookiePage, 'main')).toContain(message);
    }
  });

  it('claims: the list pages older and back newer, keeping the status filter', async () => {
    const orders = await Promise.all(
      Array.from({ length: 26 }, () => orderWithCase(t, admin, buyer, seller).then((made) => made.orderId)),
    );
    t.clock.advance(5 * DAY);
    const filed: string[] = [];
    for (const orderId of orders) {
      filed.push((await fileClaim(t, buyer, orderId)).id);
      t.clock.advance(60_000);
    }
    const newestFirst = filed.map((id) => `/app/claims/${id}`).reverse();
    const page = await pageFor(buyer);
    const shown = () =>
      page.locator('tbody td[data-label="Claim"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));

    await page.goto(`${base}/app/claims?status=awaiting_seller`);
    expect(await shown()).toEqual(newestFirst.slice(0, 25));
    await expect(page.getByRole('link', { name: '← Newer' }).count()).resolves.toBe(0);
    await page.getByRole('navigation', { name: 'Pages of claims' }).getByRole('link', { name: 'Older →' }).click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    expect(new URL(page.url()).searchParams.get('status')).toBe('awaiting_seller');
    expect(await shown()).toEqual(newestFirst.slice(25));
    await expect(page.getByRole('link', { name: 'Older →' }).count()).resolves.toBe(0);
    await checkPage(page, 'claims-ux-list-older');
    await page.getByRole('link', { name: '← Newer' }).click();
    await page.waitForURL((url) => url.searchParams.has('before'));
    expect(new URL(page.url()).searchParams.get('status')).toBe('awaiting_seller');
    expect(await shown()).toEqual(newestFirst.slice(0, 25));
    await expect(page.getByRole('link', { name: '← Newer' }).count()).resolves.toBe(0);

    const response = await page.goto(`${base}/app/claims?before=not-a-cursor`);
    expect(response?.status()).toBe(400);
    expect(await text(page, 'main')).toContain('Before: This is not a page of this list');
  }, 90_000);
});
