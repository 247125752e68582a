import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { formatMoney, type Money } from '../common/money.js';
import { escapeHtml } from '@kitajs/html';
import type { MessageKey, ParsedCatalogue } from './catalogues.js';

/** Markup made by Parley (a `<time>`, a link) for a message used as HTML: put in as it is, never escaped. */
export class Html {
  readonly html: string;
  constructor(html: JSX.Element) {
    if (typeof html !== 'string') throw new TypeError('Html takes rendered markup (a string), not a promise');
    this.html = html;
  }
}

/** What a message's arguments may be: text and numbers; dates are formatted by the caller (in the reader's zone) and passed as text. */
export type MessageArgs = Record<string, string | number | boolean | null | undefined>;
/** Arguments of a message used as HTML: text (escaped) and numbers, or Parley's own markup. */
export type HtmlArgs = Record<string, string | number | boolean | null | undefined | Html>;

/** How many formatted instants a locale keeps (a few hundred bytes each); past it, they are formatted afresh. */
const MAX_INSTANTS = 10_000;

/** Writing direction of a locale's script. */
export type Direction = 'ltr' | 'rtl';

const RTL_LANGUAGES = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb']);

/** Right to left for Arabic, Hebrew, Persian, Urdu…, from the language of a BCP 47 tag. */
export function directionOf(locale: string): Direction {
  const info = (new Intl.Locale(locale) as Intl.Locale & { textInfo?: { direction?: string } }).textInfo;
  if (info?.direction === 'rtl' || info?.direction === 'ltr') return info.direction;
  return RTL_LANGUAGES.has(locale.split('-')[0]) ? 'rtl' : 'ltr';
}

/** Literal text of a syntax tree HTML-escaped, so that a message can be used as HTML with tags of its own. */
function escapedTree(elements: MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((element) => {
    switch (element.type) {
      case TYPE.literal:
        return { ...element, value: escapeHtml(element.value) };
      case TYPE.plural:
      case TYPE.select:
        return {
          ...element,
          options: Object.fromEntries(
            Object.entries(element.options).map(([name, option]) => [
              name,
              { ...option, value: escapedTree(option.value) },
            ]),
          ),
        };
      case TYPE.tag:
        return { ...element, children: escapedTree(element.children) };
      default:
        return element;
    }
  });
}

/** Wraps a rich message's tag contents: `(chunks) => '<a href="…">' + chunks + '</a>'`, the chunks already HTML. */
export type TagFunction = (html: string) => string;

/**
 * Everything a reader reads, in one locale: the catalogue's messages
 * (`t`, ICU MessageFormat: plurals, selects and arguments as the language
 * needs them) and dates, times, numbers and money formatted with `Intl` the
 * locale's way. One instance per locale, shared: compiled messages and
 * formatters are cached in it.
 */
export class Messages {
  readonly direction: Direction;
  private readonly compiled = new Map<string, IntlMessageFormat>();
  private readonly compiledHtml = new Map<string, IntlMessageFormat>();
  /** Instants formatted lately, by time, zone and shape (bounded by MAX_INSTANTS). */
  private readonly instants = new Map<string, string>();
  /** Countdowns in words lately, by direction, days, hours and minutes (bounded by MAX_INSTANTS). */
  private readonly countdowns = new Map<string, string>();
  private patternsJson?: string;
  /** Messages without arguments, formatted. */
  private readonly plain = new Map<string, string>();
  private readonly dateFormats = new Map<string, Intl.DateTimeFormat>();
  private readonly numberFormats = new Map<string, Intl.NumberFormat>();
  /** The locale `Intl` formats in: the pseudo-locale formats as English. */
  readonly formatLocale: string;
  /** The locale dates are formatted in. */
  private readonly dateLocale: string;

  constructor(
    /** The BCP 47 tag of the catalogue (`de`, `ja`, `en-XA`). */
    readonly locale: string,
    private readonly catalogue: ParsedCatalogue,
    /** The catalogue a key missing here is taken from (the source catalogue; the tests make sure none is missing). */
    private readonly fallback: ParsedCatalogue,
    formatLocale = locale,
  ) {
    this.direction = directionOf(locale);
    this.formatLocale = formatLocale;
    // English dates day first ("Mon, 2 Mar 2026, 17:00"): unambiguous wherever the reader is.
    this.dateLocale = formatLocale === 'en' ? 'en-GB' : formatLocale;
  }

