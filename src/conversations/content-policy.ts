import { LinkifyIt } from 'linkify-it';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { stripInvisible } from '../../lib/transforms.js';
import { normaliseForDetection } from '../../lib/normalise-text.js';

/**
 * The content policy for buyer–seller messages (docs/domain.md, "Content policy
 * and phishing"): contact details and payment data are masked in what the
 * other party sees; asking for credentials or payment details quarantines
 * the message.
 *
 * It runs on every message, so its time must grow linearly with the text and
 * stay small for any text (docs/security.md): no pattern may retry a long run
 * from each of its characters, and linkify-it and libphonenumber-js, which
 * are linear but cost microseconds a character when searching, are only
 * asked about the few places where a link or a phone number can be.
 */

export const MASKED_KINDS = ['link', 'email', 'phone', 'card', 'iban', 'bank', 'handle'] as const;
export const REQUEST_KINDS = ['credentials_request', 'payment_request'] as const;
export type MaskedKind = (typeof MASKED_KINDS)[number];
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type ViolationKind = MaskedKind | RequestKind;

export interface PolicyResult {
  /** The text the other party sees. */
  masked: string;
  /** What was masked, each kind once, in MASKED_KINDS order. */
  maskedKinds: MaskedKind[];
  /** Requests for credentials or payment details found. */
  requests: RequestKind[];
  /** True when the message must be held back from the recipient. */
  quarantine: boolean;
}

interface Span {
  from: number;
  to: number;
  kind: MaskedKind;
}

