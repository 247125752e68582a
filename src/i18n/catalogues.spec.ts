import {
  catalogueLocales,
  messageArguments,
  parseCatalogue,
  PSEUDO_LOCALE,
  pseudoText,
  readCatalogue,
  SOURCE_LOCALE,
} from './catalogues.js';
import { Locales } from './locales.js';
import { directionOf, Html } from './messages.js';

const LAUNCH_LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'ar'];
const source = readCatalogue(SOURCE_LOCALE);
const sourceParsed = parseCatalogue(SOURCE_LOCALE, source).parsed;

describe('the catalogues', () => {
  const locales = catalogueLocales();

  it('are there for every launch language, one file each', () => {
    expect(locales).toEqual(expect.arrayContaining(LAUNCH_LOCALES));
    expect(locales[0]).toBe(SOURCE_LOCALE);
  });

  it.each(locales)('%s: every message parses', (locale) => {
    expect(parseCatalogue(locale, readCatalogue(locale)).problems).toEqual([]);
  });

  it.each(locales)('%s: has every key of the English catalogue, and no other', (locale) => {
    const keys = Object.keys(readCatalogue(locale));
    expect(Object.keys(source).filter((key) => !keys.includes(key))).toEqual([]);
    expect(keys.filter((key) => !(key in source))).toEqual([]);
  });

  it.each(locales)('%s: every message takes the same arguments, of the same kinds, as in English', (locale) => {
    const { parsed } = parseCatalogue(locale, readCatalogue(locale));
    const different: string[] = [];
    for (const [key, tree] of sourceParsed) {
      const translated = parsed.get(key);
      if (!translated) continue;
      const expected = [...messageArguments(tree)].sort().join(', ');
      const actual = [...messageArguments(translated)].sort().join(', ');
      if (expected !== actual) different.push(`${key}: ${actual} instead of ${expected}`);
    }
    expect(different).toEqual([]);
  });

  it.each(locales.filter((locale) => locale !== SOURCE_LOCALE))(
    '%s: is translated (at most a few messages the same as in English: names, symbols)',
    (locale) => {
      const messages = readCatalogue(locale);
      const same = Object.keys(source).filter((key) => messages[key] === source[key] && /[a-z]{4,}/i.test(source[key]));
      expect(same.length).toBeLessThan(Object.keys(source).length * 0.05);
    },
  );

  it('names each language in itself', () => {
    const all = new Locales();
    expect(all.messages('de').languageName).toBe('Deutsch');
    expect(all.messages('ja').languageName).toBe('日本語');
    expect(all.messages('ar').languageName).toBe('العربية');
    expect(new Set(all.tags.map((tag) => all.messages(tag).languageName)).size).toBe(all.tags.length);
  });

  it('catch a message that does not parse, and arguments that differ', () => {
    expect(parseCatalogue('xx', { broken: 'Hello {name' }).problems).toEqual([
      { locale: 'xx', key: 'broken', problem: expect.stringMatching(/does not parse/) },
    ]);
    const [a, b] = [
      parseCatalogue('xx', { m: '{n, plural, one {# day} other {# days}} for {who}' }).parsed.get('m')!,
      parseCatalogue('xx', { m: '{n} Tage für {wer}' }).parsed.get('m')!,
    ];
    expect([...messageArguments(a)]).toEqual([
      ['n', 'plural'],
      ['who', 'string'],
    ]);
    expect([...messageArguments(b)]).toEqual([
      ['n', 'string'],
      ['wer', 'string'],
    ]);
  });
});

