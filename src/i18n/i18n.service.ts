import { DomainError } from '../common/domain-error.js';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Locales } from './locales.js';
import type { Messages } from './messages.js';

/** A language a person may choose: its tag, and its name in its own language ("Deutsch", "日本語"). */
export interface LanguageChoice {
  tag: string;
  name: string;
}

/**
 * The reader's language: a person's own choice (`users.locale`) wins; before
 * they choose, the browser's `Accept-Language`; otherwise the marketplace's
 * `MARKETPLACE_DEFAULT_LOCALE`. Emails, which have no browser, skip the
 * middle step.
 */
@Injectable()
export class I18n {
  readonly locales: Locales;
  /** The marketplace's default locale, as served. */
  readonly defaultLocale: string;

  constructor(config: AppConfig) {
    const { MARKETPLACE_DEFAULT_LOCALE: wanted, PSEUDO_LOCALE: pseudo } = config.env;
    this.locales = new Locales({ pseudo });
    const served = this.locales.match(wanted);
    if (!served)
      throw new Error(
        `MARKETPLACE_DEFAULT_LOCALE: no catalogue for ${JSON.stringify(wanted)} (served: ${this.locales.tags.join(', ')})`,
      );
    this.defaultLocale = served;
  }

  /** Outside the application (benchmarks, tests of SQL): the catalogues with a default locale. */
  static standalone(defaultLocale = 'en', pseudo = false): I18n {
    return new I18n({ env: { MARKETPLACE_DEFAULT_LOCALE: defaultLocale, PSEUDO_LOCALE: pseudo } } as AppConfig);
  }

  /** The locales a person may choose, the default first among equals as served. */
  get tags(): string[] {
    return this.locales.tags;
  }

  /**
   * Each locale a person may choose, by the language's own name, so a person
   * who cannot read the page's language still finds theirs.
   */
  get choices(): LanguageChoice[] {
    return this.tags.map((tag) => ({ tag, name: this.locales.messages(tag).languageName }));
  }

  /**
   * A locale as stored: the served tag a person's choice names (`de-AT` →
   * `de`), null to clear it; a tag Parley does not speak is refused with a 400
   * naming `field`.
   */
  storedLocale(tag: string | null, field = 'locale'): string | null {
    if (tag === null) return null;
    const served = this.match(tag);
    if (!served)
      throw DomainError.invalid(
        field,
        `${field} must be a language Parley speaks, as a BCP 47 tag: one of ${this.tags.join(', ')}`,
      );
    return served;
  }

  /** A served locale for a stored or requested tag, or null (unknown, malformed, not served). */
  match(tag: string | null | undefined): string | null {
    return tag ? this.locales.match(tag) : null;
  }

  /** The messages for a person: their stored choice, else the browser's preference, else the default. */
  for(chosen: string | null | undefined, acceptLanguage?: string | string[]): Messages {
    const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
    const tag = this.match(chosen) ?? this.locales.negotiate(header) ?? this.defaultLocale;
    return this.locales.messages(tag);
  }

  /** The default locale's messages (what the marketplace itself writes in). */
  get fallback(): Messages {
    return this.locales.messages(this.defaultLocale);
  }
}
