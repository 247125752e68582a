import { DomainError } from './domain-error.js';

/**
 * Money as the API counts it: an integer of the currency's minor units
 * (2599 USD is $25.99, 5000 JPY is ¥5,000, 1250 KWD is KWD 1.250). Pages,
 * forms and emails show and read it with the currency's own number of
 * decimals, never by dividing by 100.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

const CODE = /^[A-Z]{3}$/;
const digitsOf = new Map<string, number>();

/**
 * ISO 4217's minor unit where Intl's (CLDR's display digits) differs: CLDR
 * shows these currencies without the decimals people no longer use, but
 * ISO 4217, and so every integration sending minor units, counts them (a
 * forint is 100 fillér). Pinned here, so that no ICU update moves an amount.
 */
const ISO_4217_MINOR_UNITS: Readonly<Record<string, number>> = {
  AFN: 2,
  ALL: 2,
  COP: 2,
  HUF: 2,
  IDR: 2,
  IQD: 3,
  IRR: 2,
  KPW: 2,
  LAK: 2,
  LBP: 2,
  MGA: 2,
  MMK: 2,
  PKR: 2,
  RSD: 2,
  SLL: 2,
  SOS: 2,
  SYP: 2,
  YER: 2,
};

/** How many decimals the currency's minor unit has (USD 2, JPY 0, KWD 3, HUF 2): ISO 4217's, from Intl where the two agree. */
export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    if (!CODE.test(currency)) throw new RangeError(`Not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
    digits =
      ISO_4217_MINOR_UNITS[currency] ??
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

// Intl formats a decimal string exactly, so no amount goes through a binary fraction on its way to the page.
function decimal(money: Money): `${number}` {
  if (!Number.isSafeInteger(money.amount))
    throw new RangeError(`Money is a whole number of minor units, not ${money.amount}`);
  const digits = minorDigits(money.currency);
  const units = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  const sign = money.amount < 0 ? '-' : '';
  return (
    digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`
  ) as `${number}`;
}

// Formatters are costly to build and few (locales in use × currencies in use); the bound keeps a stray locale list from growing it.
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let format = formatters.get(key);
  if (!format) {
    if (formatters.size >= 500) formatters.clear();
    format = make();
    formatters.set(key, format);
  }
  return format;
}

/** Money for people to read, in the locale's way: `$25.99`, `¥5,000`, `KWD 1.250` in 'en'; `25,99 €` in 'de'. */
export function formatMoney(money: Money, locale = 'en'): string {
  const digits = minorDigits(money.currency);
  return formatter(
    `${locale} ${money.currency}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: money.currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
  ).format(decimal(money));
}

/** A plain number in the currency's decimals, without symbol or grouping: what a form field is prefilled with ('25.99', '5000', '1.250'), and what `parseMoney` reads back. */
export function moneyInputValue(money: Money, locale = 'en'): string {
  const digits = minorDigits(money.currency);
  return formatter(
    `${locale} ${digits} input`,
    () =>
      new Intl.NumberFormat(locale, {
        useGrouping: false,
        numberingSystem: 'latn',
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
  ).format(decimal(money));
}

const escape = (text: string) => text.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');

/** The group separators a person may type: a locale that groups with a space takes any space, one that groups with an apostrophe takes either apostrophe. */
function groupClass(group: string): string {
  if (/^\s$/.test(group)) return '[ \\u00a0\\u202f]';
  if (group === "'" || group === '’') return "['’]";
  return `[${escape(group)}]`;
}

const readers = new Map<string, RegExp>();
/**
 * A number as the locale writes it: digits, optionally grouped (groups of
 * three, or of two before the last three as in 1,00,000), then the decimal
 * separator and any decimals. "12,50" is not a grouped number in 'en', so it
 * is refused rather than read as 1250.
 */
function reader(locale: string): RegExp {
  let pattern = readers.get(locale);
  if (!pattern) {
    const parts = new Intl.NumberFormat(locale, { numberingSystem: 'latn' }).formatToParts(12345.6);
    const group = parts.find((part) => part.type === 'group')?.value ?? ',';
    const decimal = parts.find((part) => part.type === 'decimal')?.value ?? '.';
    const g = groupClass(group);
    pattern = new RegExp(`^(\\d+|\\d{1,3}(?:${g}\\d{2,3})*${g}\\d{3})?(?:${escape(decimal)}(\\d*))?$`);
    if (readers.size >= 500) readers.clear();
    readers.set(locale, pattern);
  }
  return pattern;
}

/**
 * What a person typed in a money field, in the currency's minor units:
 * "25.99" USD is 2599, "5000" JPY is 5000, "1.250" KWD is 1250, "1,250" USD
 * is 125000; in 'de', "12,50" EUR is 1250. Decimals beyond the currency's
 * are refused unless they are zeros. `field` is the money's name in the API
 * (`amount`); a refusal names `amount.amount` or `amount.currency`, as the
 * API's own validation would, with a message saying what is expected.
 */
export function parseMoney(text: unknown, currency: unknown, field = 'amount', locale = 'en'): Money {
  if (typeof currency !== 'string' || !CODE.test(currency))
    throw DomainError.invalid(`${field}.currency`, 'currency must be an ISO 4217 code such as USD');
  const digits = minorDigits(currency);
  const example = () =>
    formatter(
      `${locale} ${digits} example`,
      () =>
        new Intl.NumberFormat(locale, {
          numberingSystem: 'latn',
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        }),
    ).format(digits === 0 ? 1234 : 1234.5);
  const refuse = (message: string) => DomainError.invalid(`${field}.amount`, message);
  const value = typeof text === 'string' ? text.trim() : null;
  if (value === '') throw refuse(`${field} is required: a number of ${currency} such as ${example()}`);
  if (value !== null && /^[-−]/.test(value))
    throw refuse(`${field} must not be negative: a number of ${currency} such as ${example()}`);
  const match = value === null || value.length > 40 ? null : reader(locale).exec(value);
  if (!match || (match[1] === undefined && !match[2]))
    throw refuse(`${field} must be a number of ${currency} such as ${example()}`);
  const whole = (match[1] ?? '0').replace(/\D/g, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits)
    throw refuse(
      digits === 0
        ? `${field} must be a whole number of ${currency}, such as ${example()}: ${currency} has no decimals`
        : `${field} may have at most ${digits} decimals in ${currency}, such as ${example()}`,
    );
  const units = BigInt(whole + fraction.padEnd(digits, '0'));
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw refuse(`${field} is too large`);
  return { amount: Number(units), currency };
}