describe('messages in each language', () => {
  const all = new Locales({ pseudo: true });

  it('plural the way each language does', () => {
    const days = (tag: string, n: number) => all.messages(tag).t('notice.businessDays', { days: n });
    expect([days('en', 1), days('en', 2)]).toEqual(['1 business day', '2 business days']);
    expect([days('de', 1), days('de', 2)]).toEqual(['1 Werktag', '2 Werktage']);
    expect([days('fr', 1), days('fr', 2)]).toEqual(['1 jour ouvré', '2 jours ouvrés']);
    expect([days('es', 1), days('es', 2)]).toEqual(['1 día hábil', '2 días hábiles']);
    // No plural in Japanese: the same word for one and many.
    expect(days('ja', 1).replace('1', '')).toBe(days('ja', 2).replace('2', ''));
    // Arabic has six forms; at least one, two and the general form differ.
    expect(new Set([days('ar', 1), days('ar', 2), days('ar', 11)]).size).toBe(3);
  });

  it('format money in the currency’s minor units, the reader’s way', () => {
    // Spaces as Intl writes them (no-break, narrow no-break) read as plain spaces here.
    const spaced = (text: string) => text.replace(/\s/g, ' ');
    const yen = { amount: 5000, currency: 'JPY' };
    const euros = { amount: 500000, currency: 'EUR' };
    expect(all.messages('ja').money(yen)).toBe('￥5,000');
    expect(all.messages('en').money(yen)).toBe('¥5,000');
    expect(spaced(all.messages('de').money(euros))).toBe('5.000,00 €');
    expect(spaced(all.messages('fr').money(euros))).toBe('5 000,00 €');
    expect(all.messages('ar').money({ amount: 1250, currency: 'KWD' })).toMatch(/1[.,٫]250/);
  });

  it('format dates, numbers and countdowns in the reader’s language and zone', () => {
    const at = '2026-03-02T17:00:00Z';
    expect(all.messages('en').dateTime(at, 'UTC')).toBe('Mon, 2 Mar 2026, 17:00 UTC');
    expect(all.messages('de').dateTime(at, 'Europe/Berlin')).toMatch(/^Mo\., 2\. März 2026, 18:00 MEZ$/);
    expect(all.messages('ja').dateTime(at, 'Asia/Tokyo')).toBe('2026年3月3日(火) 02:00 JST');
    expect(all.messages('de').date('2026-03-23')).toBe('23. März 2026');
    expect(all.messages('de').weekday(1)).toBe('Montag');
    expect(all.messages('de').number(1234.5)).toBe('1.234,5');
    expect(all.messages('fr').percent(0.953)).toMatch(/^95,3\s%$/);
    expect(all.messages('en').remaining(3 * 86_400_000 + 4 * 3_600_000)).toBe('in 3 d 4 h');
    expect(all.messages('en').remaining(-125 * 60_000)).toBe('2 h 5 min overdue');
    expect(all.messages('de').remaining(3 * 86_400_000)).not.toBe(all.messages('en').remaining(3 * 86_400_000));
  });

  it('format an instant or a countdown again as the first time (they are kept while in use)', () => {
    const en = all.messages('en');
    const iso = '2026-03-02T17:00:00.000Z';
    for (let round = 0; round < 2; round++) {
      // The same instant as an ISO string, another spelling of it and a Date: one text, in each zone asked for.
      expect(en.dateTime(iso, 'UTC')).toBe('Mon, 2 Mar 2026, 17:00 UTC');
      expect(en.dateTime('2026-03-02T18:00:00+01:00', 'UTC')).toBe('Mon, 2 Mar 2026, 17:00 UTC');
      expect(en.dateTime(new Date(iso), 'Asia/Tokyo')).toBe('Tue, 3 Mar 2026, 02:00 GMT+9');
      expect(en.dateTime(iso, 'Asia/Tokyo', { year: false })).toBe('Tue 3 Mar, 02:00 GMT+9');
      // An unknown zone is UTC, every time.
      expect(en.dateTime(iso, 'Mars/Olympus')).toBe('Mon, 2 Mar 2026, 17:00 UTC');
      // Overdue and due in the same span are two texts; seconds within a minute are one.
      expect(en.remaining(125 * 60_000)).toBe('in 2 h 5 min');
      expect(en.remaining(-125 * 60_000)).toBe('2 h 5 min overdue');
      expect(en.remaining(125 * 60_000 + 59_000)).toBe('in 2 h 5 min');
    }
  });

  it('give the page script the countdown’s words as patterns', () => {
    expect(JSON.parse(all.messages('de').countdownPatternsJson)).toEqual(all.messages('de').countdownPatterns());
    const patterns = all.messages('en').countdownPatterns();
    expect(patterns).toEqual({
      days: '{days} d {hours} h',
      hours: '{hours} h {minutes} min',
      minutes: '{minutes} min',
      in: 'in {span}',
      overdue: '{span} overdue',
    });
  });

  it('escape every text argument of a message used as HTML, and keep Parley’s own markup', () => {
    const en = all.messages('en');
    const html = en.html('layout.simulatedClock', { time: '<script>alert(1)</script>' });
    expect(html).toBe('Simulated clock: it is &lt;script>alert(1)&lt;/script>');
    expect(en.html('layout.simulatedClock', { time: new Html('<time>now</time>') })).toBe(
      'Simulated clock: it is <time>now</time>',
    );
    // A person's words in a plain message come out exactly as written: the catalogue never alters them.
    expect(en.t('notice.case.quoted', { subject: "Size <M>? {not} a 'quote' #1" })).toBe(
      "“Size <M>? {not} a 'quote' #1”",
    );
  });

  it('write right to left in Arabic, and say so', () => {
    expect(all.messages('ar').direction).toBe('rtl');
    expect(all.messages('ja').direction).toBe('ltr');
    expect(directionOf('he-IL')).toBe('rtl');
  });

  it('make the pseudo-locale from English: accented, 40 % longer, bracketed, with the same arguments', () => {
    const pseudo = all.messages(PSEUDO_LOCALE);
    expect(pseudoText('Cases')).toBe('Çàšéš~~');
    expect(pseudoText('Open cases: 3')).toBe('Öþéñ~~ çàšéš:~~~ 3~');
    const days = pseudo.t('notice.businessDays', { days: 2 });
    expect(days).toMatch(/^\[2 [^a-z ]+~+ [^a-z ]+~+\]$/);
    expect(pseudo.t('layout.title', { title: 'X' })).toMatch(/^\[X .*Þàŕľéý~+\]$/);
  });
});

