import Holidays from 'date-holidays';
import { parseIsoDate } from './civil.js';

export interface PublicHoliday {
  /** Day number of the local date the holiday closes. */
  day: number;
  date: string;
  name: string;
}

/** Calendars cover these years; requests outside them are refused before they reach the holiday data. */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2100;
/** Bounds on the caches: a country's rules, and a year of one country's holidays, the least recently used dropped first. */
const MAX_SOURCES = 500;
const MAX_YEARS = 5000;

const sources = new Map<string, Holidays>();
const years = new Map<string, PublicHoliday[]>();

/** Map as a small LRU: a hit moves the entry to the end, an insert over the bound drops the oldest. */
function remember<V>(cache: Map<string, V>, key: string, bound: number, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = make();
  if (cache.size >= bound) cache.delete(cache.keys().next().value!);
  cache.set(key, made);
  return made;
}

export const holidayCacheSize = () => ({ sources: sources.size, years: years.size });

function source(country: string, subdivision: string | null | undefined): Holidays {
  return remember(sources, `${country}-${subdivision ?? ''}`, MAX_SOURCES, () =>
    subdivision
      ? new Holidays(country, subdivision, { types: ['public'] })
      : new Holidays(country, { types: ['public'] }),
  );
}

/** The language code `date-holidays` files a language under (it has Japanese as `jp`). */
const DATA_LANGUAGE: Readonly<Record<string, string>> = { ja: 'jp' };

/**
 * The public holidays `date-holidays` lists for a country (and subdivision) in
 * a year, each closing the local date of its `date` field. Names in
 * `language` (a BCP 47 language: `de`, `ja`) where the data has that
 * language for the country, otherwise in English (the country's variant of
 * English first). Cached per country, subdivision, year and language.
 */
export function publicHolidays(
  country: string,
  subdivision: string | null | undefined,
  year: number,
  language = 'en',
): PublicHoliday[] {
  if (year < FIRST_YEAR || year > LAST_YEAR) return [];
  return remember(years, `${country}-${subdivision ?? ''}-${year}-${language}`, MAX_YEARS, () => {
    const holidays = source(country, subdivision);
    const languages = holidays.getLanguages();
    // The country's own English where it has one (US "Labor Day"), otherwise the data's English names.
    const english = languages.find((code) => code.startsWith('en')) ?? 'en';
    const wanted = DATA_LANGUAGE[language] ?? language;
    const named = !language.startsWith('en') && languages.includes(wanted) ? wanted : english;
    return holidays
      .getHolidays(year, named)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => ({ day: parseIsoDate(holiday.date)!, date: holiday.date.slice(0, 10), name: holiday.name }));
  });
}

/** A holiday's name in a reader's language (`publicHolidays`' rules), by the local date it closes; undefined when none closes it. */
export function holidayName(
  country: string,
  subdivision: string | null | undefined,
  date: string,
  language: string,
): string | undefined {
  const year = Number(date.slice(0, 4));
  return publicHolidays(country, subdivision, year, language).find((holiday) => holiday.date === date)?.name;
}
