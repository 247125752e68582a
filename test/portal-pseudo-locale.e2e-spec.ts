import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_START } from '../src/demo/seed.js';
import { PSEUDO_LOCALE } from '../src/i18n/catalogues.js';
import { Locales } from '../src/i18n/locales.js';
import { checkPage, portalInBrowser, signIn } from './support/browser.js';
import { seedDemoAccounts } from './support/demo.js';
import type { TestUser } from './support/factories.js';

/** Words `Intl` writes in English for the pseudo-locale (it formats as English): weekdays, months, day periods. */
const INTL_WORDS = new Set(
  'Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December'.split(
    ' ',
  ),
);

/** What a page shows a person, text and the words of attributes people read, without `<time>`s (Intl's) and form values (typed). */
const VISIBLE_TEXT = `(() => {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 3) {
      const text = (node.textContent || '').trim();
      if (text) out.push(text);
      return;
    }
    if (node.nodeType !== 1) return;
    if (['SCRIPT', 'STYLE', 'TIME', 'TEXTAREA', 'TEMPLATE'].includes(node.tagName)) return;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'data-label'])
      if (node.getAttribute(name)) out.push(node.getAttribute(name));
    if (node.tagName === 'INPUT' && ['submit', 'button'].includes(node.type)) out.push(node.value);
    node.childNodes.forEach(walk);
  };
  walk(document.body);
  out.push(document.title);
  return out;
})()`;

async function visibleText(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(VISIBLE_TEXT);
}

/**
 * Every portal page of the demo, in the pseudo-locale `en-XA` (every catalogue
 * message accented, 40 % longer and bracketed): what is still plain English
 * did not come from a catalogue, and a page wider than a phone's 375 px did
 * not make room for longer words. People's own words (names, subjects,
 * messages: anything stored in the database) and what `Intl` writes are left
 * out of the check.
 */
describe('the portal in the pseudo-locale and in Arabic', () => {
  const portal = portalInBrowser({
    app: 'per-file',
    simulated: true,
    start: DEMO_START,
    env: { POST_RATE_LIMIT_PER_MINUTE: '100000', PSEUDO_LOCALE: 'true' },
    users: { admin: { email: 'admin@demo.parley', password: DEMO_PASSWORD } },
  });
  let users: Map<string, TestUser>;
  /** Every text value the database holds (people's words, ids, stored notices), longest first. */
  let stored: string[] = [];

  beforeAll(async () => {
    const { t } = portal;
    users = await seedDemoAccounts(portal);
    const { rows: columns } = await t.sql.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb')`,
    );
    const values = new Set<string>();
    for (const { table_name, column_name } of columns) {
      const { rows } = await t.sql.query<{ value: string }>(
        `SELECT DISTINCT "${column_name}"::text AS value FROM "${table_name}" WHERE "${column_name}" IS NOT NULL LIMIT 5000`,
      );
      for (const { value } of rows) {
        values.add(value);
        // A JSON value's strings too (a stored notice's payload names an order, a reason).
        for (const match of value.matchAll(/"((?:[^"\\]|\\.){3,})"/g))
          values.add(JSON.parse(`"${match[1]}"`) as string);
        // What a page shows of a long text: its lines, and its start.
        for (const line of value.split('\n')) if (line.trim().length >= 3) values.add(line.trim());
      }
    }
    // What Intl and the catalogues name in their own words: countries (Intl's English in the pseudo-locale), languages.
    const regions = new Intl.DisplayNames('en', { type: 'region' });
    for (const a of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
      for (const b of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        const name = regions.of(a + b);
        if (name && name !== a + b) values.add(name);
      }
    const locales = new Locales();
    for (const tag of locales.tags) values.add(locales.messages(tag).languageName);
    stored = [...values].filter((value) => value.length >= 3).sort((a, b) => b.length - a.length);
  }, 120_000);

  /** The English words left in a page's text once people's words, Intl's words and codes are taken out. */
  const plainEnglish = (texts: string[]): string[] => {
    const found = new Set<string>();
    for (const text of texts) {
      // Identifiers people pick or read as they are: time zones (Europe/Berlin), ids.
      let rest = text.replace(/\b[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+/g, ' ').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ' ');
      for (const value of stored) if (rest.includes(value)) rest = rest.split(value).join(' ');
      for (const [word] of rest.matchAll(/[A-Za-z]{3,}/g)) {
        // Codes (UTC, CET, USD), the product's name, what Intl writes in English, parts of addresses and ids.
        if (/^[A-Z]{2,5}$/.test(word) || word === 'Parley' || INTL_WORDS.has(word)) continue;
        found.add(`${word} (in “${text.slice(0, 80)}”)`);
      }
    }
    return [...found];
  };

  /** Every page of a role's navigation, and the first detail page linked from each list. */
  const pagesOf = async (page: Page): Promise<string[]> => {
    const base = new URL(page.url()).origin;
    const nav = await page
      .locator('header nav a[href^="/app/"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')!));
    const pages = new Set<string>(nav);
    for (const href of nav) {
      await page.goto(`${base}${href}`);
      const details = await page
        .locator('main a[href^="/app/"]')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')!.replace(/#.*$/, '')));
      const firstOfEach = new Map<string, string>();
      for (const detail of details) {
        const kind = /^\/app\/(cases|claims|inbox|orders|admin\/users|queue)\/[0-9a-f-]{36}$/.exec(detail)?.[1];
        if (kind && !firstOfEach.has(kind)) firstOfEach.set(kind, detail);
        const form = /^\/app\/(\w+)\/new(\?|$)/.exec(detail)?.[1];
        if (form && !firstOfEach.has(`${form}/new`)) firstOfEach.set(`${form}/new`, detail);
      }
      for (const detail of firstOfEach.values()) pages.add(detail);
    }
    return [...pages];
  };

  it.each(['buyer', 'seller', 'agent', 'admin'])(
    'as a %s: every page’s words come from the catalogue, and every page fits 375 px',
    async (role) => {
      await portal.t.sql.query(`UPDATE users SET locale = $1`, [PSEUDO_LOCALE]);
      const page = await portal.newPage({ viewport: { width: 375, height: 800 } });
      await signIn(page, portal.base, users.get(role)!);
      expect(await page.locator('html').getAttribute('lang')).toBe(PSEUDO_LOCALE);
      const problems: string[] = [];
      const pages = await pagesOf(page);
      expect(pages.length).toBeGreaterThan(3);
      for (const path of pages) {
        await page.goto(`${portal.base}${path}`);
        for (const word of plainEnglish(await visibleText(page))) problems.push(`${path}: ${word}`);
        const width = await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
              .documentElement.scrollWidth,
        );
        if (width > 375) problems.push(`${path}: ${width}px wide at 375`);
      }
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it.each(['buyer', 'seller', 'agent', 'admin'])(
    'as a %s in Arabic: every page right to left, passing axe and fitting 375 px',
    async (role) => {
      await portal.t.sql.query(`UPDATE users SET locale = 'ar'`);
      const page = await portal.newPage();
      await signIn(page, portal.base, users.get(role)!);
      for (const path of await pagesOf(page)) {
        await page.goto(`${portal.base}${path}`);
        expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
        expect(await page.locator('html').getAttribute('lang')).toBe('ar');
        await checkPage(page, `ar-${role}-${path.split('/').slice(2, 4).join('-') || 'home'}`);
      }
    },
    120_000,
  );
});
