import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser } from './support/browser.js';
import { orderWithCase } from './support/claims.js';
import { createOrder, createUser, TestUser } from './support/factories.js';

const DAY = 24 * 3_600_000;

/**
 * The portal in a real Chromium: each scenario on a fresh database, every
 * page it visits checked with axe-core and at 375 px, with a screenshot kept
 * under test-artifacts/portal.
 */
describe('portal in a browser', () => {
  // Each scenario starts from a clean database and a clock on a Monday morning in California; one named
  // "(simulated clock)" runs as `npm run demo` does, on the clock kept in the database.
  const portal = portalInBrowser({ simulated: (name) => name.includes('(simulated clock)') });
  const { pageFor } = portal;
  let t: TestApp, base: string, admin: TestUser, buyer: TestUser, seller: TestUser, agent: TestUser;
  beforeEach(() => {
    ({ t, base } = portal);
    ({ admin, buyer, seller, agent } = portal.users);
  });

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const broadcast = (subject: string) =>
    t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject, body: `${subject}: everything half price`, audience: 'buyers' })
      .expect(201);

  it('a buyer asks a question; the seller sees it on the dashboard with its countdown and replies', async () => {
    await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id);
    const buyerPage = await pageFor(buyer);
    await checkPage(buyerPage, 'buyer-inbox');
    await buyerPage.getByRole('link', { name: 'Orders' }).click();
    await buyerPage.getByRole('heading', { name: 'Your orders' }).waitFor();
    await checkPage(buyerPage, 'buyer-orders');
    await buyerPage.getByRole('link', { name: 'Contact seller' }).click();
    await buyerPage.getByRole('heading', { name: 'Contact the seller' }).waitFor();
    await checkPage(buyerPage, 'case-new');
    await buyerPage.getByLabel('Topic').selectOption('question');
    await buyerPage.getByLabel('Subject').fill('Does it fit a 15-inch laptop?');
    await buyerPage.getByLabel('Message').fill('Hello, will my 15-inch laptop fit in this sleeve?');
    await buyerPage.getByRole('button', { name: 'Send to seller' }).click();
    await buyerPage.getByRole('heading', { name: 'Does it fit a 15-inch laptop?' }).waitFor();
    await checkPage(buyerPage, 'case-buyer');

    const sellerPage = await pageFor(seller);
    expect(new URL(sellerPage.url()).pathname).toBe('/app/dashboard');
    const row = sellerPage.getByRole('row').filter({ hasText: 'Does it fit a 15-inch laptop?' });
    await expect(row.locator('.countdown').textContent()).resolves.toMatch(/^in \d+ d \d+ h$/);
    await expect(row.locator('.state').textContent()).resolves.toBe('On track');
    await expect(row.locator('time').getAttribute('datetime')).resolves.toMatch(/^2026-03-0\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await row.getByText('Why this deadline').click();
    await row.getByText(/business time on the seller’s calendar/).waitFor();
    await checkPage(sellerPage, 'seller-dashboard');
    await row.getByRole('link', { name: 'Does it fit a 15-inch laptop?' }).click();
    await sellerPage.getByLabel('Reply').fill('Yes: it fits laptops up to 15.6 inches.');
    await sellerPage.getByRole('button', { name: 'Send' }).click();
    await sellerPage.getByText('Yes: it fits laptops up to 15.6 inches.').waitFor();
    await checkPage(sellerPage, 'case-seller');

    await sellerPage.getByRole('link', { name: 'Performance' }).click();
    await sellerPage.getByRole('heading', { name: 'Your performance' }).waitFor();
    await expect(sellerPage.locator('svg.chart').count()).resolves.toBe(4);
    await checkPage(sellerPage, 'seller-performance');
    await sellerPage.getByRole('link', { name: 'Settings' }).click();
    await sellerPage.getByLabel('Promotions').uncheck();
    await sellerPage.getByRole('button', { name: 'Save email settings' }).click();
    await sellerPage.getByText('Email settings saved').waitFor();
    await checkPage(sellerPage, 'settings');
    const preferences = await t.http.get('/me/email-preferences').set('Authorization', as(seller)).expect(200);
    expect(preferences.body.categories.promotions).toEqual({ email: false, locked: false });
    expect(preferences.body.categories.buyer_messages).toEqual({ email: true, locked: true });

    await buyerPage.reload();
    await buyerPage.getByText('Yes: it fits laptops up to 15.6 inches.').waitFor();
    await buyerPage.getByRole('link', { name: 'Cases', exact: true }).click();
    await buyerPage.getByRole('heading', { name: 'Your conversations with sellers' }).waitFor();
    await expect(
      buyerPage.getByRole('row').filter({ hasText: 'Does it fit a 15-inch laptop?' }).textContent(),
    ).resolves.toContain('Waiting for the buyer');
    await checkPage(buyerPage, 'buyer-cases');
    const stored = await t.sql.query(`SELECT status FROM cases WHERE subject = 'Does it fit a 15-inch laptop?'`);
    expect(stored.rows).toEqual([{ status: 'awaiting_buyer' }]);
  });

  it('the clock passes the reply window; the agent takes the escalation, answers and resolves it', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(6 * DAY);
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);

    const sellerPage = await pageFor(seller);
    await expect(
      sellerPage.getByRole('row').filter({ hasText: 'It arrived broken' }).locator('.state').textContent(),
    ).resolves.toBe('Escalated');

    const agentPage = await pageFor(agent);
    expect(new URL(agentPage.url()).pathname).toBe('/app/queue');
    const row = agentPage.getByRole('row').filter({ hasText: 'It arrived broken' });
    await expect(row.textContent()).resolves.toContain('Missed reply window');
    await checkPage(agentPage, 'agent-queue');
    await row.getByRole('button', { name: 'Assign to me' }).click();
    await agentPage.waitForURL(`${base}/app/cases/${caseId}**`);
    await agentPage
      .getByLabel('Reply')
      .fill('Sorry for the wait: we are asking the seller and will refund you if needed.');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await agentPage.getByText('Sorry for the wait').waitFor();
    await checkPage(agentPage, 'case-agent');
    await agentPage.getByLabel('Outcome').selectOption('answered_by_support');
    await agentPage.getByRole('button', { name: 'Resolve' }).click();
    await agentPage.getByText('Escalation resolved').waitFor();

    const escalations = await t.sql.query(`SELECT status, outcome, assignee_id FROM escalations WHERE case_id = $1`, [
      caseId,
    ]);
    expect(escalations.rows).toEqual([{ status: 'resolved', outcome: 'answered_by_support', assignee_id: agent.id }]);
    const buyerPage = await pageFor(buyer);
    await buyerPage.goto(`${base}/app/cases/${caseId}`);
    await buyerPage.getByText('Sorry for the wait').waitFor();
  });

  it('a buyer reports a suspicious message; the agent confirms it and it is quarantined', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Your parcel is held: confirm your card at the courier page.' })
      .expect(201);
    const buyerPage = await pageFor(buyer);
    await buyerPage.getByRole('link', { name: 'It arrived broken' }).first().click();
    await buyerPage.locator('summary', { hasText: 'Report suspicious' }).click();
    await buyerPage.getByLabel('What looks wrong? (optional)').fill('Asks for my card outside the marketplace');
    await buyerPage.getByRole('button', { name: 'Report suspicious' }).click();
    await buyerPage.getByText('the message was reported').waitFor();

    const agentPage = await pageFor(agent);
    await agentPage.getByRole('link', { name: 'Reports' }).click();
    await agentPage.getByText('Asks for my card outside the marketplace').waitFor();
    await checkPage(agentPage, 'agent-reports');
    await agentPage.getByRole('button', { name: 'Confirm: quarantine it' }).click();
    await agentPage.getByText('Confirmed: the message is quarantined').waitFor();
    const reports = await t.sql.query(`SELECT status FROM inbox_reports`);
    expect(reports.rows).toEqual([{ status: 'confirmed' }]);
    const quarantined = await t.sql.query(`SELECT quarantined FROM messages WHERE body LIKE 'Your parcel is held%'`);
    expect(quarantined.rows).toEqual([{ quarantined: true }]);
  });

  it('an admin creates a seller, previews a deadline, adds a closure, broadcasts and moves the clock (simulated clock)', async () => {
    const page = await pageFor(admin);
    expect(new URL(page.url()).pathname).toBe('/app/admin/users');
    await page.getByLabel('Name').fill('Bergschuh GmbH');
    await page.getByLabel('Email').fill('shop@bergschuh.example');
    await page.getByLabel('Password (at least 12 characters)').fill('a long enough password');
    await page.getByLabel('Role').selectOption('seller');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByLabel('Holiday country').selectOption('DE');
    await page.getByLabel('Region (optional)').fill('BY');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Created shop@bergschuh.example').waitFor();
    await checkPage(page, 'admin-users');
    const [created] = (await t.sql.query(`SELECT id FROM users WHERE email = 'shop@bergschuh.example'`)).rows;

    await page.goto(`${base}/app/admin/calendars?calendar=${created.id}`);
    await page.getByLabel('Message arrives (Europe/Berlin time)').fill('2026-12-24T09:00');
    await page.getByLabel('Business days').fill('2');
    await page.getByRole('button', { name: 'Preview' }).click();
    // Christmas Eve is a Thursday: the 25th and 26th are holidays in Bavaria and then comes the weekend (09:00 in Berlin is 08:00 UTC).
    await expect(page.locator('#preview ~ div time.deadline').getAttribute('datetime')).resolves.toBe(
      '2026-12-29T08:00:00.000Z',
    );
    await page.getByLabel('New closure: name').fill('Inventory');
    await page.getByLabel('First closed day').fill('2026-12-28');
    await page.getByLabel('Last closed day').fill('2026-12-29');
    await page.getByRole('button', { name: 'Add closure' }).click();
    await page.getByText('Inventory: 28–29 Dec 2026').waitFor();
    await checkPage(page, 'admin-calendars');

    await page.getByRole('link', { name: 'Broadcasts' }).click();
    await page.getByLabel('Subject').fill('Holiday opening hours');
    await page.getByLabel('Message').fill('Support answers until 23 December.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: /^Send to \d+ (people|person)$/ }).click();
    await page.getByText(/^Sent to \d+ people/).waitFor();
    await checkPage(page, 'admin-broadcasts');
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await checkPage(page, 'admin-deliveries');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'calendar.closure_added' }).waitFor();
    await checkPage(page, 'admin-audit');

    await page.getByRole('link', { name: 'Clock' }).click();
    const before = await page.locator('main p time').getAttribute('datetime');
    await page.getByRole('button', { name: 'Advance 1 day' }).click();
    await page.getByText('The clock moved forward').waitFor();
    const after = await page.locator('main p time').last().getAttribute('datetime');
    expect(new Date(after!).getTime() - new Date(before!).getTime()).toBe(86_400_000);
    await checkPage(page, 'admin-clock');
  });

  it('a buyer files a claim, the seller responds and an agent grants it', async () => {
    const { orderId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(5 * DAY);
    const buyerPage = await pageFor(buyer);
    await buyerPage.goto(`${base}/app/orders`);
    await buyerPage.getByRole('link', { name: 'File a claim' }).click();
    await buyerPage.getByRole('heading', { name: 'File a claim' }).waitFor();
    await checkPage(buyerPage, 'claim-new');
    await buyerPage.getByLabel('What went wrong').selectOption('damaged_or_defective');
    await buyerPage.getByLabel('Tell us what happened').fill('The screen is cracked and the seller does not answer.');
    await buyerPage.getByRole('button', { name: 'File the claim' }).click();
    await buyerPage.getByRole('heading', { name: 'Claim: Damaged or defective' }).waitFor();
    await checkPage(buyerPage, 'claim-buyer');
    const [claim] = (await t.sql.query(`SELECT id, status FROM claims WHERE order_id = $1`, [orderId])).rows;
    expect(claim.status).toBe('awaiting_seller');

    const sellerPage = await pageFor(seller);
    await sellerPage.goto(`${base}/app/claims`);
    await checkPage(sellerPage, 'seller-claims');
    await sellerPage.getByRole('link', { name: 'Damaged or defective' }).click();
    await sellerPage.getByLabel('Your response to the claim').fill('It was packed well; please send a photo.');
    await sellerPage.getByRole('button', { name: 'Send response' }).click();
    await sellerPage.getByText('Your response was sent').waitFor();

    const agentPage = await pageFor(agent);
    await agentPage.goto(`${base}/app/claims/${claim.id}`);
    await agentPage.getByLabel('Decision').selectOption('granted');
    await agentPage.getByLabel('Refund paid by').selectOption('marketplace');
    await agentPage.getByLabel('Note to both parties').fill('The photos show transport damage: refunded by us.');
    await agentPage.getByRole('button', { name: 'Decide' }).click();
    await agentPage.getByText('Decision recorded').waitFor();
    await checkPage(agentPage, 'claim-agent');
    const decided = await t.sql.query(`SELECT status, decision_funding AS funding FROM claims WHERE id = $1`, [
      claim.id,
    ]);
    expect(decided.rows).toEqual([{ status: 'granted', funding: 'marketplace' }]);
    await buyerPage.reload();
    await expect(buyerPage.locator('aside .state').first().textContent()).resolves.toBe('Granted');
  });

  it('Message Center: bulk delete to Trash and restore', async () => {
    for (const subject of ['Spring sale', 'Garden week', 'Free shipping']) await broadcast(subject);
    const page = await pageFor(buyer);
    await expect(page.locator('#items li').count()).resolves.toBe(3);
    await expect(page.locator('#unread-badge').textContent()).resolves.toContain('3');
    await page.getByLabel('Select all on this page').check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByText('3 messages moved to Trash').waitFor();
    await expect(page.locator('#items').textContent()).resolves.toContain('No messages here.');
    await page.getByRole('link', { name: /Trash/ }).click();
    await page.getByRole('heading', { name: 'Messages: Trash' }).waitFor();
    await expect(page.locator('#items li').count()).resolves.toBe(3);
    await checkPage(page, 'inbox-trash');
    await page.getByLabel('Select: Garden week').check();
    await page.getByRole('button', { name: 'Restore selected' }).click();
    await page.getByText('1 message restored').waitFor();
    await page.goto(`${base}/app/inbox`);
    await expect(page.locator('#items li').allTextContents()).resolves.toEqual([
      expect.stringContaining('Garden week'),
    ]);
    await page.getByLabel('Search messages').fill('"garden week" -spring');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=/);
    await page.locator('#items li mark').first().waitFor();
    await expect(page.locator('#items li').count()).resolves.toBe(1);
    await expect(page.locator('#items li mark').allTextContents()).resolves.toEqual(['Garden', 'week']);
    await checkPage(page, 'inbox-search');
    await page.getByRole('link', { name: 'Garden week' }).click();
    await page.getByText('Garden week: everything half price').waitFor();
    await checkPage(page, 'inbox-item');
    const counts = await t.http.get('/inbox/counts').set('Authorization', as(buyer)).expect(200);
    expect(counts.body).toMatchObject({ unread: { promotions: 0, total: 0 }, trash: 2 });
  });

  it('a new message appears live in a second open tab, with the unread count', async () => {
    const first = await pageFor(buyer);
    const second = await first.context().newPage();
    await second.goto(`${base}/app/inbox`);
    await expect(second.locator('#items').textContent()).resolves.toContain('No messages here.');
    // Both tabs hold their live connection before anything is sent.
    await Promise.all(
      [first, second].map((page) =>
        page.waitForFunction(() => (globalThis as unknown as { htmx?: unknown }).htmx !== undefined),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await broadcast('Flash sale tonight');
    for (const page of [first, second]) {
      await page.locator('#items').getByRole('link', { name: 'Flash sale tonight' }).waitFor({ timeout: 5000 });
      await page.locator('#unread-badge').getByText('1', { exact: true }).waitFor({ timeout: 5000 });
    }
  });

  it('refuses a form without its CSRF token, shows a 404 page for another’s case, and leads a link through sign-in', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    const page = await pageFor(buyer);
    const forged = await page.request.post(`${base}/app/cases/${caseId}/resolve`, { form: {}, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await t.sql.query(`SELECT status FROM cases WHERE id = $1`, [caseId])).rows[0].status).toBe(
      'awaiting_seller',
    );

    const stranger = await pageFor(await createUser(t.sql, 'buyer'));
    const response = await stranger.goto(`${base}/app/cases/${caseId}`);
    expect(response?.status()).toBe(404);
    await stranger.getByRole('heading', { name: 'Page not found' }).waitFor();
    await checkPage(stranger, 'not-found');

    const fresh = await portal.newPage();
    await fresh.goto(`${base}/app/cases/${caseId}`);
    expect(new URL(fresh.url()).pathname).toBe('/app/login');
    await checkPage(fresh, 'login');
    await fresh.getByLabel('Email').fill(seller.email);
    await fresh.getByLabel('Password').fill(seller.password);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByRole('heading', { name: 'It arrived broken' }).waitFor();
    expect(new URL(fresh.url()).pathname).toBe(`/app/cases/${caseId}`);
  });
});
