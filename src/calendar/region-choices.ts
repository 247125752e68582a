import Holidays from 'date-holidays';

/** A country a calendar can take its public holidays from: its ISO 3166-1 alpha-2 code and its English name. */
export interface CountryChoice {
  code: string;
  name: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * The time zones a form offers: `UTC` and every IANA zone this runtime knows
 * by its canonical name, in the order Intl lists them (by area, then city).
 * Each passes the API's own check, so a chosen zone is never refused.
 */
export const TIME_ZONE_CHOICES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone')];

/** The countries `date-holidays` has public holidays for, by English name ("Germany"). */
export const HOLIDAY_COUNTRY_CHOICES: readonly CountryChoice[] = Object.entries(new Holidays().getCountries('en'))
  .map(([code, name]) => ({ code, name: regionNames.of(code) ?? name }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));
