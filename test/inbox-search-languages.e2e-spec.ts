import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { startTestApp, TestApp } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * The Message Center's search in the launch languages (docs/inbox.md,
 * "Search in each language"): accents ignored, German compounds found as
 * whole words, Japanese words found inside unspaced Japanese text, and
 * typographic quotation marks no longer stuck to the words they quote.
 */
describe('the Message Center search across languages', () => {
  let t: TestApp;
  let buyer: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const found = async (q: string) =>
    (
      (await t.http.get('/inbox').query({ q }).set('Authorization', as(buyer)).expect(200)).body as {
        items: InboxItemView[];
      }
    ).items.map((item) => item.snippet.replace(/[«»]/g, ''));

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    t.clock.set('2026-03-02T18:00:00Z');
    const admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const { caseId } = await orderWithCase(t, admin, buyer, seller);
    for (const body of [
      'Die Versandkosten werden erstattet.',
      'Votre colis a été expédié hier, à Besançon.',
      'El paquete llegará mañana.',
      'ご注文の商品は明日発送します。',
      'お届け先の住所を確認してください。',
      'The “Deluxe” kettle ships today.',
    ]) {
      t.clock.advance(1000);
      await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body }).expect(201);
    }
  });
  afterAll(() => t.close());

  it('finds a Japanese word inside Japanese text written without spaces, and not its characters out of order', async () => {
    expect(await found('発送')).toEqual(['ご注文の商品は明日発送します。']);
    expect(await found('住所')).toEqual(['お届け先の住所を確認してください。']);
    expect(await found('商品 明日')).toEqual(['ご注文の商品は明日発送します。']);
    expect(await found('送発')).toEqual([]);
    expect(await found('住所 -確認')).toEqual([]);
  });

  it('ignores accents either way in French and Spanish', async () => {
    expect(await found('expedie')).toEqual(['Votre colis a été expédié hier, à Besançon.']);
    expect(await found('BESANCON')).toEqual(['Votre colis a été expédié hier, à Besançon.']);
    expect(await found('manana')).toEqual(['El paquete llegará mañana.']);
    expect(await found('llegara')).toEqual(['El paquete llegará mañana.']);
  });

  it('finds a German compound as the word it is', async () => {
    expect(await found('versandkosten')).toEqual(['Die Versandkosten werden erstattet.']);
    expect(await found('erstattet')).toEqual(['Die Versandkosten werden erstattet.']);
  });

  it('finds a word in typographic quotation marks', async () => {
    expect(await found('deluxe')).toEqual(['The “Deluxe” kettle ships today.']);
  });

  it('takes the longest search in Japanese without an error', async () => {
    const response = await t.http
      .get('/inbox')
      .query({ q: '発'.repeat(256) })
      .set('Authorization', as(buyer));
    expect(response.status).toBe(200);
  });
});
