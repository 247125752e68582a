import { startTestApp, TestApp } from './support/app.js';
import { createUser, openCase, TestUser } from './support/factories.js';

/**
 * A list of cases reads the page's frame (who is looking, their language and
 * time zone, their unread count) in its own statement: the frame it shows must
 * be the one a page that reads it apart shows, with a list or without one,
 * and count broadcasts the viewer has not had yet.
 */
describe('the frame of a list page', () => {
  let t: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const page = async (user: TestUser, path: string) =>
    (
      await t.http
        .get(path)
        .set('Cookie', `parley_session=${t.tokenFor(user)}`)
        .expect(200)
    ).text;
  /** What the frame of a page shows: its language, the viewer's name, the unread count (0 when the badge is empty). */
  const frameOf = (html: string) => ({
    lang: /<html lang="([^"]+)"/.exec(html)?.[1],
    name: /<span class="who">([^<]*)<\/span>/.exec(html)?.[1],
    zone: /<main [^>]*data-zone="([^"]+)"/.exec(html)?.[1],
    unread: Number(/<span id="unread-badge"[^>]*> <span aria-hidden="true">([^<]+)<\/span>/.exec(html)?.[1] ?? 0),
  });
  const unreadOf = async (user: TestUser) =>
    (
      (await t.http.get('/inbox/counts').set('Authorization', as(user)).expect(200)).body as {
        unread: { total: number };
      }
    ).unread.total;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the seller’s name, language, time zone and unread count above their cases, as the settings page does', async () => {
    const seller = await createUser(t.sql, 'seller');
    await t.http
      .put('/me')
      .set('Authorization', as(seller))
      .send({ displayName: 'Anna’s Teas', locale: 'de', timeZone: 'Europe/Berlin' })
      .expect(200);
    const buyer = await createUser(t.sql, 'buyer');
    await openCase(t, buyer, seller.id, { subject: 'Loose leaf or bags?' });
    await openCase(t, buyer, seller.id, { subject: 'Is it organic?' });
    const unread = await unreadOf(seller);
    expect(unread).toBeGreaterThanOrEqual(2);

    const dashboard = await page(seller, '/app/dashboard');
    expect(dashboard).toContain('Loose leaf or bags?');
    const expected = { lang: 'de', name: 'Anna’s Teas', zone: 'Europe/Berlin', unread };
    expect(frameOf(dashboard)).toEqual(expected);
    expect(frameOf(await page(seller, '/app/cases'))).toEqual(expected);
    // A page that reads its frame apart shows the same.
    expect(frameOf(await page(seller, '/app/settings'))).toEqual(expected);
  });

  it('shows the frame above an empty list, where no row carries it', async () => {
    const seller = await createUser(t.sql, 'seller');
    await t.http.put('/me').set('Authorization', as(seller)).send({ locale: 'fr' }).expect(200);
    const dashboard = await page(seller, '/app/dashboard');
    expect(dashboard).not.toContain('<tbody>');
    expect(frameOf(dashboard)).toEqual({ lang: 'fr', name: 'Test seller', zone: undefined, unread: 0 });
  });

  it('counts a broadcast the viewer had not had yet, as the Message Center does', async () => {
    const seller = await createUser(t.sql, 'seller');
    const buyer = await createUser(t.sql, 'buyer');
    await openCase(t, buyer, seller.id);
    const before = frameOf(await page(seller, '/app/dashboard')).unread;
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'New fees from April', body: 'Details inside.', audience: 'sellers' })
      .expect(201);
    expect(frameOf(await page(seller, '/app/dashboard')).unread).toBe(before + 1);
    expect(await unreadOf(seller)).toBe(before + 1);
  });

  it('shows a buyer’s own frame above the buyer’s cases, never the seller’s', async () => {
    const seller = await createUser(t.sql, 'seller');
    const buyer = await createUser(t.sql, 'buyer');
    await t.http.put('/me').set('Authorization', as(buyer)).send({ displayName: 'Hiro', locale: 'ja' }).expect(200);
    await openCase(t, buyer, seller.id, { subject: 'Gift wrapping?' });
    const cases = await page(buyer, '/app/cases');
    expect(cases).toContain('Gift wrapping?');
    expect(frameOf(cases)).toEqual({ lang: 'ja', name: 'Hiro', zone: undefined, unread: await unreadOf(buyer) });
  });
});
