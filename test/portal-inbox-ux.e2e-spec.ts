import type { Page } from 'playwright-core';
import type { TestApp } from './support/app.js';
import { checkPage, portalInBrowser } from './support/browser.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import type { TestUser } from './support/factories.js';

const DAY = 24 * 3_600_000;

interface SentItem {
  id: string;
  kind: 'case' | 'claim';
  caseId: string;
  claimId?: string;
  subject: string;
  to: { id: string; name: string; role: string }[];
  snippet: string;
  createdAt: string;
  held: boolean;
}
interface Page_<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * The Message Center and conversations as a person uses them (issue 24): a
 * Sent folder, paging back as well as forward, a search that says what it
 * searched for, snippets that keep their first word, clickable web links
 * (and nothing else clickable), held messages shown as held with what to
 * change, messages of the same instant in the order they were written, and
 * staff names shown once. Every page is checked with axe and at 375 px.
 */
describe('Message Center and conversations in a browser', () => {
  const portal = portalInBrowser();
  const { pageFor } = portal;
  let t: TestApp, base: string, admin: TestUser, buyer: TestUser, seller: TestUser, agent: TestUser;

  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const name = (user: TestUser, displayName: string) =>
    t.sql.query(`UPDATE users SET display_name = $2 WHERE id = $1`, [user.id, displayName]);
  const post = (user: TestUser, path: string, body: string) =>
    t.http.post(path).set('Authorization', as(user)).send({ body }).expect(201);
  const broadcast = (subject: string, body = `${subject}: details inside`) =>
    t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject, body, audience: 'buyers' })
      .expect(201);
  const sent = async (user: TestUser, query: Record<string, string> = {}): Promise<Page_<SentItem>> =>
    (
      await t.http
        .get('/inbox')
        .query({ in: 'sent', ...query })
        .set('Authorization', as(user))
        .expect(200)
    ).body;
  const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

  beforeEach(async () => {
    ({ t, base } = portal);
    ({ admin, buyer, seller, agent } = portal.users);
    await name(buyer, 'Anna Buyer');
    await name(seller, 'Sam Seller');
  });

  it('Sent lists the messages I wrote, newest first, to whom and about what, and links to each', async () => {
    const { caseId, orderId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(60_000);
    await post(seller, `/cases/${caseId}/messages`, 'So sorry! A new one is on its way.');
    t.clock.advance(60_000);
    // A claim is possible once the seller had 2 business days to answer.
    t.clock.advance(3 * DAY);
    const claim = await fileClaim(t, buyer, orderId);
    t.clock.advance(60_000);
    await post(buyer, `/claims/${claim.id}/messages`, 'Photos of the box follow.\nSecond line not in the list.');

    const listed = await sent(buyer);
    expect(listed.items.map((item) => [item.kind, item.snippet])).toEqual([
      ['claim', 'Photos of the box follow.'],
      ['claim', 'The screen is cracked and the seller does not answer.'],
      ['case', 'The screen is cracked.'],
    ]);
    expect(listed.items[0]).toMatchObject({
      claimId: claim.id,
      caseId,
      subject: 'It arrived broken',
      to: [{ id: seller.id, name: 'Sam Seller', role: 'seller' }],
      held: false,
    });
    expect(listed.prevCursor).toBeNull();
    // The seller's Sent has the seller's message only, addressed to the buyer; nobody sees another's Sent.
    expect((await sent(seller)).items.map((item) => [item.snippet, item.to.map((party) => party.name)])).toEqual([
      ['So sorry! A new one is on its way.', ['Anna Buyer']],
    ]);

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/inbox`);
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('link', { name: 'Sent' }).click();
    await page.getByRole('heading', { name: 'Messages: Sent' }).waitFor();
    expect(await texts(page, '.items.sent .subject')).toEqual([
      'Claim: It arrived broken',
      'Claim: It arrived broken',
      'Case: It arrived broken',
    ]);
    expect(await texts(page, '.items.sent .snippet')).toEqual([
      'Photos of the box follow.',
      'The screen is cracked and the seller does not answer.',
      'The screen is cracked.',
    ]);
    await expect(page.locator('.items.sent li').first().textContent()).resolves.toContain('To Sam Seller (seller)');
    await checkPage(page, 'inbox-sent');
    await page.getByRole('link', { name: 'Case: It arrived broken' }).click();
    await page.waitForURL((url) => url.pathname === `/app/cases/${caseId}`);
    await page.locator(`#message-${listed.items[2].id}`).getByText('The screen is cracked.').waitFor();
  });

  it('the API refuses filters and bulk actions that do not apply to Sent, naming the field, and a foreign cursor', async () => {
    await orderWithCase(t, admin, buyer, seller);
    for (const [field, value] of [
      ['q', 'broken'],
      ['category', 'notices'],
      ['unread', 'true'],
    ]) {
      const refused = await t.http
        .get('/inbox')
        .query({ in: 'sent', [field]: value })
        .set('Authorization', as(buyer))
        .expect(400);
      expect(refused.body.errors).toEqual([{ field, message: `${field} does not apply to the Sent folder` }]);
    }
    const bulk = await t.http
      .post('/inbox/read')
      .set('Authorization', as(buyer))
      .send({ filter: { in: 'sent' } })
      .expect(400);
    expect(bulk.body.errors[0].field).toBe('filter.in');
    // An inbox cursor is not a Sent cursor, and the reverse.
    await broadcast('One');
    t.clock.advance(1000);
    await broadcast('Two');
    const inboxPage = (await t.http.get('/inbox').query({ limit: 1 }).set('Authorization', as(buyer)).expect(200))
      .body as Page_<unknown>;
    const foreign = await t.http
      .get('/inbox')
      .query({ in: 'sent', cursor: inboxPage.nextCursor! })
      .set('Authorization', as(buyer))
      .expect(400);
    expect(foreign.body.errors[0].field).toBe('cursor');
  });

  it('Older then Newer returns to the first page, in the browser and the API', async () => {
    for (let n = 1; n <= 27; n++) {
      await broadcast(`Notice ${String(n).padStart(2, '0')}`);
      t.clock.advance(60_000);
    }
    const page = await pageFor(buyer);
    await page.goto(`${base}/app/inbox`);
    const first = await texts(page, '.items .subject');
    expect(first).toHaveLength(25);
    expect(first[0]).toBe('Notice 27');
    await expect(page.getByRole('link', { name: '← Newer' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.getByRole('link', { name: '← Newer' }).waitFor();
    expect(await texts(page, '.items .subject')).toEqual(['Notice 02', 'Notice 01']);
    await expect(page.getByRole('link', { name: 'Older →' }).count()).resolves.toBe(0);
    await checkPage(page, 'inbox-older');
    await page.getByRole('link', { name: '← Newer' }).click();
    await page.getByRole('link', { name: 'Older →' }).waitFor();
    expect(await texts(page, '.items .subject')).toEqual(first);
    await expect(page.getByRole('link', { name: '← Newer' }).count()).resolves.toBe(0);

    const api = async (cursor?: string) =>
      (
        await t.http
          .get('/inbox')
          .query({ limit: 10, ...(cursor ? { cursor } : {}) })
          .set('Authorization', as(buyer))
          .expect(200)
      ).body as Page_<{ subject: string }>;
    const one = await api();
    const two = await api(one.nextCursor!);
    const three = await api(two.nextCursor!);
    expect(three.items.map((item) => item.subject)).toEqual(
      Array.from({ length: 7 }, (_, i) => `Notice ${String(7 - i).padStart(2, '0')}`),
    );
    expect(three.nextCursor).toBeNull();
    const backToTwo = await api(three.prevCursor!);
    expect(backToTwo).toEqual(two);
    const backToOne = await api(backToTwo.prevCursor!);
    expect(backToOne.items).toEqual(one.items);
    expect(backToOne.prevCursor).toBeNull();
  });

  it('an empty search says what it searched for and clears; a snippet keeps its first word', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(60_000);
    await post(
      seller,
      `/cases/${caseId}/messages`,
      'Hi Anna,\n\nthe refund is on its way and the lamp is packed, please tell me if anything else is wrong with this order as soon as you can, thank you',
    );
    const api = await t.http.get('/inbox').query({ q: 'refund' }).set('Authorization', as(buyer)).expect(200);
    expect(api.body.items.map((item: { snippet: string }) => item.snippet)).toEqual([
      expect.stringMatching(/^Hi Anna,\s+the «refund» is on its way/),
    ]);

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/inbox`);
    await page.getByLabel('Search messages').fill('refund');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.items mark').first().waitFor();
    await expect(page.locator('.items .snippet').first().textContent()).resolves.toMatch(/^Hi Anna,\s+the refund/);
    await expect(page.locator('.items mark').allTextContents()).resolves.toEqual(['refund']);

    await page.getByLabel('Search messages').fill('umbrella');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No messages match “umbrella”.').waitFor();
    await checkPage(page, 'inbox-search-empty');
    await page.getByRole('link', { name: 'Clear the search' }).click();
    await page.locator('.items .subject').first().waitFor();
    expect(new URL(page.url()).search).toBe('');
    await expect(page.getByLabel('Search messages').inputValue()).resolves.toBe('');
  });

  it('web links in marketplace messages are links; javascript: and markup are text', async () => {
    await broadcast(
      'Returns are easier',
      'Read https://help.example.com/returns?from=mail&x="1" first. Not this: javascript:alert(1) or <script>alert(2)</script> or <a href="javascript:alert(3)">here</a>.',
    );
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    await name(agent, 'Noah (support)');
    t.clock.advance(60_000);
    await post(agent, `/cases/${caseId}/messages`, 'Our guide: https://help.example.com/damaged. javascript:alert(4)');

    const page = await pageFor(buyer);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${base}/app/inbox`);
    await page.getByRole('link', { name: 'Returns are easier' }).click();
    await page.getByRole('heading', { name: 'Returns are easier' }).waitFor();
    const body = page.locator('article .body');
    const links = body.getByRole('link');
    await expect(links.count()).resolves.toBe(1);
    const link = links.first();
    await expect(link.textContent()).resolves.toBe('https://help.example.com/returns?from=mail&x="1"');
    await expect(link.getAttribute('href')).resolves.toBe('https://help.example.com/returns?from=mail&x=%221%22');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer nofollow');
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(body.textContent()).resolves.toContain('javascript:alert(1) or <script>alert(2)</script>');
    await expect(page.locator('a[href^="javascript:" i], article script').count()).resolves.toBe(0);
    await checkPage(page, 'inbox-item-link');

    await page.goto(`${base}/app/cases/${caseId}`);
    const support = page.locator('.conversation li').filter({ hasText: 'Our guide' });
    await expect(support.getByRole('link').getAttribute('href')).resolves.toBe('https://help.example.com/damaged');
    await expect(support.locator('a[href^="javascript:" i]').count()).resolves.toBe(0);
    // The agent's name says who they are already: "(customer service)" is not added to it.
    await expect(support.locator('.meta').textContent()).resolves.toMatch(/^Noah \(support\) · /);
    await expect(
      page.locator('.conversation li').filter({ hasText: 'The screen is cracked' }).locator('.meta').textContent(),
    ).resolves.toMatch(/^Anna Buyer \(buyer\) · /);
    await checkPage(page, 'case-links');
    expect(dialogs).toEqual([]);
  });

  it('a held message shows as held with what to change, in the conversation and in Sent; the other party never sees it', async () => {
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(60_000);
    const held = await post(buyer, `/cases/${caseId}/messages`, 'Please send me your password so I can check it');
    expect(held.body).toMatchObject({ quarantined: true, heldFor: ['credentials_request'] });

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/cases/${caseId}`);
    const message = page.locator(`#message-${held.body.id}`);
    await expect(message.locator('.meta .state-held').textContent()).resolves.toBe('Held');
    await expect(message.getByRole('note').textContent()).resolves.toMatch(
      /Held: the other party has not received this message\..*asks for a password.*write the message again without asking for them/s,
    );
    await checkPage(page, 'case-held');

    await page.goto(`${base}/app/inbox?in=sent`);
    const row = page.locator('.items.sent li').first();
    await expect(row.locator('.state-held').textContent()).resolves.toBe('Held');
    await expect(row.textContent()).resolves.not.toContain('Sent');
    await expect(page.locator('.items.sent li').nth(1).textContent()).resolves.toContain('Sent');
    expect((await sent(buyer)).items.map((item) => item.held)).toEqual([true, false]);

    const sellerView = await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(seller)).expect(200);
    expect(sellerView.body.map((m: { id: string }) => m.id)).not.toContain(held.body.id);
    expect(JSON.stringify(sellerView.body)).not.toContain('heldFor');
  });

  it('messages written at the same instant show in the order they were written, in conversations and the Message Center', async () => {
    const { caseId, orderId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(60_000);
    const replies = ['Reply one', 'Reply two', 'Reply three', 'Reply four', 'Reply five', 'Reply six'];
    for (const reply of replies) await post(seller, `/cases/${caseId}/messages`, reply);
    // A claim is possible once the seller had 2 business days to answer.
    t.clock.advance(3 * DAY);
    const claim = await fileClaim(t, buyer, orderId);
    t.clock.advance(60_000);
    const notes = ['Claim one', 'Claim two', 'Claim three', 'Claim four', 'Claim five', 'Claim six'];
    for (const note of notes) await post(buyer, `/claims/${claim.id}/messages`, note);

    const page = await pageFor(buyer);
    await page.goto(`${base}/app/cases/${caseId}`);
    expect(await texts(page, '.conversation li .body')).toEqual(['The screen is cracked.', ...replies]);
    await checkPage(page, 'case-same-instant');
    await page.goto(`${base}/app/claims/${claim.id}`);
    expect((await texts(page, '.conversation li .body')).slice(-notes.length)).toEqual(notes);

    await page.goto(`${base}/app/inbox?category=seller_messages`);
    expect(await texts(page, '.items .snippet')).toEqual([...replies].reverse());
    const api = await t.http
      .get('/inbox')
      .query({ category: 'seller_messages', limit: 4 })
      .set('Authorization', as(buyer))
      .expect(200);
    const next = await t.http
      .get('/inbox')
      .query({ category: 'seller_messages', limit: 4, cursor: api.body.nextCursor })
      .set('Authorization', as(buyer))
      .expect(200);
    expect([...api.body.items, ...next.body.items].map((item: { snippet: string }) => item.snippet)).toEqual(
      [...replies].reverse(),
    );
    const sellerSent = await sent(seller, { limit: '4' });
    const sellerSentMore = await sent(seller, { limit: '4', cursor: sellerSent.nextCursor! });
    expect([...sellerSent.items, ...sellerSentMore.items].map((item) => item.snippet)).toEqual([...replies].reverse());
  });
});
