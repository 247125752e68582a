import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';
import { TestSmtpServer } from './support/smtp.js';
import { englishMessages } from '../src/i18n/locales.js';

/** An instant as the notices write it for an English reader in `zone`. */
const formatInstant = (at: string | Date, zone: string | null) => englishMessages().dateTime(at, zone);

const DAY = 24 * 3_600_000;

/**
 * Each party reads a claim's notices as written to itself, in its Message
 * Center (texts chosen when the notice is queued, by the recipient's role)
 * and by email (rendered when sent, with instants in the reader's zone).
 */
describe('notice texts, as each party receives them', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let agent2: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const post = (user: TestUser, path: string, body: object = {}) =>
    t.http.post(path).set('Authorization', as(user)).send(body);
  const dispatch = () => t.http.post('/admin/jobs/outbox-dispatch/run').set('Authorization', as(admin)).expect(200);

  /** What `user` read about the claim, kind by kind: its Message Center item and its email, as one text each. */
  async function readBy(user: TestUser, claimId: string, kind: string) {
    const { rows } = await t.sql.query(
      `SELECT subject, body FROM inbox_items WHERE user_id = $1 AND claim_id = $2 AND kind = $3`,
      [user.id, claimId, kind],
    );
    const mails = smtp.received.filter(
      (mail) =>
        mail.envelopeTo.includes(user.email) &&
        mail.parsed.headers.get('x-parley-kind') === kind &&
        String(mail.parsed.text).includes(claimId),
    );
    expect(rows).toHaveLength(1);
    expect(mails).toHaveLength(1);
    return {
      item: `${rows[0].subject}\n${rows[0].body}`,
      email: `${mails[0].parsed.subject}\n${mails[0].parsed.text}`,
    };
  }

  /** Neither party is named to itself as the third party. */
  function aboutTheReader(role: 'buyer' | 'seller', ...texts: string[]) {
    for (const text of texts) {
      if (role === 'seller') expect(text).not.toMatch(/\b(the|a) seller\b|\byour (claim|order)\b/i);
      else expect(text).not.toMatch(/\b(the|a) buyer\b/i);
    }
  }

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://parley.example', POST_RATE_LIMIT_PER_MINUTE: '10000' },
    });
    admin = await createUser(t.sql, 'admin');
    agent = await createUser(t.sql, 'agent');
    agent2 = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('a seller’s refund: the buyer reads that the seller refunded, the seller that it refunded the buyer', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE' });
    t.clock.set('2026-03-02T09:00:00Z');
    const { orderId } = await orderWithCase(t, admin, buyer, seller, { total: { amount: 3900, currency: 'USD' } });
    t.clock.advance(5 * DAY);
    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/refund`, { amount: { amount: 3900, currency: 'USD' } }).expect(200);
    await dispatch();

    const toBuyer = await readBy(buyer, claim.id, 'claim_refunded_by_seller');
    const toSeller = await readBy(seller, claim.id, 'claim_refunded_by_seller');
    for (const text of [toBuyer.item, toBuyer.email]) expect(text).toContain('The seller refunded your order $39.00');
    for (const text of [toSeller.item, toSeller.email]) {
      expect(text).toContain('You refunded the buyer $39.00');
      expect(text).toContain('A refund of $39.00 was issued to the buyer');
    }
    aboutTheReader('buyer', toBuyer.item, toBuyer.email);
    aboutTheReader('seller', toSeller.item, toSeller.email);
  });

  /** A claim the seller answered and an agent denied, its notices sent; with the end of its appeal window. */
  const deniedClaim = async (buyer: TestUser, seller: TestUser) => {
    t.clock.set('2026-03-02T09:00:00Z');
    const { orderId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(5 * DAY);
    const claim = await fileClaim(t, buyer, orderId);
    await post(seller, `/claims/${claim.id}/respond`, { body: 'Not my fault.' }).expect(200);
    await post(agent, `/claims/${claim.id}/decide`, { outcome: 'denied', note: 'No evidence.' }).expect(200);
    const [{ appeal_until: appealUntil }] = (
      await t.sql.query(`SELECT appeal_until FROM claims WHERE id = $1`, [claim.id])
    ).rows as { appeal_until: Date }[];
    await dispatch();
    return { claim, appealUntil };
  };

  it('a denial and its appeal: who may appeal, in the reader’s zone, and who appealed', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE' });
    const { claim, appealUntil } = await deniedClaim(buyer, seller);

    const deniedToBuyer = await readBy(buyer, claim.id, 'claim_decided');
    const deniedToSeller = await readBy(seller, claim.id, 'claim_decided');
    // The buyer has no zone of its own: UTC, named as such. The seller reads its calendar's zone.
    expect(deniedToBuyer.email).toContain(`You may appeal until ${formatInstant(appealUntil, null)}.`);
    expect(deniedToSeller.email).toContain(
      `The buyer may appeal until ${formatInstant(appealUntil, 'Europe/Berlin')}.`,
    );
    expect(formatInstant(appealUntil, 'Europe/Berlin')).toMatch(/CES?T$/);
    expect(deniedToBuyer.item).toContain('You may appeal until');
    expect(deniedToSeller.item).toContain('The buyer may appeal until');
    aboutTheReader('buyer', deniedToBuyer.item, deniedToBuyer.email);
    aboutTheReader('seller', deniedToSeller.item, deniedToSeller.email);

    await post(buyer, `/claims/${claim.id}/appeal`, { body: 'Here is more evidence.' }).expect(200);
    await post(agent2, `/claims/${claim.id}/decide-appeal`, { outcome: 'upheld', note: 'Looked again.' }).expect(200);
    await dispatch();
    const appealedToBuyer = await readBy(buyer, claim.id, 'claim_appealed');
    const appealedToSeller = await readBy(seller, claim.id, 'claim_appealed');
    for (const text of [appealedToBuyer.item, appealedToBuyer.email])
      expect(text).toContain('You appealed the decision on your claim');
    for (const text of [appealedToSeller.item, appealedToSeller.email])
      expect(text).toContain('The buyer appealed the decision on the claim');
    aboutTheReader('buyer', appealedToBuyer.item, appealedToBuyer.email);
    aboutTheReader('seller', appealedToSeller.item, appealedToSeller.email);
    for (const [user, role] of [
      [buyer, 'buyer'],
      [seller, 'seller'],
    ] as const) {
      const decided = await readBy(user, claim.id, 'claim_appeal_decided');
      aboutTheReader(role, decided.item, decided.email);
    }
  });

  it('a zone the reader chose on its profile: its emails name instants in it, over a seller’s calendar’s', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller', { timeZone: 'Europe/Berlin', country: 'DE' });
    await t.http.put('/me').set('Authorization', as(buyer)).send({ timeZone: 'Asia/Tokyo' }).expect(200);
    await t.http.put('/me').set('Authorization', as(seller)).send({ timeZone: 'America/New_York' }).expect(200);
    const { claim, appealUntil } = await deniedClaim(buyer, seller);

    const toBuyer = await readBy(buyer, claim.id, 'claim_decided');
    const toSeller = await readBy(seller, claim.id, 'claim_decided');
    expect(formatInstant(appealUntil, 'Asia/Tokyo')).toMatch(/GMT\+9$/);
    expect(toBuyer.email).toContain(`You may appeal until ${formatInstant(appealUntil, 'Asia/Tokyo')}.`);
    expect(toBuyer.email).not.toContain('UTC');
    // A seller's own choice is how it reads times; its calendar's zone still sets its deadlines.
    expect(toSeller.email).toContain(`The buyer may appeal until ${formatInstant(appealUntil, 'America/New_York')}.`);
    expect(toSeller.email).not.toMatch(/CES?T/);
  });
});
