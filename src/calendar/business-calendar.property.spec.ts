import fc from 'fast-check';
import Holidays from 'date-holidays';
import { BusinessCalendar } from './business-calendar.js';
import { publicHolidays } from './holiday-source.js';

/**
 * The engine against a slow, obviously correct reference that walks local
 * dates one at a time, asking Intl for every offset it needs (the engine
 * precomputes them in blocks) and looking up each date's holiday status.
 */

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallParts(zone: string, ms: number): number[] {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return [
    Number(parts.year),
    Number(parts.month),
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  ];
}

/** Local wall time as ms since 1970 in local terms. */
function wall(zone: string, ms: number): number {
  const [y, mo, d, h, mi, s] = wallParts(zone, ms);
  return Date.UTC(y, mo - 1, d, h, mi, s) + (((ms % 1000) + 1000) % 1000);
}

const offset = (zone: string, ms: number) => wall(zone, ms) - ms;

/** Temporal `compatible`: every instant showing this wall time, the earliest; none (a gap): the offset before the gap. */
function instantOf(zone: string, local: number): number {
  const offsets = new Set([-2, -1, 0, 1, 2].map((k) => offset(zone, local + k * DAY)));
  const valid = [...offsets].map((o) => local - o).filter((u) => wall(zone, u) === local);
  if (valid.length > 0) return Math.min(...valid);
  return local - offset(zone, local - 2 * DAY);
}

const holidayCache = new Map<string, Set<string>>();
function isHoliday(country: string, date: string): boolean {
  const key = `${country}-${date.slice(0, 4)}`;
  let dates = holidayCache.get(key);
  if (!dates) {
    // The same cached list the engine reads: computing lunar holidays is the slowest part of this test,
    // and the list itself is checked against date-holidays in holiday-source.spec.ts.
    dates = new Set(publicHolidays(country, null, Number(date.slice(0, 4))).map((h) => h.date));
    holidayCache.set(key, dates);
  }
  return dates.has(date);
}

const isoDate = (local: number) => new Date(local).toISOString().slice(0, 10);

/** A local date (midnight, local terms) exists unless the zone skipped it entirely. */
function exists(zone: string, midnight: number): boolean {
  if (offset(zone, midnight - DAY) === offset(zone, midnight + 2 * DAY)) return true;
  return [0, 12 * 3_600_000].some((t) => isoDate(wall(zone, instantOf(zone, midnight + t))) === isoDate(midnight));
}

function isBusinessDate(zone: string, country: string, midnight: number): boolean {
  const weekday = new Date(midnight).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isHoliday(country, isoDate(midnight)) && exists(zone, midnight);
}

function referenceAddBusinessDays(zone: string, country: string, start: number, n: number): number {
  let local = wall(zone, start);
  let midnight = Math.floor(local / DAY) * DAY;
  let begin = start;
  if (!isBusinessDate(zone, country, midnight)) {
    do midnight += DAY;
    while (!isBusinessDate(zone, country, midnight));
    begin = instantOf(zone, midnight);
    local = wall(zone, begin);
  }
  if (n === 0) return begin;
  const timeOfDay = local - midnight;
  for (let left = n; left > 0;) {
    midnight += DAY;
    if (isBusinessDate(zone, country, midnight)) left -= 1;
  }
  return instantOf(zone, midnight + timeOfDay);
}

const zones = Intl.supportedValuesOf('timeZone');
const countries = Object.keys(new Holidays().getCountries());
const calendars = new Map<string, BusinessCalendar>();
const calendarFor = (zone: string, country: string) => {
  const key = `${zone}|${country}`;
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = new BusinessCalendar({ timeZone: zone, holidays: { country } });
    calendars.set(key, calendar);
  }
  return calendar;
};

describe('BusinessCalendar.addBusinessDays against a reference walk', () => {
  it('agrees on random zones, countries, starts from 2000 to 2035 and n from 0 to 30', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...countries),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 11, 31) }),
        fc.integer({ min: 0, max: 30 }),
        (zone, country, start, n) => {
          const engine = calendarFor(zone, country).addBusinessDays(new Date(start), n).toISOString();
          const reference = new Date(referenceAddBusinessDays(zone, country, start, n)).toISOString();
          expect(engine).toBe(reference);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees around DST changes, where starts cluster near transitions', () => {
    const transitionZones = [
      'America/Los_Angeles',
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Pacific/Apia',
      'Asia/Tehran',
      'America/Havana',
      'Africa/Casablanca',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...transitionZones),
        fc.constantFrom('US', 'DE', 'AU', 'CL', 'WS', 'IR', 'CU', 'MA'),
        fc.constantFrom(2011, 2015, 2020, 2026, 2030),
        fc.integer({ min: 0, max: 364 }),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.integer({ min: 0, max: 5 }),
        (zone, country, year, dayOfYear, minute, n) => {
          const start = Date.UTC(year, 0, 1) + dayOfYear * DAY + minute * 60_000;
          const engine = calendarFor(zone, country).addBusinessDays(new Date(start), n).toISOString();
          expect(engine).toBe(new Date(referenceAddBusinessDays(zone, country, start, n)).toISOString());
        },
      ),
      { numRuns: 3000 },
    );
  });
});