const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
/** Country, check digits, then groups of up to four: the usual print form, or the same without spaces. */
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
function ibanChecks(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const SECRET = String.raw`(?:password|passcode|pass\s?word|pin(?:\s?code)?|login(?:\s(?:details|info))?|credentials?|2fa|two[- ]factor|verification\s+code|security\s+code|one[- ]time\s+(?:code|password)|otp|sign[- ]?in\s+(?:details|code))`;
const PAYMENT = String.raw`(?:card\s+(?:number|details|info)|credit\s+card|debit\s+card|cvv|cvc|expiry\s+date|bank\s+(?:details|account|login)|account\s+number|routing\s+number|sort\s+code|iban|gift\s+cards?|wire\s+transfer|western\s+union)`;
const ASK = String.raw`(?:send|give|share|tell|provide|confirm|enter|type|verify|reply\s+with|need|want|what(?:'s|\s+is)|let\s+me\s+(?:have|know))`;
const CREDENTIALS_REQUEST = new RegExp(
  String.raw`\b${ASK}\b[^.?!\n]{0,40}\b${SECRET}\b|\b${SECRET}\b[^.?!\n]{0,20}\b(?:please|asap|now)\b`,
  'i',
);
const PAYMENT_REQUEST = new RegExp(
  String.raw`\b${ASK}\b[^.?!\n]{0,40}\b${PAYMENT}\b|\b${PAYMENT}\b[^.?!\n]{0,20}\b(?:please|asap|now)\b`,
  'i',
);
/** Paying outside the marketplace is a payment request by itself. */
const OFF_PLATFORM_PAYMENT =
  /\bpay\s+(?:me\s+|us\s+)?(?:directly|outside|off[- ]site)|\b(?:pay|send\s+(?:the\s+)?money)\b[^.?!\n]{0,20}\bvia\s+(?:paypal|zelle|venmo|western\s+union|crypto|bitcoin|gift\s*cards?)/i;

/** A messenger named with a handle after it: `telegram @handle`, `WhatsApp: bob_smith`. */
const HANDLE =
  /\b(?:telegram|tg|whats\s?app|wa\.me|signal|wechat|viber|skype|insta(?:gram)?|snap(?:chat)?|discord|kik|line\s+id)\b[\s:=-]*(?:me\s+)?(?:at\s+|on\s+)?@?[a-z0-9_.]{3,32}\b|(?<![\w@.])@[a-z0-9_]{4,32}\b/giu;
/** Bank routing and account numbers written out with their label (`\s*[:#]?\s*` would split a run of spaces every way: quadratic). */
const BANK_NUMBER =
  /\b(?:routing|aba|account|acct|sort\s+code|bsb)(?:\s+(?:number|no\.?|#))?\s*(?:[:#]\s*)?\d[\d -]{3,20}\d\b/giu;

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });
const re = linkify.re;
/** linkify-it's own patterns, tried where they may match instead of searched for (its search costs up to 20 µs a character). */
const FUZZY_HOST_AT = new RegExp(`(?![$+<=>^\`|\\uff5c])${re.get_fuzzy_url_host_port().source}`, 'iy');
const PATH_AT = new RegExp(re.get_path().source, 'iy');
const LINK_PREFIX = new RegExp(`(?![.:/\\-_@])(?:[$+<=>^\`|\\uff5c]|${re.src_ZPCc})`, 'y');
const SCHEMA_PREFIX = new RegExp(`(?!_)(?:[><\\uff5c]|${re.src_ZPCc})`, 'y');
const SCHEMA = /https?:|ftp:|mailto:|\/\//gi;
const MAIL_HOST = new RegExp(re.get_fuzzy_mail_host_search().source, 'gi');
const MAIL_NAME = re.get_mail_name_validator();
/** A host's first label is at most 63 letters (126 UTF-16 units): a link cannot start further than that before a dot. */
const FIRST_LABEL_UNITS = 130;
const ASCII_ALNUM = /[A-Za-z0-9]/;

/** Whether the character just before `position` matches `pattern` (one or two UTF-16 units), or `position` is the start. */
function follows(pattern: RegExp, text: string, position: number): boolean {
  if (position === 0) return true;
  // Letters and digits are neither punctuation nor space: the common case, answered without the pattern.
  if (ASCII_ALNUM.test(text[position - 1])) return false;
  return (
    endsAt(pattern, text, position - 1, position) || (position > 1 && endsAt(pattern, text, position - 2, position))
  );
}

function endsAt(pattern: RegExp, text: string, from: number, position: number): boolean {
  pattern.lastIndex = from;
  return pattern.exec(text) !== null && pattern.lastIndex === position;
}

/**
 * Links and email addresses as linkify-it finds them (schema links, fuzzy
 * links with a known top-level domain or an IPv4 address, fuzzy emails), but
 * its patterns are tried only where each can start: after a schema, at an
 * `@`, and at a word start with a dot close enough ahead. Where linkify-it
 * would report one of two overlapping matches this reports both, and the
 * caller merges them.
 */
function findLinks(text: string): Span[] {
  const spans: Span[] = [];
  let end = 0;
  for (const match of text.matchAll(SCHEMA)) {
    // Inside a link found already, as linkify-it goes on after it (checking each would read its path again and again).
    if (match.index < end) continue;
    const schema = match[0].toLowerCase();
    // linkify-it refuses `//` after `:` or `/` (the rest of a link it found or refused already), once it has matched what follows.
    if (schema === '//' && match.index > 0 && (text[match.index - 1] === ':' || text[match.index - 1] === '/'))
      continue;
    if (!follows(SCHEMA_PREFIX, text, match.index)) continue;
    const length = linkify.testSchemaAt(text, schema, match.index + match[0].length);
    if (length === 0) continue;
    end = match.index + match[0].length + length;
    spans.push({ from: match.index, to: end, kind: schema === 'mailto:' ? 'email' : 'link' });
  }
  for (const match of text.matchAll(MAIL_HOST)) {
    const name = MAIL_NAME.exec(text.slice(Math.max(0, match.index - 65), match.index));
    if (name) spans.push({ from: match.index - name[1].length, to: match.index + match[0].length, kind: 'email' });
  }
  end = 0;
  let dot = text.indexOf('.');
  for (let start = 0; start < text.length && dot !== -1; start++) {
    if (dot < start) dot = text.indexOf('.', start);
    if (dot === -1 || start < end || dot - start > FIRST_LABEL_UNITS || !follows(LINK_PREFIX, text, start)) continue;
    FUZZY_HOST_AT.lastIndex = start;
    if (FUZZY_HOST_AT.exec(text) === null) continue;
    PATH_AT.lastIndex = FUZZY_HOST_AT.lastIndex;
    end = PATH_AT.exec(text) !== null ? PATH_AT.lastIndex : FUZZY_HOST_AT.lastIndex;
    spans.push({ from: start, to: end, kind: 'link' });
  }
  return spans;
}

/** libphonenumber-js's characters of a phone number: digits, its punctuation (dashes, slashes, dots, spaces, brackets, tildes), and a leading plus or bracket. */
const PHONE_PUNCTUATION = String.raw`\-\u2010-\u2015\u2212\u30fc\uff0d\uff0f/\uff0e. \u00a0\u00ad\u200b\u2060\u3000()\uff08\uff09\uff3b\uff3d\[\]~\u2053\u223c\uff5e`;
const PHONE_LEAD = String.raw`(\[\uff08\uff3b+\uff0b`;
/** As libphonenumber-js's candidate pattern, without its limits: what its search can match lies inside one run. */
const PHONE_RUN = new RegExp(
  String.raw`(?:[${PHONE_LEAD}][${PHONE_PUNCTUATION}]{0,4}){0,2}\p{Nd}(?:[${PHONE_PUNCTUATION}]{0,4}\p{Nd})*`,
  'gu',
);
/** Room after a run for an extension (`ext. 1234`, `extension: 12345678901234567890`) and a time stamp's `:30`. */
const PHONE_TAIL = 40;
/** The room after a run up to its first digits: an extension or a time stamp's minutes, not the next number. */
const tail = (after: string): string => /^\P{Nd}*\p{Nd}*/u.exec(after)![0];
/** The shortest valid number is a 1–3 digit country code and a national number of 3–4 digits. */
const PHONE_MIN_DIGITS = 6;
/**
 * How much of a message libphonenumber-js may check: a run costs its digit groups and 2 more (a call costs
 * about 100 µs, a group about 50 µs more). A message with more phone-like runs than that (more than ten
 * numbers of four groups) has the rest masked as phone numbers unchecked.
 */
const PHONE_CHECK_BUDGET = 64;

/** Where libphonenumber-js looks for a number inside a longer candidate: spaces, slashes, brackets, dots, long dashes. */
const PHONE_SPLIT = /[\p{Z}/(.\u2012-\u2015\uff0d]/u;

/**
 * Whether libphonenumber-js (default country US) could find a valid number
 * in a run: an international one needs `+` or the US exit code 011; a
 * national one (North America) is ten digits starting 2–9 or seven starting
 * 3 (Canada's 310 numbers), either after a 1. A run it cannot split
 * (`112-3456789-1234567`: at most 21 groups of at most 20 digits, joined by
 * hyphens) is one candidate, so all its digits must be such a number.
 */
function mayHoldPhone(run: string): boolean {
  if (run.length < PHONE_MIN_DIGITS) return false;
  const groups = run.match(/\p{Nd}+/gu) ?? [];
  const digits = groups.join('');
  if (digits.length < PHONE_MIN_DIGITS) return false;
  if (/[+\uff0b]/.test(run) || /[^0-9]/.test(digits) || digits.includes('011')) return true;
  if (!PHONE_SPLIT.test(run) && groups.length <= 21 && groups.every((group) => group.length <= 20))
    return /^1?(?:[2-9]\d{9}|3\d{6})$/.test(digits);
  return /[2-9]\d{9}|3\d{6}/.test(digits);
}

/**
 * Phone numbers as libphonenumber-js finds them in the whole text, found
 * run by run (with the character before and room after, which it looks
 * at), and only in runs that can hold one, within PHONE_CHECK_BUDGET.
 */
function findPhones(text: string): Span[] {
  const spans: Span[] = [];
  let budget = PHONE_CHECK_BUDGET;
  for (const run of text.matchAll(PHONE_RUN)) {
    if (!mayHoldPhone(run[0])) continue;
    const from = run.index;
    const to = from + run[0].length;
    const windowFrom = Math.max(0, from - 1);
    const window = text.slice(windowFrom, to) + tail(text.slice(to, to + PHONE_TAIL));
    const cost = budget > 2 ? (window.match(/\p{Nd}+/gu)?.length ?? 0) + 2 : Infinity;
    if (cost > budget) {
      spans.push({ from, to, kind: 'phone' });
      continue;
    }
    budget -= cost;
    for (const phone of findPhoneNumbersInText(window, 'US')) {
      const start = windowFrom + phone.startsAt;
      if (start >= from && start < to) spans.push({ from: start, to: windowFrom + phone.endsAt, kind: 'phone' });
    }
  }
  return spans;
}

/** Lower wins where spans overlap (a card number is not also a phone number; a link's path may hold an email address). */
const PRIORITY: Record<MaskedKind, number> = { card: 0, iban: 1, bank: 2, email: 3, link: 4, handle: 5, phone: 6 };

function findSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(BANK_NUMBER))
    spans.push({ from: match.index, to: match.index + match[0].length, kind: 'bank' });
  for (const match of text.matchAll(HANDLE))
    spans.push({ from: match.index, to: match.index + match[0].length, kind: 'handle' });
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits))
      spans.push({ from: match.index, to: match.index + match[0].length, kind: 'card' });
  }
  for (const match of text.matchAll(IBAN_CANDIDATE)) {
    // The candidate may run into the next word; drop trailing groups until the checksum holds.
    for (let candidate = match[0]; candidate.length >= 15; candidate = candidate.replace(/ ?[A-Z0-9]{1,4}$/, '')) {
      if (ibanChecks(candidate)) {
        spans.push({ from: match.index, to: match.index + candidate.length, kind: 'iban' });
        break;
      }
    }
  }
  const all = [...spans, ...findLinks(text), ...findPhones(text)].sort(
    (a, b) => a.from - b.from || PRIORITY[a.kind] - PRIORITY[b.kind],
  );
  const kept: Span[] = [];
  for (const span of all) {
    const previous = kept[kept.length - 1];
    if (previous && span.from < previous.to) {
      // Overlapping spans are masked together, named by the stronger kind.
      if (PRIORITY[span.kind] < PRIORITY[previous.kind]) previous.kind = span.kind;
      previous.to = Math.max(previous.to, span.to);
      continue;
    }
    kept.push({ ...span });
  }
  return kept;
}

/**
 * Detects on the text as normalised (obfuscations undone), masks the same
 * spans in the text as written, and drops invisible and direction-changing
 * characters from what the other party sees. The original stays for support.
 */
export function applyContentPolicy(text: string): PolicyResult {
  const normalised = normaliseForDetection(text);
  const spans = findSpans(normalised.text).map((span) => ({
    ...normalised.originalSpan(span.from, span.to),
    kind: span.kind,
  }));
  let masked = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.from < cursor) {
      cursor = Math.max(cursor, span.to);
      continue;
    }
    masked += `${text.slice(cursor, span.from)}[${span.kind} removed]`;
    cursor = span.to;
  }
  masked += text.slice(cursor);
  masked = stripInvisible(masked);
  const found = new Set(spans.map((span) => span.kind));
  const requests: RequestKind[] = [];
  if (CREDENTIALS_REQUEST.test(normalised.text)) requests.push('credentials_request');
  if (PAYMENT_REQUEST.test(normalised.text) || OFF_PLATFORM_PAYMENT.test(normalised.text))
    requests.push('payment_request');
  return {
    masked,
    maskedKinds: MASKED_KINDS.filter((kind) => found.has(kind)),
    requests,
    quarantine: requests.length > 0,
  };
}
