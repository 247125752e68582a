import type { Page } from 'playwright-core';
import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser } from './support/browser.js';
import { orderWithCase } from './support/claims.js';
import { createOrder, createUser, openCase, TestUser } from './support/factories.js';

const DAY = 24 * 3_600_000;

interface CasePage {
  items: { id: string; subject: string }[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * The cases and support pages as a newcomer uses them (issue 24): searching
 * and paging the cases list both ways, the order a case is about, who and
 * what a queue row is about, and where a reported message was sent.
 */
describe('cases and support pages', () => {
  const portal = portalInBrowser();
  const { pageFor } = portal;
  let t: TestApp, base: string, admin: TestUser, buyer: TestUser, seller: TestUser, agent: TestUser;

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const rename = (user: TestUser, name: string) =>
    t.sql.query('UPDATE users SET display_name = $2 WHERE id = $1', [user.id, name]);
  /** The subjects of the list's rows, top to bottom. */
  const subjects = (page: Page) => page.locator('tbody td[data-label="Subject"]').allTextContents();
  const search = async (page: Page, text: string) => {
    await page.getByLabel('Search by subject or order number').fill(text);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === text);
  };

  beforeEach(async () => {
    ({ t, base } = portal);
    ({ admin, buyer, seller, agent } = portal.users);
    await rename(buyer, 'Bea Buyer');
    await rename(seller, 'Sol Seller');
    await rename(agent, 'Ada Agent');
  });

  it('a buyer finds cases by subject and by order number; a search that finds nothing says what it searched', async () => {
    const { externalId } = await orderWithCase(t, admin, buyer, seller, { externalId: 'MKT-77123' });
    t.clock.advance(60_000);
    await openCase(t, buyer, seller.id, { subject: 'Zebra print in size 40?' });
    t.clock.advance(60_000);
    await openCase(t, buyer, seller.id, { subject: 'Does it come in blue?' });
    // Another buyer's case with the same words is not the buyer's to find.
    const other = await createUser(t.sql, 'buyer');
    await openCase(t, other, seller.id, { subject: 'Zebra print in size 42?' });

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/cases`);
    await expect(subjects(page)).resolves.toEqual([
      'Does it come in blue?',
      'Zebra print in size 40?',
      'It arrived broken',
    ]);
    await search(page, 'zebra PRINT');
    await expect(subjects(page)).resolves.toEqual(['Zebra print in size 40?']);
    await expect(page.getByLabel('Search by subject or order number').inputValue()).resolves.toBe('zebra PRINT');
    await checkPage(page, 'cases-search');

    await search(page, externalId.slice(4));
    await expect(subjects(page)).resolves.toEqual(['It arrived broken']);

    // A wildcard is a character to find, not "anything".
    await search(page, '%');
    await expect(subjects(page)).resolves.toEqual([]);
    await search(page, 'parcel tracking');
    await page
      .getByText('No case matches “parcel tracking”: searched the subjects, listing references and order numbers.')
      .waitFor();
    await expect(page.getByLabel('Search by subject or order number').inputValue()).resolves.toBe('parcel tracking');
    await checkPage(page, 'cases-search-nothing');
    await page.getByRole('link', { name: 'Show all cases' }).click();
    await page.waitForURL(`${base}/app/cases`);
    await expect(subjects(page)).resolves.toHaveLength(3);
  });

  it('pages forward and back through a buyer’s search and a seller’s deadlines, keeping the search', async () => {
    for (let n = 1; n <= 30; n++) {
      await openCase(t, buyer, seller.id, { subject: `Question ${String(n).padStart(2, '0')}` });
      t.clock.advance(60_000);
    }
    await openCase(t, buyer, seller.id, { subject: 'Something else entirely' });
    const newestFirst = Array.from({ length: 30 }, (_, i) => `Question ${String(30 - i).padStart(2, '0')}`);

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/cases?q=Question`);
    await expect(subjects(page)).resolves.toEqual(newestFirst.slice(0, 25));
    await expect(page.getByRole('link', { name: '← Previous page' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Next page →' }).click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    expect(new URL(page.url()).searchParams.get('q')).toBe('Question');
    await expect(subjects(page)).resolves.toEqual(newestFirst.slice(25));
    await expect(page.getByRole('link', { name: 'Next page →' }).count()).resolves.toBe(0);
    await checkPage(page, 'cases-page-two');
    await page.getByRole('link', { name: '← Previous page' }).click();
    await page.waitForURL((url) => url.searchParams.has('before'));
    expect(new URL(page.url()).searchParams.get('q')).toBe('Question');
    await expect(subjects(page)).resolves.toEqual(newestFirst.slice(0, 25));
    await expect(page.getByRole('link', { name: '← Previous page' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Next page →' }).click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    await expect(subjects(page)).resolves.toEqual(newestFirst.slice(25));

    // The seller's list runs by reply deadline, nearest first: the oldest question first.
    const sellerPage = await pageFor(seller);
    await sellerPage.goto(`${base}/app/cases`);
    const first = await subjects(sellerPage);
    expect(first).toEqual([...newestFirst].reverse().slice(0, 25));
    await sellerPage.getByRole('link', { name: 'Next page →' }).click();
    await sellerPage.waitForURL((url) => url.searchParams.has('cursor'));
    await expect(subjects(sellerPage)).resolves.toEqual([
      ...[...newestFirst].reverse().slice(25),
      'Something else entirely',
    ]);
    await sellerPage.getByRole('link', { name: '← Previous page' }).click();
    await sellerPage.waitForURL((url) => url.searchParams.has('before'));
    await expect(subjects(sellerPage)).resolves.toEqual(first);
  });

  it('GET /cases pages back through exactly the pages it paged forward through, for every role; bad paging is a 400 naming the field', async () => {
    for (let n = 1; n <= 17; n++) {
      await openCase(t, buyer, seller.id, { subject: `Case ${n}` });
      // Two cases at the same instant: the id breaks the tie both ways.
      if (n % 3 !== 0) t.clock.advance(60_000);
    }
    for (const user of [buyer, seller, agent]) {
      const get = async (query: Record<string, string | number>) =>
        (
          await t.http
            .get('/cases')
            .query({ limit: 5, ...query })
            .set('Authorization', as(user))
            .expect(200)
        ).body as CasePage;
      const forward: CasePage[] = [await get({})];
      expect(forward[0].prevCursor).toBeNull();
      while (forward[forward.length - 1].nextCursor)
        forward.push(await get({ cursor: forward[forward.length - 1].nextCursor! }));
      expect(forward.flatMap((page) => page.items.map((item) => item.id))).toHaveLength(17);
      const backward: CasePage[] = [forward[forward.length - 1]];
      while (backward[0].prevCursor) backward.unshift(await get({ before: backward[0].prevCursor }));
      expect(backward.map((page) => page.items.map((item) => item.id))).toEqual(
        forward.map((page) => page.items.map((item) => item.id)),
      );
    }
    const searched = await t.http.get('/cases').query({ q: 'case 1' }).set('Authorization', as(buyer)).expect(200);
    expect((searched.body as CasePage).items.map((item) => item.subject).sort()).toEqual(
      ['Case 1', 'Case 10', 'Case 11', 'Case 12', 'Case 13', 'Case 14', 'Case 15', 'Case 16', 'Case 17'].sort(),
    );

    const first = (await t.http.get('/cases').query({ limit: 5 }).set('Authorization', as(buyer)).expect(200))
      .body as CasePage;
    const both = await t.http
      .get('/cases')
      .query({ cursor: first.nextCursor!, before: first.nextCursor! })
      .set('Authorization', as(buyer))
      .expect(400);
    expect(JSON.stringify(both.body)).toContain('before');
    const long = await t.http
      .get('/cases')
      .query({ q: 'x'.repeat(201) })
      .set('Authorization', as(buyer))
      .expect(400);
    expect(JSON.stringify(long.body)).toContain('"q"');
    const forged = await t.http.get('/cases').query({ before: 'nonsense' }).set('Authorization', as(buyer)).expect(400);
    expect(forged.body.errors.map((error: { field: string }) => error.field)).toEqual(['before']);
    const portal = await pageFor(buyer);
    const response = await portal.goto(`${base}/app/cases?before=nonsense`);
    expect(response?.status()).toBe(400);
  });

  it('the case page names the order it is about; its buyer opens it among their orders', async () => {
    const order = await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id, {
      externalId: 'MKT-JP-5001',
      total: { amount: 5000, currency: 'JPY' },
      items: [{ title: 'Tea bowl', quantity: 2 }],
    });
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({
        sellerId: seller.id,
        orderId: order.id,
        topic: 'damaged_or_defective',
        subject: 'One bowl is chipped',
        body: 'Chipped rim.',
      })
      .expect(201);
    const question = await openCase(t, buyer, seller.id, { subject: 'Before I buy', listingRef: 'listing-84512' });

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/cases/${opened.body.id}`);
    await expect(page.locator('.case-order').textContent()).resolves.toBe(
      'About order MKT-JP-5001 · 2 × Tea bowl · ¥5,000 · See the order',
    );
    await checkPage(page, 'case-order-buyer');
    await page.getByRole('link', { name: 'See the order' }).click();
    await page.waitForURL(`${base}/app/orders?q=MKT-JP-5001#order-${order.id}`);
    await expect(page.locator(`#order-${order.id}`).textContent()).resolves.toContain('MKT-JP-5001');

    await page.goto(`${base}/app/cases/${question}`);
    await expect(page.locator('.case-order').textContent()).resolves.toBe(
      'About listing listing-84512, before an order',
    );

    const sellerPage = await pageFor(seller);
    await sellerPage.goto(`${base}/app/cases/${opened.body.id}`);
    await expect(sellerPage.locator('.case-order').textContent()).resolves.toBe(
      'About order MKT-JP-5001 · 2 × Tea bowl · ¥5,000',
    );
    await checkPage(sellerPage, 'case-order-seller');
  });

  it('a queue row shows the buyer, the seller and the order', async () => {
    await orderWithCase(t, admin, buyer, seller, { externalId: 'MKT-QUEUE-1' });
    t.clock.advance(6 * DAY);
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);

    const page = await pageFor(agent);
    const row = page.getByRole('row').filter({ hasText: 'It arrived broken' });
    await expect(row.locator('td[data-label="Buyer"]').textContent()).resolves.toBe('Bea Buyer');
    await expect(row.locator('td[data-label="Seller"]').textContent()).resolves.toBe('Sol Seller');
    await expect(row.locator('td[data-label="Order"]').textContent()).resolves.toBe('MKT-QUEUE-1$25.99');
    await checkPage(page, 'queue-parties');
  });

  it('the support queue pages forward and back by deadline, keeping the tab', async () => {
    const caseId = await openCase(t, buyer, seller.id, { subject: 'Held message' });
    // 52 held by the agent, a minute apart, and one waiting on the seller (no deadline, so last); one of another agent's.
    const first = new Date('2026-03-03T12:00:00Z');
    await t.sql.query(
      `INSERT INTO escalations (case_id, reason, priority, status, assignee_id, due_at, waiting_on, created_at, updated_at)
       SELECT $1, 'quarantined_message', 'normal', 'assigned', CASE WHEN n = 54 THEN $4::uuid ELSE $2::uuid END,
              CASE WHEN n = 53 THEN NULL ELSE $3::timestamptz + make_interval(mins => n) END,
              CASE WHEN n = 53 THEN 'seller' END, $3, $3
         FROM generate_series(1, 54) AS n`,
      [caseId, agent.id, first, admin.id],
    );
    const dues = Array.from({ length: 52 }, (_, n) => new Date(first.getTime() + (n + 1) * 60_000).toISOString());
    const page = await pageFor(agent);
    const shown = () =>
      page
        .locator('tbody td[data-label="Due"] time')
        .evaluateAll((times) => times.map((x) => x.getAttribute('datetime')));
    const rows = page.locator('tbody tr');

    await page.goto(`${base}/app/queue?view=mine`);
    expect(await shown()).toEqual(dues.slice(0, 50));
    await expect(page.getByRole('link', { name: '← Previous page' }).count()).resolves.toBe(0);
    await page
      .getByRole('navigation', { name: 'Pages of the queue' })
      .getByRole('link', { name: 'Next page →' })
      .click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    expect(new URL(page.url()).searchParams.get('view')).toBe('mine');
    expect(await shown()).toEqual(dues.slice(50));
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.last().textContent()).resolves.toContain('waiting on the seller');
    await expect(page.getByRole('link', { name: 'Next page →' }).count()).resolves.toBe(0);
    await checkPage(page, 'queue-page-two');
    await page.getByRole('link', { name: '← Previous page' }).click();
    await page.waitForURL((url) => url.searchParams.has('before'));
    expect(new URL(page.url()).searchParams.get('view')).toBe('mine');
    expect(await shown()).toEqual(dues.slice(0, 50));
    await expect(page.getByRole('link', { name: '← Previous page' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Next page →' }).count()).resolves.toBe(1);
  });

  it('a phishing report shows who sent the message, who reported it, the message and a link to its conversation', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    const text = 'Your parcel is held: pay the fee at http://courier.example/pay';
    await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body: text }).expect(201);
    const items = (await t.http.get('/inbox').set('Authorization', as(buyer)).expect(200)).body.items as {
      id: string;
      snippet: string;
    }[];
    const item = items.find((candidate) => candidate.snippet.includes('parcel is held'))!;
    await t.http
      .post(`/inbox/${item.id}/report`)
      .set('Authorization', as(buyer))
      .send({ reason: 'Asks for a fee outside the marketplace' })
      .expect(202);

    const page = await pageFor(agent);
    await page.goto(`${base}/app/reports`);
    const report = page.locator('article.report');
    await expect(report.count()).resolves.toBe(1);
    const facts = await report.locator('dl.facts').innerText();
    expect(facts).toMatch(/Sent by\s+Sol Seller/);
    expect(facts).toMatch(/Reported by\s+Bea Buyer/);
    expect(facts).toContain('“Asks for a fee outside the marketplace”');
    await expect(report.locator('blockquote.report-message').textContent()).resolves.toBe(text);
    await checkPage(page, 'reports-context');
    await report.getByRole('link', { name: 'Open the case' }).click();
    await page.waitForURL(`${base}/app/cases/${caseId}`);
    await page.getByText(text).waitFor();

    // A buyer or seller has no reports page.
    const sellerPage = await pageFor(seller);
    const refused = await sellerPage.goto(`${base}/app/reports`);
    expect(refused?.status()).toBe(403);
  });
});
