import { csrfTokenOf, sessionCookieName } from '../src/auth/browser-session.js';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';
import { TestSmtpServer } from './support/smtp.js';

const DAY = 86_400_000;

const unescape = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What a browser would submit from the page's form posting to `action`: its inputs as prefilled, each select's first option, the given text. */
function formOf(html: string, action: string, typed: Record<string, string> = {}): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
  if (form === undefined) throw new Error(`no form posting to ${action}`);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) fields[name] = unescape(/value="([^"]*)"/.exec(input)?.[1] ?? '');
  }
  for (const [, name, options] of form.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g))
    fields[name] = unescape(/<option value="([^"]*)"/.exec(options)![1]);
  return { ...fields, ...typed };
}

/**
 * Money on the portal's pages, in its forms and in email, in each currency's
 * own minor units: a ¥5,000 order is 5000 in the API and ¥5,000 to people;
 * a KWD order shows its three decimals.
 */
describe('money in the currency’s own decimals', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let admin: TestUser;

  const sessions = new Map<string, { cookie: string; csrf: string }>();
  /** The cookie and CSRF token of the user's one portal session, as the browser would hold them. */
  const session = (user: TestUser) => {
    let held = sessions.get(user.id);
    if (!held) {
      const token = t.tokenFor(user);
      const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
      // PUBLIC_URL is https, so the session cookie has its `__Host-` name.
      held = { cookie: `${sessionCookieName(true)}=${token}`, csrf: csrfTokenOf(TEST_JWT_SECRET, jti) };
      sessions.set(user.id, held);
    }
    return held;
  };
  const page = async (user: TestUser, path: string) =>
    (await t.http.get(path).set('Cookie', session(user).cookie).expect(200)).text;
  const submit = (user: TestUser, path: string, fields: Record<string, string>) =>
    t.http.post(path).set('Cookie', session(user).cookie).type('form').send(fields);

  /** A buyer and a seller of this test's own, and an order of theirs on which a claim is possible now. */
  async function orderIn(total: {
    amount: number;
    currency: string;
  }): Promise<{ buyer: TestUser; seller: TestUser; orderId: string }> {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    t.clock.set('2026-03-02T18:00:00Z');
    const { orderId } = await orderWithCase(t, admin, buyer, seller, { total });
    t.clock.advance(5 * DAY);
    return { buyer, seller, orderId };
  }

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://parley.example', POST_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('shows a ¥5,000 order as ¥5,000, files the prefilled claim form as 5000, and emails ¥5,000', async () => {
    const { buyer, seller, orderId } = await orderIn({ amount: 5000, currency: 'JPY' });

    const orders = await page(buyer, '/app/orders');
    expect(orders).toContain('<dd>¥5,000</dd>');
    expect(orders).not.toContain('¥50<');

    const claimForm = await page(buyer, `/app/claims/new?orderId=${orderId}`);
    expect(claimForm).toContain('</strong>, ¥5,000. A claim asks us');
    const fields = formOf(claimForm, '/app/claims', { body: 'The screen is cracked.' });
    expect(fields).toMatchObject({ amount: '5000', currency: 'JPY', orderId, _csrf: session(buyer).csrf });
    const filed = await submit(buyer, '/app/claims', fields).expect(303);

    const [claim] = (await t.sql.query(`SELECT id, amount, currency FROM claims WHERE order_id = $1`, [orderId])).rows;
    expect(filed.headers.location).toBe(`/app/claims/${claim.id}`);
    expect(claim).toMatchObject({ amount: '5000', currency: 'JPY' });
    expect(
      (
        await t.http
          .get(`/claims/${claim.id}`)
          .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
          .expect(200)
      ).body.amount,
    ).toEqual({ amount: 5000, currency: 'JPY' });
    expect(await page(buyer, `/app/claims/${claim.id}`)).toContain('<dd>¥5,000</dd>');

    await t.http
      .post('/admin/jobs/outbox-dispatch/run')
      .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
      .expect(200);
    const mail = smtp.received.find(
      (received) =>
        received.envelopeTo.includes(seller.email) &&
        received.parsed.subject === 'A buyer filed a claim: please respond',
    );
    expect(mail?.parsed.text).toContain('about an order for ¥5,000.');
    expect(mail?.parsed.html).toContain('about an order for ¥5,000.');
  });

  it('shows a KWD order with three decimals, and takes the seller’s prefilled refund as the same amount', async () => {
    const { buyer, seller, orderId } = await orderIn({ amount: 1250, currency: 'KWD' });

    expect(await page(buyer, '/app/orders')).toContain('<dd>KWD\u00a01.250</dd>');
    const claimForm = await page(buyer, `/app/claims/new?orderId=${orderId}`);
    const fields = formOf(claimForm, '/app/claims', { body: 'Never arrived in one piece.' });
    expect(fields).toMatchObject({ amount: '1.250', currency: 'KWD' });
    await submit(buyer, '/app/claims', fields).expect(303);
    const [claim] = (await t.sql.query(`SELECT id, amount FROM claims WHERE order_id = $1`, [orderId])).rows;
    expect(claim.amount).toBe('1250');

    const claimPage = await page(seller, `/app/claims/${claim.id}`);
    expect(claimPage).toContain('<dd>KWD\u00a01.250</dd>');
    const refund = formOf(claimPage, `/app/claims/${claim.id}/refund`);
    expect(refund).toMatchObject({ amount: '1.250', currency: 'KWD' });
    await submit(seller, `/app/claims/${claim.id}/refund`, refund).expect(303);
    expect((await t.sql.query(`SELECT status, seller_refund FROM claims WHERE id = $1`, [claim.id])).rows[0]).toEqual({
      status: 'closed',
      seller_refund: '1250',
    });
  });

  it('refuses a yen amount with decimals, saying what is expected, and files nothing', async () => {
    const { buyer, orderId } = await orderIn({ amount: 5000, currency: 'JPY' });
    const fields = formOf(await page(buyer, `/app/claims/new?orderId=${orderId}`), '/app/claims', {
      amount: '4999.5',
      body: 'Cracked.',
    });
    const refused = await submit(buyer, '/app/claims', fields).expect(400);
    // The claim form again, the error under the amount in words for people, what was typed still there.
    expect(refused.text).toMatch(
      /name="amount"[^>]*aria-invalid="true"[^>]*>\s*<p class="field-error"[^>]*>This must be a whole number of JPY, such as 1,234: JPY has no decimals<\/p>/,
    );
    expect(refused.text).toContain('value="4999.5"');
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM claims WHERE order_id = $1`, [orderId])).rows[0].n).toBe(
      0,
    );
  });

  it('refuses a claim above the order total, naming the total as people write it (¥5,000, not 5000 JPY)', async () => {
    const { buyer, orderId } = await orderIn({ amount: 5000, currency: 'JPY' });
    const fields = formOf(await page(buyer, `/app/claims/new?orderId=${orderId}`), '/app/claims', {
      amount: '5001',
      body: 'Cracked.',
    });
    const refused = await submit(buyer, '/app/claims', fields).expect(400);
    expect(refused.text).toContain('must not exceed the order total, ¥5,000');
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM claims WHERE order_id = $1`, [orderId])).rows[0].n).toBe(
      0,
    );
  });
});
