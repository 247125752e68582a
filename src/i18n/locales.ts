import {
  catalogueLocales,
  parseCatalogue,
  pseudoMessage,
  PSEUDO_LOCALE,
  readCatalogue,
  SOURCE_LOCALE,
  type ParsedCatalogue,
} from './catalogues.js';
import { Messages } from './messages.js';

const MAX_REMEMBERED = 1000;

/**
 * The locales Parley speaks, from the catalogue files (`locales/<tag>.json`),
 * each loaded and parsed once; plus the pseudo-locale when asked for. A
 * catalogue whose message does not parse stops the start (the tests catch it
 * long before).
 */
export class Locales {
  private readonly byTag = new Map<string, Messages>();
  /** Lower-cased tag → the tag as served, for matching what people and browsers send. */
  private readonly lookup = new Map<string, string>();
  /** Tags and `Accept-Language` headers seen lately, with what each matched (at most MAX_REMEMBERED of each). */
  private readonly matched = new Map<string, string | null>();
  private readonly negotiated = new Map<string, string | null>();

  constructor(options: { pseudo?: boolean } = {}) {
    const source = load(SOURCE_LOCALE);
    for (const tag of catalogueLocales()) {
      const parsed = tag === SOURCE_LOCALE ? source : load(tag);
      this.add(new Messages(tag, parsed, source));
    }
    if (options.pseudo) {
      const pseudo = new Map([...source].map(([key, tree]) => [key, pseudoMessage(tree)]));
      this.add(new Messages(PSEUDO_LOCALE, pseudo, source, 'en'));
    }
  }

  private add(messages: Messages): void {
    this.byTag.set(messages.locale, messages);
    this.lookup.set(messages.locale.toLowerCase(), messages.locale);
  }

  /** Every locale served, the source first: the choices a person has. */
  get tags(): string[] {
    return [...this.byTag.keys()];
  }

  /** A served locale's messages. */
  messages(tag: string): Messages {
    const messages = this.byTag.get(tag);
    if (!messages) throw new Error(`Locale ${JSON.stringify(tag)} is not served`);
    return messages;
  }

  /**
   * The served locale a BCP 47 tag asks for: the same tag, else its language
   * (`de-AT` → `de`); null for a tag that is not well-formed or a language
   * not served.
   */
  match(tag: string): string | null {
    // Every page asks for its reader's stored tag: the few tags people and browsers send are each matched once.
    return remembered(this.matched, tag, () => this.matchTag(tag));
  }

  private matchTag(tag: string): string | null {
    let canonical: string;
    try {
      [canonical] = Intl.getCanonicalLocales(tag.trim());
    } catch {
      return null;
    }
    if (!canonical) return null;
    const exact = this.lookup.get(canonical.toLowerCase());
    if (exact) return exact;
    const language = new Intl.Locale(canonical).language;
    return this.lookup.get(language.toLowerCase()) ?? null;
  }

  /**
   * The best served locale for an `Accept-Language` header (RFC 9110 §12.5.4):
   * ranges by weight, ties in the order given, `*` and unserved languages
   * skipped, malformed entries ignored; null when nothing matches.
   */
  negotiate(header: string | undefined): string | null {
    if (!header) return null;
    // What is read of a header: its first 1,000 characters.
    const read = header.slice(0, 1000);
    return remembered(this.negotiated, read, () => this.negotiateHeader(read));
  }

  private negotiateHeader(header: string): string | null {
    const ranges = header
      .split(',')
      .map((part, index) => {
        const [range, ...params] = part.trim().split(';');
        const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(param)).find(Boolean);
        return { range: range.trim(), weight: q ? Number(q[1]) : 1, index };
      })
      .filter((entry) => entry.range !== '' && entry.range !== '*' && entry.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.index - b.index);
    for (const { range } of ranges) {
      const served = this.match(range);
      if (served) return served;
    }
    return null;
  }
}

/** `map`'s value for `key`, computed and kept the first time (the map cleared when it holds MAX_REMEMBERED). */
function remembered<V>(map: Map<string, V>, key: string, compute: () => V): V {
  if (map.has(key)) return map.get(key)!;
  const value = compute();
  if (map.size >= MAX_REMEMBERED) map.clear();
  map.set(key, value);
  return value;
}

function load(tag: string): ParsedCatalogue {
  const { parsed, problems } = parseCatalogue(tag, readCatalogue(tag));
  if (problems.length > 0)
    throw new Error(
      `The ${tag} catalogue has messages that do not parse: ${problems.map((p) => `${p.key} ${p.problem}`).join('; ')}`,
    );
  return parsed;
}

let english: Messages | undefined;
/** The source catalogue's messages, loaded once: for text written where no reader is known (and tests). */
export function englishMessages(): Messages {
  english ??= new Locales().messages(SOURCE_LOCALE);
  return english;
}
