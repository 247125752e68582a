import Holidays from 'date-holidays';

const catalogue = new Holidays();
const countries = catalogue.getCountries();
const subdivisionsByCountry = new Map<string, Record<string, string>>();

/** True when `date-holidays` knows the country (ISO 3166-1 alpha-2, upper case). */
export function isKnownCountry(country: string): boolean {
  return Object.hasOwn(countries, country);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** True for an ISO 3166-1 alpha-2 country code, whether or not `date-holidays` has data for it. */
export function isIsoCountry(country: string): boolean {
  return /^[A-Z]{2}$/.test(country) && regionNames.of(country) !== undefined;
}

/** The value that asks for a calendar without public holidays. */
export const NO_HOLIDAYS = 'NONE';

export function subdivisionsOf(country: string): Record<string, string> {
  let found = subdivisionsByCountry.get(country);
  if (!found) {
    found = (isKnownCountry(country) && catalogue.getStates(country)) || {};
    subdivisionsByCountry.set(country, found);
  }
  return found;
}

/** Accepts `CA` or `US-CA`; returns the bare subdivision code, or undefined when unknown for the country. */
export function normaliseSubdivision(country: string, subdivision: string): string | undefined {
  const bare = subdivision.toUpperCase().startsWith(`${country}-`)
    ? subdivision.slice(country.length + 1)
    : subdivision;
  const code = bare.toUpperCase();
  return Object.hasOwn(subdivisionsOf(country), code) ? code : undefined;
}

const zones = new Set(Intl.supportedValuesOf('timeZone'));

/** True for an IANA time zone name this runtime knows, canonical or alias (`UTC`, `Asia/Calcutta`). */
export function isKnownTimeZone(zone: string): boolean {
  if (zones.has(zone)) return true;
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
