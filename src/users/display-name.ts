import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { INVISIBLE } from '../../lib/transforms.js';

/**
 * Display names must not pass for the marketplace. Its own messages come
 * from "Marketplace" and "Customer service" with a verified badge
 * (src/notifications/outbox.service.ts, src/portal/views/inbox.tsx); a buyer
 * or seller named "Marketplace ✓ Verified · Customer Service" would read as
 * one. So no display name carries a badge's mark, and a buyer's or seller's
 * carries none of the words marketplace senders go by, compared after NFKC
 * without invisible characters, accents, separators or case, and with
 * look-alike letters and digits read as the letters they imitate
 * (`Ｍarketplace`, `Market\u200Bplace`, `Mаrketplace` with a Cyrillic а,
 * `M a r k e t p l a c e`, `Supp0rt`). Agents and admins are the
 * marketplace's own staff ("Maya (support)"): only the marks apply to them.
 */

/** Check marks, ballot boxes, the square root that passes for one, a shield, and the registered, trade and service marks. */
const BADGE_MARKS = /[\u2713\u2714\u2705\u2611\u221a\u{1f5f8}\u{1f5f9}\u{1f6e1}\u00ae\u00a9\u2122\u2120]/u;

/** Names of the marketplace and its staff, refused where a word starts, even run into other words ("Marketplaceshop", "Market Place"). */
const NAMES = [
  'marketplace',
  'parley',
  'customer service',
  'customer support',
  'customer care',
  'help desk',
  'verified',
  'trust and safety',
  'trust & safety',
  'buyer protection',
  'seller protection',
  'administrator',
  'moderator',
].map((name) => ({ name, letters: name.replace(/[^a-z]/g, '') }));
/** Words refused on their own ("Support", "Admin"), but not inside other words ("Supportive Socks"). */
const STAFF_WORDS = new Set(['support', 'admin', 'noreply']);
/** Words that make a staff word's phrase ("Support Team", "supportdesk"), or with "team", "desk" or "center" one of their own ("Billing Team"). */
const SENDER_WORDS = [
  ...STAFF_WORDS,
  'team',
  'help',
  'desk',
  'center',
  'centre',
  'service',
  'services',
  'care',
  'security',
  'safety',
  'billing',
  'account',
  'accounts',
];
const DESKS = new Set(['team', 'desk', 'center', 'centre']);

/** Letters and digits that pass for Latin letters: Cyrillic and Greek look-alikes, and digits and signs written for letters. */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
  ŧ: 't',
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

/** The name's words, lower-case letters only, in each form a reader may take it for (`1` reads as `i` or as `l`). */
function readings(name: string): string[][] {
  const plain = name.replace(INVISIBLE, '').normalize('NFKC').normalize('NFKD').replace(/\p{M}/gu, '');
  // "ParleyHelp" is two words.
  const lower = plain.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').toLowerCase();
  return ['i', 'l'].map((one) => {
    const letters = [...lower].map((char) => (char === '1' ? one : (LOOK_ALIKES[char] ?? char))).join('');
    const words: string[] = [];
    let apart = false;
    for (const word of letters.split(/\P{L}+/u).filter((part) => part !== '')) {
      // Letters written apart ("M a r k e t") are one word.
      if (word.length === 1 && apart) words[words.length - 1] += word;
      else words.push(word);
      apart = word.length === 1;
    }
    return words;
  });
}

/** `text` split into SENDER_WORDS ("support", "support team", "billing team"), if it is made of them and makes a staff phrase. */
function staffPhrase(text: string): string | undefined {
  const split = (from: number): string[][] =>
    from === text.length
      ? [[]]
      : SENDER_WORDS.filter((word) => text.startsWith(word, from)).flatMap((word) =>
          split(from + word.length).map((rest) => [word, ...rest]),
        );
  const phrase = split(0).find(
    (words) =>
      words.some((word) => STAFF_WORDS.has(word)) || (words.length > 1 && words.some((word) => DESKS.has(word))),
  );
  return phrase?.join(' ');
}

/** What makes a display name look like the marketplace's, in words for the person choosing it; undefined when nothing does. */
export function marketplaceLookalike(name: string, role: unknown): string | undefined {
  if (BADGE_MARKS.test(name))
    return 'must not contain check marks or the ®, ™ and © signs: they mark the marketplace’s own messages';
  if (role === 'agent' || role === 'admin') return undefined;
  for (const words of readings(name)) {
    const letters = words.join('');
    let start = 0;
    for (let i = 0; i < words.length; start += words[i].length, i++) {
      const found = NAMES.find((entry) => letters.startsWith(entry.letters, start));
      if (found) return `must not contain “${found.name}”: only the marketplace’s own messages go by it`;
      for (let j = i + 1; j <= Math.min(words.length, i + 3); j++) {
        const phrase = staffPhrase(words.slice(i, j).join(''));
        if (phrase) return `must not contain “${phrase}”: only the marketplace’s own messages go by it`;
      }
    }
  }
  return undefined;
}

/** A display name that does not pass for the marketplace (see above); the role is read from the same object. */
export function NotMarketplaceLookalike(options?: ValidationOptions) {
  const reason = (args: ValidationArguments) =>
    marketplaceLookalike(String(args.value), (args.object as { role?: unknown }).role);
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notMarketplaceLookalike',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          typeof value !== 'string' || reason(args) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${reason(args) ?? 'must not look like the marketplace’s name'}`,
      },
    });
}
