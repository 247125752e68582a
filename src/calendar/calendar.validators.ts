import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { checkOpeningHours } from './business-calendar.js';
import { parseIsoDate } from './civil.js';
import { FIRST_YEAR, LAST_YEAR } from './holiday-source.js';
import { isIsoCountry, isKnownCountry, isKnownTimeZone, NO_HOLIDAYS, normaliseSubdivision } from '../../lib/regions.js';

function rule(
  name: string,
  test: (value: unknown, args: ValidationArguments) => boolean,
  message: (args: ValidationArguments) => string,
) {
  return (options?: ValidationOptions) => (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options,
      validator: { validate: test, defaultMessage: message },
    });
}

export const IsTimeZone = rule(
  'isTimeZone',
  (value) => typeof value === 'string' && isKnownTimeZone(value),
  (args) => `${args.property} must be an IANA time zone such as Europe/Berlin`,
);

/** A country with holiday data; with `allowNone`, also `none` for a calendar without public holidays. */
export const IsHolidayCountry = (allowNone = false, options?: ValidationOptions) =>
  rule(
    'isHolidayCountry',
    (value) => typeof value === 'string' && (isKnownCountry(value) || (allowNone && value === NO_HOLIDAYS)),
    (args) =>
      typeof args.value === 'string' && isIsoCountry(args.value)
        ? `${args.property}: there is no public-holiday data for ${args.value}${allowNone ? '; use "none" for a calendar without public holidays, and add the days it closes as closures' : ''}`
        : `${args.property} must be an ISO 3166-1 alpha-2 country code, such as US${allowNone ? ', or "none" for no public holidays' : ''}`,
  )(options);

/** Validates a subdivision against the `country` property of the same object. */
export const IsHolidaySubdivision = rule(
  'isHolidaySubdivision',
  (value, args) => {
    const country = (args.object as { country?: unknown }).country;
    return (
      typeof value === 'string' &&
      typeof country === 'string' &&
      country !== NO_HOLIDAYS &&
      normaliseSubdivision(country, value) !== undefined
    );
  },
  (args) => {
    const country = (args.object as { country?: unknown }).country;
    // Only a country the calendar knows is repeated: anything else is the client's own text.
    const named = typeof country === 'string' && isKnownCountry(country) ? country : 'the country';
    return `${args.property} must be a subdivision of ${named} known to the holiday calendar, such as CA or US-CA`;
  },
);

export const IsOpeningHours = rule(
  'isOpeningHours',
  (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    try {
      checkOpeningHours(value as Record<string, unknown>);
      return true;
    } catch {
      return false;
    }
  },
  (args) => {
    try {
      checkOpeningHours((args.value ?? {}) as Record<string, unknown>);
    } catch (error) {
      return (error as Error).message;
    }
    return `${args.property} must map weekdays (mon … sun) to lists of HH:mm-HH:mm ranges`;
  },
);

export const IsCalendarDate = rule(
  'isCalendarDate',
  (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && parseIsoDate(value) !== undefined,
  (args) => `${args.property} must be a date as YYYY-MM-DD`,
);

/** An ISO instant whose year calendars cover (FIRST_YEAR–LAST_YEAR). */
export const IsInstantInCalendarYears = rule(
  'isInstantInCalendarYears',
  (value) => {
    if (typeof value !== 'string') return true;
    const year = new Date(value).getUTCFullYear();
    return !Number.isNaN(year) && year >= FIRST_YEAR && year <= LAST_YEAR;
  },
  (args) => `${args.property} must fall in the years ${FIRST_YEAR}–${LAST_YEAR}`,
);
