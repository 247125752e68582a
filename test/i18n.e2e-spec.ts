import { sessionCookieName } from '../src/auth/browser-session.js';
import { Locales } from '../src/i18n/locales.js';
import { startTestApp, TestApp } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, openCase, TestUser } from './support/factories.js';
import { TestSmtpServer } from './support/smtp.js';

const HOUR = 3_600_000;
const locales = new Locales();
const de = locales.messages('de');
const ja = locales.messages('ja');

/**
 * People reading Parley in their own language: a German seller's warning
 * email and pages (with the Bavarian holiday named in German), a Japanese
 * buyer's Message Center, orders and claim form with yen in whole units.
 */
describe('pages and emails in the reader’s language', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const page = async (user: TestUser, path: string) =>
    (
      await t.http
        .get(path)
        .set('Cookie', `${sessionCookieName(true)}=${t.tokenFor(user)}`)
        .expect(200)
    ).text;
  const runJob = (name: string) => t.http.post(`/admin/jobs/${name}/run`).set('Authorization', as(admin)).expect(200);

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://parley.example' } });
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('warns a German seller in German, and explains the deadline with the Bavarian holiday named in German', async () => {
    const seller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE', subdivision: 'BY' });
    const buyer = await createUser(t.sql, 'buyer');
    await t.http.put('/me').set('Authorization', as(seller)).send({ locale: 'de-DE' }).expect(200);
    // Monday 5 January 2026, 10:00 in Munich; Tuesday 6 January is Epiphany, a public holiday in Bavaria.
    t.clock.set('2026-01-05T09:00:00Z');
    const subject = 'Frage zur Lieferung';
    const caseId = await openCase(t, buyer, seller.id, { subject });
    // A business day later, not counting the holiday: Wednesday 10:00; the sweep on Wednesday afternoon warns.
    t.clock.set('2026-01-07T14:00:00Z');
    await runJob('sla-sweep');
    await runJob('outbox-dispatch');

    const quoted = de.t('notice.case.quoted', { subject });
    const oneDay = de.t('notice.businessDays', { days: 1 });
    const toSeller = smtp.received.filter((mail) => mail.envelopeTo.includes(seller.email));
    expect(toSeller.map((mail) => mail.parsed.subject)).toEqual([
      de.t('notice.caseOpened.subject', { case: quoted }),
      de.t('notice.atRisk.subject', { case: quoted, atRisk: oneDay }),
    ]);
    const warning = toSeller[1];
    expect(warning?.parsed.text).toContain(de.t('notice.atRisk.advice'));
    expect(warning?.parsed.text).toContain(de.t('email.greeting', { name: (await nameOf(seller)) ?? '' }));
    expect(warning?.parsed.html).toContain('<html lang="de" dir="ltr">');
    expect(oneDay).toBe('1 Werktag');

    const dashboard = await page(seller, '/app/dashboard');
    expect(dashboard).toContain('<html lang="de" dir="ltr">');
    expect(dashboard).toContain(de.t('layout.nav.dashboard'));
    expect(dashboard).not.toContain('>Dashboard<');
    const casePage = await page(seller, `/app/cases/${caseId}`);
    expect(casePage).toContain('Heilige Drei Könige');
    expect(casePage).not.toContain('Epiphany');
    // Weekday names in German too.
    expect(casePage).toMatch(/Di\.|Dienstag/);
  });

  it('shows a Japanese buyer the Message Center, orders and claim form in Japanese, yen in whole units', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    await t.sql.query(`UPDATE users SET locale = 'ja' WHERE id = $1`, [buyer.id]);
    t.clock.set('2026-03-02T18:00:00Z');
    const { orderId, caseId } = await orderWithCase(t, admin, buyer, seller, {
      total: { amount: 5000, currency: 'JPY' },
    });
    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: '明日発送します。' })
      .expect(201);
    t.clock.advance(120 * HOUR);

    const inbox = await page(buyer, '/app/inbox');
    expect(inbox).toContain('<html lang="ja" dir="ltr">');
    expect(inbox).toContain(ja.t('layout.nav.messages'));
    expect(inbox).toContain('明日発送します。');

    const orders = await page(buyer, '/app/orders');
    expect(orders).toContain('￥5,000');
    expect(orders).not.toContain('¥50.00');
    const claimForm = await page(buyer, `/app/claims/new?orderId=${orderId}`);
    expect(claimForm).toContain('￥5,000');
    expect(claimForm).toMatch(/name="amount"[^>]*value="5000"/);
    expect(claimForm).toContain(ja.t('layout.nav.claims'));
  });

  it('keeps the JSON API in English, whatever the caller’s language', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    await t.sql.query(`UPDATE users SET locale = 'ja' WHERE id = $1`, [buyer.id]);
    const refused = await t.http
      .put('/me')
      .set('Authorization', as(buyer))
      .set('Accept-Language', 'ja')
      .send({ locale: 'tlh' })
      .expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'locale', message: expect.stringMatching(/^locale must be a language Parley speaks/) },
    ]);
    expect((await t.http.get('/me').set('Authorization', as(buyer)).expect(200)).body).toMatchObject({
      locale: 'ja',
      localeChosen: true,
    });
  });

  async function nameOf(user: TestUser): Promise<string | undefined> {
    return (await t.sql.query(`SELECT display_name FROM users WHERE id = $1`, [user.id])).rows[0]?.display_name;
  }
});
