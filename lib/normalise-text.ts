import { INVISIBLE } from './transforms.js';

/**
 * Text as a detector should read it, with a map back to the original: what
 * people type to slip contact details past a filter is undone (full-width
 * and other compatibility forms by NFKC, zero-width and bidi control
 * characters dropped, `at`/`dot` spellings and defanged links restored),
 * while every character of the result remembers the span of the original
 * it came from, so masking applies to what was really written.
 *
 * Every pattern here runs in time linear in the text: a pattern that starts
 * with a run of characters (`[a-z0-9-]+`) may only start where such a run
 * starts, or a long run that does not match is tried again from each of its
 * characters (quadratic: 10,000 letters took 0.3 s).
 */

export interface NormalisedText {
  text: string;
  /** The original span [from, to) behind the normalised span [start, end). */
  originalSpan(start: number, end: number): { from: number; to: number };
}

/** Text with, for each of its UTF-16 units, the span [from, to) of the original it came from. */
interface Mapped {
  text: string;
  from: number[];
  to: number[];
}

const DOMAIN_PART = String.raw`[a-z0-9-]+`;
const DOT = String.raw`(?:\s*(?:\[\s*(?:dot|\.)\s*\]|\(\s*(?:dot|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*|\s+dot\s+|\.)`;
const AT = String.raw`(?:\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\})\s*|\s+at\s+|@)`;

/**
 * `bob at example dot com`, `bob [at] example [dot] com`: only where a domain with a dot follows, so "I'll be at home" stays.
 * The name starts where a run of name characters starts (none of AT's forms starts with one, so a match from inside the run is a match from its start).
 */
const SPELLED_EMAIL = new RegExp(
  String.raw`(?<![a-z0-9._%+-])([a-z0-9._%+-]+)${AT}((?:${DOMAIN_PART}${DOT})+[a-z]{2,})(?![\w@.-])`,
  'giu',
);
/**
 * `evil[.]com`, `evil(dot)com` and `evil dot com` where a known top-level domain follows: the domain starts at a word boundary
 * where a run of domain characters starts, after any hyphens that lead the run.
 */
const SPELLED_DOMAIN = new RegExp(
  String.raw`(?<![a-z0-9-])(-*)\b(${DOMAIN_PART})${DOT}(com|net|org|io|co|info|biz|me|shop|store|app|xyz|ru|cn|de|uk|us)\b`,
  'giu',
);
const DEFANGED_SCHEME = /\bhxxp(s?)(\[:\]|:)\/\//giu;
const ANY_DOT = new RegExp(DOT, 'giu');

/** Replaces every match of `pattern`; each character put in maps to the whole original span of what it replaces. */
function replaceMapped(mapped: Mapped, pattern: RegExp, replace: (match: RegExpExecArray) => string): Mapped {
  pattern.lastIndex = 0;
  let match = pattern.exec(mapped.text);
  if (match === null) return mapped;
  const out: Mapped = { text: '', from: [], to: [] };
  let cursor = 0;
  for (; match !== null; match = pattern.exec(mapped.text)) {
    if (match[0].length === 0) {
      pattern.lastIndex += 1;
      continue;
    }
    const end = match.index + match[0].length;
    copy(mapped, out, cursor, match.index);
    const replacement = replace(match);
    out.text += replacement;
    for (let i = 0; i < replacement.length; i++) {
      out.from.push(mapped.from[match.index]);
      out.to.push(mapped.to[end - 1]);
    }
    cursor = end;
  }
  copy(mapped, out, cursor, mapped.text.length);
  return out;
}

/** Appends [start, end) of `source` to `target` (a loop: spreading a long message's units would overflow the stack). */
function copy(source: Mapped, target: Mapped, start: number, end: number): void {
  target.text += source.text.slice(start, end);
  for (let i = start; i < end; i++) {
    target.from.push(source.from[i]);
    target.to.push(source.to[i]);
  }
}

const INVISIBLE_CHAR = new RegExp(INVISIBLE.source, 'u');

/**
 * A character's NFKC form, except that the Arabic ligatures ﷺ and ﷽ stay as
 * written: their forms are 8 and 18 characters long (a message of them would
 * be read as 18 times its length) and hold no Latin letter or digit. (ASCII is
 * its own NFKC form and holds nothing invisible: the caller passes it by.)
 */
function compatible(char: string): string {
  const normal = char.normalize('NFKC');
  return normal.length > 6 ? char : normal;
}

export function normaliseForDetection(original: string): NormalisedText {
  let mapped: Mapped = { text: '', from: [], to: [] };
  const parts: string[] = [];
  let index = 0;
  for (const char of original) {
    const from = index;
    index += char.length;
    const normal = char < '\u0080' ? char : INVISIBLE_CHAR.test(char) ? '' : compatible(char);
    parts.push(normal);
    for (let i = 0; i < normal.length; i++) {
      mapped.from.push(from);
      mapped.to.push(index);
    }
  }
  mapped.text = parts.join('');
  mapped = replaceMapped(mapped, DEFANGED_SCHEME, (match) => `http${match[1]}://`);
  mapped = replaceMapped(mapped, SPELLED_EMAIL, (match) => `${match[1]}@${match[2].replace(ANY_DOT, '.')}`);
  mapped = replaceMapped(mapped, SPELLED_DOMAIN, (match) => `${match[1]}${match[2]}.${match[3]}`);
  const { text, from, to } = mapped;
  return {
    text,
    originalSpan: (start, end) => {
      if (text.length === 0) return { from: 0, to: 0 };
      const last = text.length - 1;
      return { from: from[Math.min(start, last)], to: to[Math.min(Math.max(start, end - 1), last)] };
    },
  };
}
