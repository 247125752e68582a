import { LinkifyIt } from 'linkify-it';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { normaliseForDetection, stripInvisible } from './normalise-text.js';

/**
 * The content policy for buyer–seller messages (docs/domain.md, "Content policy
 * and phishing"): contact details and payment data are masked in what the
 * other party sees; asking for credentials or payment details quarantines
 * the message.
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

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });

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
const CREDENTIALS_REQUEST = new RegExp(String.raw`\b${ASK}\b[^.?!\n]{0,40}\b${SECRET}\b|\b${SECRET}\b[^.?!\n]{0,20}\b(?:please|asap|now)\b`, 'i');
const PAYMENT_REQUEST = new RegExp(String.raw`\b${ASK}\b[^.?!\n]{0,40}\b${PAYMENT}\b|\b${PAYMENT}\b[^.?!\n]{0,20}\b(?:please|asap|now)\b`, 'i');
/** Paying outside the marketplace is a payment request by itself. */
const OFF_PLATFORM_PAYMENT =
  /\bpay\s+(?:me\s+|us\s+)?(?:directly|outside|off[- ]site)|\b(?:pay|send\s+(?:the\s+)?money)\b[^.?!\n]{0,20}\bvia\s+(?:paypal|zelle|venmo|western\s+union|crypto|bitcoin|gift\s*cards?)/i;

/** A messenger named with a handle after it: `telegram @handle`, `WhatsApp: bob_smith`. */
const HANDLE =
  /\b(?:telegram|tg|whats\s?app|wa\.me|signal|wechat|viber|skype|insta(?:gram)?|snap(?:chat)?|discord|kik|line\s+id)\b[\s:=-]*(?:me\s+)?(?:at\s+|on\s+)?@?[a-z0-9_.]{3,32}\b|(?<![\w@.])@[a-z0-9_]{4,32}\b/giu;
/** Bank routing and account numbers written out with their label. */
const BANK_NUMBER = /\b(?:routing|aba|account|acct|sort\s+code|bsb)(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*\d[\d -]{3,20}\d\b/giu;

function findSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(BANK_NUMBER)) spans.push({ from: match.index, to: match.index + match[0].length, kind: 'bank' });
  for (const match of text.matchAll(HANDLE)) spans.push({ from: match.index, to: match.index + match[0].length, kind: 'handle' });
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) spans.push({ from: match.index, to: match.index + match[0].length, kind: 'card' });
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
  for (const match of linkify.match(text) ?? []) {
    spans.push({ from: match.index, to: match.lastIndex, kind: match.schema === 'mailto:' ? 'email' : 'link' });
  }
  for (const phone of findPhoneNumbersInText(text, 'US')) {
    spans.push({ from: phone.startsAt, to: phone.endsAt, kind: 'phone' });
  }
  // Earlier kinds win where spans overlap (a card number is not also a phone number).
  const priority = (kind: MaskedKind) => ['card', 'iban', 'bank', 'email', 'link', 'handle', 'phone'].indexOf(kind);
  spans.sort((a, b) => a.from - b.from || priority(a.kind) - priority(b.kind));
  const kept: Span[] = [];
  for (const span of spans) {
    const previous = kept[kept.length - 1];
    if (previous && span.from < previous.to) {
      if (priority(span.kind) < priority(previous.kind)) kept[kept.length - 1] = { ...span, to: Math.max(span.to, previous.to) };
      else previous.to = Math.max(previous.to, span.to);
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
  const spans = findSpans(normalised.text).map((span) => ({ ...normalised.originalSpan(span.from, span.to), kind: span.kind }));
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
  if (PAYMENT_REQUEST.test(normalised.text) || OFF_PLATFORM_PAYMENT.test(normalised.text)) requests.push('payment_request');
  return {
    masked,
    maskedKinds: MASKED_KINDS.filter((kind) => found.has(kind)),
    requests,
    quarantine: requests.length > 0,
  };
}
