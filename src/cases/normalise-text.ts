/**
 * Text as a detector should read it, with a map back to the original: what
 * people type to slip contact details past a filter is undone (full-width
 * and other compatibility forms by NFKC, zero-width and bidi control
 * characters dropped, `at`/`dot` spellings and defanged links restored),
 * while every character of the result remembers the span of the original
 * it came from, so masking applies to what was really written.
 */

/** Zero-width characters, soft hyphen, bidi marks, embeddings, overrides and isolates. */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

/** Removes invisible and direction-changing characters (what others see must read as it is stored). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

interface Unit {
  char: string;
  from: number;
  to: number;
}

export interface NormalisedText {
  text: string;
  /** The original span [from, to) behind the normalised span [start, end). */
  originalSpan(start: number, end: number): { from: number; to: number };
}

const DOMAIN_PART = String.raw`[a-z0-9-]+`;
const DOT = String.raw`(?:\s*(?:\[\s*(?:dot|\.)\s*\]|\(\s*(?:dot|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*|\s+dot\s+|\.)`;
const AT = String.raw`(?:\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\})\s*|\s+at\s+|@)`;

/** `bob at example dot com`, `bob [at] example [dot] com`: only where a domain with a dot follows, so "I'll be at home" stays. */
const SPELLED_EMAIL = new RegExp(String.raw`([a-z0-9._%+-]+)${AT}((?:${DOMAIN_PART}${DOT})+[a-z]{2,})(?![\w@.-])`, 'giu');
/** `evil[.]com`, `evil(dot)com` and `evil dot com` where a known top-level domain follows. */
const SPELLED_DOMAIN = new RegExp(String.raw`\b(${DOMAIN_PART})${DOT}(com|net|org|io|co|info|biz|me|shop|store|app|xyz|ru|cn|de|uk|us)\b`, 'giu');
const DEFANGED_SCHEME = /\bhxxp(s?)(\[:\]|:)\/\//giu;

/**
 * The joined text of `units`, and the index of the unit that starts at a
 * position in it (UTF-16 code units; each unit holds one code point), or
 * `units.length` at the end.
 */
function indexUnits(units: Unit[]): { text: string; unitAt: (position: number) => number } {
  const starts: number[] = [];
  let position = 0;
  for (const unit of units) {
    starts.push(position);
    position += unit.char.length;
  }
  starts.push(position);
  return {
    text: units.map((unit) => unit.char).join(''),
    unitAt: (at) => {
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (starts[mid] < at) low = mid + 1;
        else high = mid;
      }
      return low;
    },
  };
}

function replaceUnits(units: Unit[], pattern: RegExp, replace: (match: RegExpExecArray) => string): Unit[] {
  const { text, unitAt } = indexUnits(units);
  const out: Unit[] = [];
  let cursor = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex += 1;
      continue;
    }
    const start = unitAt(match.index);
    const end = unitAt(match.index + match[0].length);
    out.push(...units.slice(cursor, start));
    const from = units[start].from;
    const to = units[end - 1].to;
    for (const char of replace(match)) out.push({ char, from, to });
    cursor = end;
  }
  out.push(...units.slice(cursor));
  return out;
}

export function normaliseForDetection(original: string): NormalisedText {
  let units: Unit[] = [];
  let index = 0;
  for (const char of original) {
    const from = index;
    index += char.length;
    if (char.match(INVISIBLE)) continue;
    for (const normal of char.normalize('NFKC')) units.push({ char: normal, from, to: index });
  }
  units = replaceUnits(units, DEFANGED_SCHEME, (match) => `http${match[1]}://`);
  units = replaceUnits(units, SPELLED_EMAIL, (match) => `${match[1]}@${match[2].replace(new RegExp(DOT, 'giu'), '.')}`);
  units = replaceUnits(units, SPELLED_DOMAIN, (match) => `${match[1]}.${match[2]}`);
  const { text, unitAt } = indexUnits(units);
  // Spans come from matches on `text`, so they start and end on unit boundaries.
  return {
    text,
    originalSpan: (start, end) => {
      if (units.length === 0) return { from: 0, to: 0 };
      const first = units[Math.min(unitAt(start), units.length - 1)];
      const last = units[Math.max(unitAt(start), unitAt(end) - 1)];
      return { from: first.from, to: last.to };
    },
  };
}
