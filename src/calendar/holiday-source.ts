import Holidays from 'date-holidays';
import { parseIsoDate } from './civil.js';

export interface PublicHoliday {
  /** Day number of the local date the holiday closes. */
  day: number;
  date: string;
  name: string;
}

const sources = new Map<string, Holidays>();
const years = new Map<string, PublicHoliday[]>();

function source(country: string, subdivision: string | null | undefined): Holidays {
  const key = `${country}-${subdivision ?? ''}`;
  let found = sources.get(key);
  if (!found) {
    found = subdivision ? new Holidays(country, subdivision, { types: ['public'] }) : new Holidays(country, { types: ['public'] });
    sources.set(key, found);
  }
  return found;
}

/**
 * The public holidays `date-holidays` lists for a country (and subdivision) in
 * a year, each closing the local date of its `date` field. Names in English
 * where the data has them (the country's variant of English first). Cached per country, subdivision and year.
 */
export function publicHolidays(country: string, subdivision: string | null | undefined, year: number): PublicHoliday[] {
  const key = `${country}-${subdivision ?? ''}-${year}`;
  let found = years.get(key);
  if (!found) {
    const holidays = source(country, subdivision);
    // The country's own English where it has one (US "Labor Day"), otherwise the data's English names.
    const language = holidays.getLanguages().find((code) => code.startsWith('en')) ?? 'en';
    found = holidays
      .getHolidays(year, language)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => ({ day: parseIsoDate(holiday.date)!, date: holiday.date.slice(0, 10), name: holiday.name }));
    years.set(key, found);
  }
  return found;
}
