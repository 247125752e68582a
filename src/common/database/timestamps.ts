import pg from 'pg';

const TIMESTAMPTZ = 1184;
const standard = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

/** The number written in `text` from `from` to `to` (digits only), or -1. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * A timestamptz as PostgreSQL writes it for a UTC session,
 * `2026-12-04 09:22:32.250182+00`, read by position instead of by regular
 * expressions: a list of cases or Message Center items has hundreds of them
 * per page. Anything else (another offset, BC, infinity, years before 100 or
 * after 9999) goes to pg's own parser, whose results this one matches exactly
 * (milliseconds truncated, as there).
 */
export function parseTimestamptz(text: string): Date | number | null {
  const end = text.length - 3; // where "+00" starts
  if (
    end >= 19 &&
    text.charCodeAt(end) === 43 && // +
    text.charCodeAt(end + 1) === 48 &&
    text.charCodeAt(end + 2) === 48 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 && // space
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    (end === 19 || (end > 20 && end <= 26 && text.charCodeAt(19) === 46 && digits(text, 20, end) >= 0)) // none, or "." and 1–6 digits
  ) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 7);
    const day = digits(text, 8, 10);
    const hour = digits(text, 11, 13);
    const minute = digits(text, 14, 16);
    const second = digits(text, 17, 19);
    const fraction = end === 19 ? 0 : digits(text, 20, Math.min(end, 23)) * 10 ** Math.max(0, 23 - end);
    if (year >= 100 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0)
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second, fraction));
  }
  return standard(text);
}

/** The type parsers of Parley's connection pool: pg's own, with timestamptz read by `parseTimestamptz`. */
export const POOL_TYPES = {
  getTypeParser(oid: number, format: 'text' | 'binary' = 'text'): (value: string) => unknown {
    return oid === TIMESTAMPTZ && format === 'text'
      ? parseTimestamptz
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown);
  },
};
