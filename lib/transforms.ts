/** class-transformer `@Transform` functions shared by DTOs and the environment: they leave values they do not understand to the validators. */
type Input = { value: unknown };

export const trim = ({ value }: Input) => (typeof value === 'string' ? value.trim() : value);
export const upper = ({ value }: Input) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
/** `"42"` → 42 (query strings and environment variables are strings). */
export const integer = ({ value }: Input) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
/** `"mon, Tue"` → `["mon", "tue"]`. */
export const commaList = ({ value }: Input) =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim().toLowerCase()) : value;
export const boolean = ({ value }: Input) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
export const emptyToUndefined = ({ value }: Input) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Characters that change how text reads without being seen: zero-width characters, soft hyphen, the
 * combining grapheme joiner, Hangul fillers (blank "letters"), bidi marks (including the Arabic letter mark),
 * embeddings, overrides and isolates, invisible operators, the byte-order mark and tag characters.
 */
export const INVISIBLE =
  /[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\u{e0001}\u{e0020}-\u{e007f}]|\u034f/gu;

/** Removes invisible and direction-changing characters (what others see must read as it is stored). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Trimmed, without invisible or direction-changing characters: for short texts another person reads (names, references). */
export const visible = ({ value }: Input) => (typeof value === 'string' ? stripInvisible(value).trim() : value);