describe('choosing the reader’s language', () => {
  const locales = new Locales();

  it('matches a tag to a served locale, by language when the region is not served', () => {
    expect(locales.match('de')).toBe('de');
    expect(locales.match('DE-at')).toBe('de');
    expect(locales.match('ja-JP')).toBe('ja');
    expect(locales.match('zh')).toBeNull();
    expect(locales.match('not a tag!')).toBeNull();
    expect(locales.match('')).toBeNull();
  });

  it('follows Accept-Language by weight, skipping what it does not speak and what is malformed', () => {
    expect(locales.negotiate('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toBe('fr');
    expect(locales.negotiate('zh-CN, ja;q=0.8, en;q=0.9')).toBe('en');
    expect(locales.negotiate('zh, ja;q=0.2')).toBe('ja');
    expect(locales.negotiate('en;q=0, de')).toBe('de');
    expect(locales.negotiate('@@@, ;;;, ar;q=abc, es;q=0.5')).toBe('ar');
    expect(locales.negotiate('zh-TW, *')).toBeNull();
    expect(locales.negotiate(undefined)).toBeNull();
    expect(locales.negotiate('x'.repeat(5000))).toBeNull();
  });

  it('answers a tag or a header seen before as the first time, and keeps a bounded number of them', () => {
    const fresh = new Locales();
    for (let round = 0; round < 2; round++) {
      expect(fresh.match('DE-at')).toBe('de');
      expect(fresh.match('zh')).toBeNull();
      expect(fresh.negotiate('zh, ja;q=0.2')).toBe('ja');
      expect(fresh.negotiate('zh-TW, *')).toBeNull();
    }
    // Past 1,000 different headers the memory starts again: still the same answers.
    for (let n = 0; n < 1_500; n++) expect(fresh.negotiate(`x-${n}, es;q=0.${(n % 9) + 1}`)).toBe('es');
    expect(fresh.negotiate('zh, ja;q=0.2')).toBe('ja');
    // Only the first 1,000 characters of a header are read: a longer one is the same header.
    expect(fresh.negotiate(`${'zh, '.repeat(250)}ja`)).toBeNull();
  });

  it('serves the pseudo-locale only when asked to', () => {
    expect(locales.tags).not.toContain(PSEUDO_LOCALE);
    expect(new Locales({ pseudo: true }).tags).toContain(PSEUDO_LOCALE);
  });
});
