import { escapeHtml } from '@kitajs/html';
import { csrfTokenOf } from '../src/auth/browser-session.js';
import { Locales } from '../src/i18n/locales.js';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/** The language chosen in the form, and the one the browser asks for. */
const CHOSEN = 'de';
const BROWSER = 'fr';

/**
 * The language of a person's pages, without a browser: chosen on the profile
 * through the same service as `PUT /me`, else the browser's
 * `Accept-Language`, else the marketplace's default; a tag Parley does not
 * speak is refused naming `locale`, by the API and by the form.
 */
describe('the language of the portal', () => {
  let t: TestApp;
  const locales = new Locales({ pseudo: true });

  /** The cookie and CSRF token of a session, as the browser would hold them. */
  const session = (user: TestUser) => {
    const token = t.tokenFor(user);
    const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    return { cookie: `parley_session=${token}`, csrf: csrfTokenOf(TEST_JWT_SECRET, jti) };
  };
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
  const saveProfile = (user: TestUser, locale: string) => {
    const { cookie, csrf } = session(user);
    return t.http
      .post('/app/profile')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, _page: '/app/profile', displayName: 'Test buyer', timeZone: '', locale });
  };

  beforeAll(async () => {
    // The pseudo-locale too: the choices list every locale served.
    t = await startTestApp({ env: { PSEUDO_LOCALE: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('offers every served language by its own name, and the browser’s', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const page = await t.http.get('/app/profile').set('Cookie', session(buyer).cookie).expect(200);
    const select = /<select id="profile-language" name="locale"[^>]*>([\s\S]*?)<\/select>/.exec(page.text)?.[1] ?? '';
    const options = [...select.matchAll(/<option value="([^"]*)"([^>]*)>([^<]*)<\/option>/g)].map(
      ([, value, attributes, text]) => ({ value, lang: /lang="([^"]+)"/.exec(attributes)?.[1], text }),
    );
    expect(options[0]).toEqual({ value: '', lang: undefined, text: 'Not chosen (your browser’s language)' });
    expect(options.slice(1)).toEqual(
      locales.tags.map((tag) => ({ value: tag, lang: tag, text: escapeHtml(locales.messages(tag).languageName) })),
    );
    expect(select).toMatch(/<option value="" selected>/);
  });

  it('shows the next page in the language chosen in the form, notice and all, as PUT /me would store it', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const { cookie } = session(buyer);
    const saved = await saveProfile(buyer, CHOSEN).expect(303);
    expect(saved.headers.location).toBe('/app/profile');
    const cookies: string[] = [saved.headers['set-cookie'] ?? []].flat();
    const flash = cookies.find((c) => c.startsWith('parley_flash='));
    const profile = await t.http
      .get('/app/profile')
      .set('Cookie', [cookie, flash!.split(';')[0]].join('; '))
      .expect(200);
    expect(langOf(profile.text)).toBe(CHOSEN);
    expect(profile.text).toContain(
      `<p class="notice">${escapeHtml(locales.messages(CHOSEN).t('account.profile.saved'))}</p>`,
    );
    const settings = await t.http.get('/app/settings').set('Cookie', cookie).set('Accept-Language', 'en').expect(200);
    expect(settings.text).toContain(`<html lang="${CHOSEN}"`);
    expect(settings.text).toContain(escapeHtml(locales.messages(CHOSEN).t('settings.title')));

    const stored = await t.sql.query('SELECT locale FROM users WHERE id = $1', [buyer.id]);
    expect(stored.rows).toEqual([{ locale: CHOSEN }]);
    const me = await t.http.get('/me').set('Authorization', as(buyer)).expect(200);
    expect(me.body).toMatchObject({ locale: CHOSEN, localeChosen: true });

    // "Not chosen" clears it: the browser's language again, the default without one.
    await saveProfile(buyer, '').expect(303);
    const cleared = await t.http.get('/me').set('Authorization', as(buyer)).expect(200);
    expect(cleared.body).toMatchObject({ locale: 'en', localeChosen: false });
    const again = await t.http.get('/app/settings').set('Cookie', cookie).expect(200);
    expect(langOf(again.text)).toBe('en');
  });

  it('follows the browser’s Accept-Language until a person chooses', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const { cookie } = session(buyer);
    const settings = await t.http
      .get('/app/settings')
      .set('Cookie', cookie)
      .set('Accept-Language', `${BROWSER};q=0.9, xx;q=1`)
      .expect(200);
    expect(langOf(settings.text)).toBe(BROWSER);
    // Signed out too: the sign-in page.
    const login = await t.http.get('/app/login').set('Accept-Language', BROWSER).expect(200);
    expect(langOf(login.text)).toBe(BROWSER);
    // A language Parley does not speak, or a malformed header, is ignored.
    for (const header of ['xx', 'not a tag;;q=x', '*'])
      expect(
        langOf((await t.http.get('/app/settings').set('Cookie', cookie).set('Accept-Language', header)).text),
      ).toBe('en');
    const me = await t.http.get('/me').set('Authorization', as(buyer)).expect(200);
    expect(me.body).toMatchObject({ locale: 'en', localeChosen: false });
  });

  it('says a form’s field errors in the reader’s language', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    await t.http.put('/me').set('Authorization', as(buyer)).send({ locale: CHOSEN }).expect(200);
    const { cookie, csrf } = session(buyer);
    const refused = await t.http
      .post('/app/profile')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, _page: '/app/profile', displayName: '', timeZone: '', locale: CHOSEN })
      .expect(400);
    const words = locales.messages(CHOSEN);
    const text = (html: string) =>
      html
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    const beside =
      /name="displayName"[^>]*aria-invalid="true"[^>]*>[\s\S]*?<p class="field-error"[^>]*>([^<]*)<\/p>/.exec(
        refused.text,
      );
    expect(text(beside?.[1] ?? '')).toBe(words.t('errors.field.minLength', { min: 1 }));
    const summary = /<div class="error form-error"[^>]*><p>([^<]*)<\/p>/.exec(refused.text);
    expect(text(summary?.[1] ?? '')).toBe(words.t('form.refused.marked', { count: 1 }));
    expect(langOf(refused.text)).toBe(CHOSEN);
  });

  it('refuses a tag Parley does not speak with a 400 naming locale, in the API and beside the form’s field', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const api = await t.http.put('/me').set('Authorization', as(buyer)).send({ locale: 'xx-invalid!' }).expect(400);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.body.errors.map((error: { field: string }) => error.field)).toEqual(['locale']);
    await t.http.put('/me').set('Authorization', as(buyer)).send({ locale: 'tlh' }).expect(400);
    // A tag of a served language is stored as that language.
    const regional = await t.http.put('/me').set('Authorization', as(buyer)).send({ locale: 'en-AU' }).expect(200);
    expect(regional.body).toMatchObject({ locale: 'en', localeChosen: true });

    const refused = await saveProfile(buyer, 'xx-invalid!').expect(400);
    expect(refused.text).toMatch(/name="locale"[^>]*aria-invalid="true"[^>]*>[\s\S]*?<p class="field-error"/);
    const stored = await t.sql.query('SELECT locale FROM users WHERE id = $1', [buyer.id]);
    expect(stored.rows).toEqual([{ locale: 'en' }]);
  });
});
