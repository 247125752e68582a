import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type en from './locales/en.json';

/** A message's key: every key of the English catalogue (the one every other catalogue is checked against). */
export type MessageKey = keyof typeof en;

/** The catalogue every locale falls back to and is checked against. */
export const SOURCE_LOCALE = 'en';

/**
 * The pseudo-locale: English with every letter accented and every message
 * 40 % longer, in brackets. Served only when `PSEUDO_LOCALE` is on (tests,
 * translators): a page read in it shows at once any text that does not come
 * from a catalogue (it stays plain) and any layout that cannot take longer
 * words.
 */
export const PSEUDO_LOCALE = 'en-XA';

const LOCALES_DIR = fileURLToPath(new URL('./locales/', import.meta.url));

/** One locale's messages, parsed: key → ICU MessageFormat syntax tree. */
export type ParsedCatalogue = ReadonlyMap<string, MessageFormatElement[]>;

export interface CatalogueProblem {
  locale: string;
  key: string;
  problem: string;
}

/** The catalogue files present: `<locale>.json` each; adding a language is adding one file. */
export function catalogueLocales(dir = LOCALES_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort((a, b) => (a === SOURCE_LOCALE ? -1 : b === SOURCE_LOCALE ? 1 : a.localeCompare(b)));
}

/** A catalogue file's messages as written: key → ICU MessageFormat text. */
export function readCatalogue(locale: string, dir = LOCALES_DIR): Record<string, string> {
  return JSON.parse(readFileSync(`${dir}${locale}.json`, 'utf8')) as Record<string, string>;
}

/** Parses every message of a catalogue; a message that does not parse is a problem (the tests fail on any). */
export function parseCatalogue(
  locale: string,
  messages: Record<string, string>,
): { parsed: Map<string, MessageFormatElement[]>; problems: CatalogueProblem[] } {
  const parsed = new Map<string, MessageFormatElement[]>();
  const problems: CatalogueProblem[] = [];
  for (const [key, text] of Object.entries(messages)) {
    if (typeof text !== 'string') {
      problems.push({ locale, key, problem: 'is not a string' });
      continue;
    }
    try {
      parsed.set(key, parse(text, { requiresOtherClause: true }));
    } catch (error) {
      problems.push({ locale, key, problem: `does not parse: ${(error as Error).message}` });
    }
  }
  return { parsed, problems };
}

/**
 * A message's arguments and what each is (`string`, `number`, `plural`,
 * `select`, `date`, `time`, `tag`): every locale's version of a message must
 * take the same ones, or a page would show a raw `{name}` or drop a value.
 */
export function messageArguments(
  elements: MessageFormatElement[],
  into = new Map<string, string>(),
): Map<string, string> {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument:
        if (!into.has(element.value)) into.set(element.value, 'string');
        break;
      case TYPE.number:
        into.set(element.value, 'number');
        break;
      case TYPE.date:
        into.set(element.value, 'date');
        break;
      case TYPE.time:
        into.set(element.value, 'time');
        break;
      case TYPE.plural:
        into.set(element.value, 'plural');
        for (const option of Object.values(element.options)) messageArguments(option.value, into);
        break;
      case TYPE.select:
        into.set(element.value, 'select');
        for (const option of Object.values(element.options)) messageArguments(option.value, into);
        break;
      case TYPE.tag:
        into.set(element.value, 'tag');
        messageArguments(element.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

const ACCENTED: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter, i) => [
    letter,
    [...'àƀçđéƒĝĥíĵķľɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĽṀÑÖÞǪŔŠŢÛṼŴẊÝŽ'][i],
  ]),
);

/**
 * Text made pseudo-English: accented letters, each word 40 % longer (tildes
 * standing in for the longer words of other languages, word by word, so that
 * lines still break where they would).
 */
export function pseudoText(text: string): string {
  return text.replace(/\S+/g, (word) => {
    const accented = [...word].map((char) => ACCENTED[char] ?? char).join('');
    return `${accented}${'~'.repeat(Math.ceil([...word].length * 0.4))}`;
  });
}

/** A message's syntax tree in the pseudo-locale: its literal text pseudo-English, wrapped in brackets; arguments and structure kept. */
export function pseudoMessage(elements: MessageFormatElement[]): MessageFormatElement[] {
  const walk = (list: MessageFormatElement[]): MessageFormatElement[] =>
    list.map((element) => {
      switch (element.type) {
        case TYPE.literal:
          return { ...element, value: pseudoText(element.value) };
        case TYPE.plural:
        case TYPE.select:
          return {
            ...element,
            options: Object.fromEntries(
              Object.entries(element.options).map(([name, option]) => [name, { ...option, value: walk(option.value) }]),
            ),
          };
        case TYPE.tag:
          return { ...element, children: walk(element.children) };
        default:
          return element;
      }
    });
  return [
    { type: TYPE.literal, value: '[' },
    ...walk(elements),
    { type: TYPE.literal, value: ']' },
  ] as MessageFormatElement[];
}