  /** The language's own name for itself, as the settings page lists it ("Deutsch", "日本語"). */
  get languageName(): string {
    return this.t('language.name');
  }

  /** Whether this catalogue has the key (a message of a code the API returns, for example). */
  has(key: string): key is MessageKey {
    return this.catalogue.has(key) || this.fallback.has(key);
  }

  private format(cache: Map<string, IntlMessageFormat>, key: string, html: boolean): IntlMessageFormat {
    let format = cache.get(key);
    if (!format) {
      const tree = this.catalogue.get(key) ?? this.fallback.get(key);
      if (!tree) throw new Error(`No message ${JSON.stringify(key)} in any catalogue`);
      format = new IntlMessageFormat(html ? escapedTree(tree) : tree, this.formatLocale, undefined, {
        ignoreTag: false,
      });
      cache.set(key, format);
    }
    return format;
  }

  /** A message as plain text (escape it where it goes into HTML: a `safe` element does). */
  t(key: MessageKey, args?: MessageArgs): string {
    // Most of a page's words take no arguments: each is formatted once per locale.
    if (args === undefined) {
      let text = this.plain.get(key);
      if (text === undefined) {
        const result = this.format(this.compiled, key, false).format();
        text = Array.isArray(result) ? result.join('') : String(result);
        this.plain.set(key, text);
      }
      return text;
    }
    const result = this.format(this.compiled, key, false).format(args);
    return Array.isArray(result) ? result.join('') : String(result);
  }

  /** A stored value's words from `names` (a role, a kind, an action), or the value itself for one `names` does not know (written by a newer version). */
  nameOf(names: Readonly<Record<string, MessageKey>>, value: string): string {
    return Object.hasOwn(names, value) ? this.t(names[value]) : value;
  }

  /**
   * A message as HTML, with its tags (`<link>…</link>`) made by `tags`: the
   * message's own text and every text argument escaped, so a name or a
   * subject in it can never become markup.
   */
  html(key: MessageKey, args: HtmlArgs = {}, tags: Record<string, TagFunction> = {}): string {
    const values: Record<string, PrimitiveType | TagFunction | ((chunks: string[]) => string)> = {};
    for (const [name, value] of Object.entries(args))
      values[name] = value instanceof Html ? value.html : typeof value === 'string' ? escapeHtml(value) : value;
    for (const [name, wrap] of Object.entries(tags)) values[name] = (chunks: string[]) => wrap(chunks.join(''));
    const result = this.format(this.compiledHtml, key, true).format(values as Record<string, PrimitiveType>);
    return Array.isArray(result) ? result.join('') : String(result);
  }

  private dateFormat(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat | null {
    let format = this.dateFormats.get(key);
    if (!format) {
      try {
        format = new Intl.DateTimeFormat(this.dateLocale, options);
      } catch {
        return null;
      }
      this.dateFormats.set(key, format);
    }
    return format;
  }

  /**
   * An instant with weekday, date and time in a time zone, with the zone's
   * abbreviation ("Mon, 2 Mar 2026, 17:00 UTC"; "2026年3月2日(月) 17:00 UTC");
   * UTC when the zone is unknown or not one this runtime has.
   */
  dateTime(at: Date | string, zone?: string | null, options: { year?: boolean } = {}): string {
    const timeZone = zone || 'UTC';
    const year = options.year ?? true;
    // The same deadlines are shown again and again (every refresh of a dashboard): each is formatted once while it is in use,
    // keyed by the string as given (an ISO instant from a view), so one formatted before is neither parsed nor formatted again.
    const key = `${typeof at === 'string' ? at : at.getTime()}|${timeZone}|${year}`;
    let text = this.instants.get(key);
    if (text !== undefined) return text;
    const format = this.dateFormat(`dt|${timeZone}|${year}`, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: year ? 'numeric' : undefined,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: this.formatLocale === 'en' ? 'h23' : undefined,
      timeZone,
      timeZoneName: 'short',
    });
    if (!format) return this.dateTime(at, 'UTC', options);
    text = format.format(typeof at === 'string' ? new Date(at) : at);
    if (this.instants.size >= MAX_INSTANTS) this.instants.clear();
    this.instants.set(key, text);
    return text;
  }

  /** A calendar date (`YYYY-MM-DD`, no zone) with the year: "23 Mar 2026", "23. März 2026", "2026年3月23日". Text that is not a date is returned as it is. */
  date(date: string): string {
    return this.dateRange(date, date);
  }

  /** A run of calendar dates, inclusive, as the locale writes ranges ("23–27 Mar 2026", "23.–27. März 2026"). */
  dateRange(from: string, to: string): string {
    const first = civilDate(from);
    const last = civilDate(to);
    if (!first || !last) return from === to ? from : `${from} – ${to}`;
    const format = this.dateFormat('range', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })!;
    if (from === to) return format.format(first);
    const range = format.formatRange(first, last);
    // English writes a range of days in one month closed up ("23–27 Apr 2026"), as it always has here.
    return this.dateLocale === 'en-GB' ? range.replace(/(\d)\s–\s(\d)/u, '$1–$2') : range;
  }

  /** A weekday's name (1 = Monday … 7 = Sunday), long: "Monday", "Montag", "月曜日". */
  weekday(isoDay: number, width: 'long' | 'short' = 'long'): string {
    // 2024-01-01 was a Monday.
    return this.dateFormat(`wd|${width}`, { weekday: width, timeZone: 'UTC' })!.format(Date.UTC(2024, 0, isoDay));
  }

  private numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
    let format = this.numberFormats.get(key);
    if (!format) {
      format = new Intl.NumberFormat(this.formatLocale, options);
      this.numberFormats.set(key, format);
    }
    return format;
  }

  /** A number the locale's way (grouping, decimal sign): 1,234.5 / 1.234,5. */
  number(value: number, maximumFractionDigits = 2): string {
    return this.numberFormat(`n|${maximumFractionDigits}`, { maximumFractionDigits }).format(value);
  }

  /** A share (0.953) as a percentage the locale's way: "95.3%", "95,3 %". */
  percent(share: number, maximumFractionDigits = 1): string {
    return this.numberFormat(`p|${maximumFractionDigits}`, { style: 'percent', maximumFractionDigits }).format(share);
  }

  /** Money in the currency's minor units, the locale's way: "$25.99", "5.000,00 €", "￥5,000". */
  money(money: Money): string {
    return formatMoney(money, this.formatLocale);
  }

  /**
   * How long until (or since) a deadline, in the locale's words: "in 3 d 4 h",
   * "2 h 5 min overdue"; the page's script says the same every second with
   * the patterns `countdownPatterns` gives it.
   */
  remaining(ms: number): string {
    const late = ms < 0;
    let seconds = Math.floor(Math.abs(ms) / 1000);
    const days = Math.floor(seconds / 86_400);
    seconds -= days * 86_400;
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds - hours * 3600) / 60);
    // A dashboard shows the same few countdowns to the minute again and again.
    const key = `${late ? '-' : ''}${days}|${hours}|${minutes}`;
    const known = this.countdowns.get(key);
    if (known !== undefined) return known;
    const span =
      days > 0
        ? this.t('time.span.days', { days, hours })
        : hours > 0
          ? this.t('time.span.hours', { hours, minutes })
          : this.t('time.span.minutes', { minutes });
    const text = this.t(late ? 'time.overdue' : 'time.in', { span });
    if (this.countdowns.size >= MAX_INSTANTS) this.countdowns.clear();
    this.countdowns.set(key, text);
    return text;
  }

  /** `countdownPatterns` as JSON, as every page's frame carries it: made once per locale. */
  get countdownPatternsJson(): string {
    return (this.patternsJson ??= JSON.stringify(this.countdownPatterns()));
  }

  /** The countdown's words as patterns for the page's script: `{days}`, `{hours}`, `{minutes}` and `{span}` replaced there. */
  countdownPatterns(): Record<string, string> {
    // Private-use characters around each name: nothing a catalogue writes.
    const marker = (name: string) => `\ue000${name}\ue001`;
    const raw = (key: MessageKey, names: string[]) =>
      this.t(key, Object.fromEntries(names.map((name) => [name, marker(name)]))).replace(/\ue000(\w+)\ue001/g, '{$1}');
    return {
      days: raw('time.span.days', ['days', 'hours']),
      hours: raw('time.span.hours', ['hours', 'minutes']),
      minutes: raw('time.span.minutes', ['minutes']),
      in: raw('time.in', ['span']),
      overdue: raw('time.overdue', ['span']),
    };
  }
}

function civilDate(date: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? new Date(Date.UTC(year, month - 1, day)) : undefined;
}
