import { addBusinessDays as dateFnsAddBusinessDays } from 'date-fns';
import { BusinessCalendar } from '../src/calendar/business-calendar.js';

export interface CalendarBenchResult {
  starts: number;
  parleyOpsPerSecond: number;
  dateFnsOpsPerSecond: number;
  ratio: number;
  buildMs: number;
  warmBuildMs: number;
  bytesPerCalendar: number;
  daysCached: number;
}

/** Starts spread over 2026–2027, every minute of the day, weekends and holidays included; the same for both. */
export function makeStarts(count: number, seed = 42): Date[] {
  let state = seed;
  const random = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
  const from = Date.UTC(2026, 0, 1);
  const span = Date.UTC(2028, 0, 1) - from;
  return Array.from({ length: count }, () => new Date(from + Math.floor((random() * span) / 60_000) * 60_000));
}

function opsPerSecond(starts: Date[], add: (start: Date) => Date): { rate: number; checksum: number } {
  let checksum = 0;
  const began = process.hrtime.bigint();
  for (let i = 0; i < starts.length; i++) checksum += add(starts[i]).getTime() % 1000;
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return { rate: starts.length / seconds, checksum };
}

/**
 * `addBusinessDays(start, 2)` on America/Los_Angeles with US-CA holidays,
 * against date-fns `addBusinessDays(start, 2)` (no holidays, no time zones),
 * over the same starts, in one process. Each side runs `rounds` times after a
 * warm-up; the best round counts.
 */
export function runCalendarBench(count: number, rounds = 3): CalendarBenchResult {
  const starts = makeStarts(count);
  const buildBegan = process.hrtime.bigint();
  const calendar = new BusinessCalendar({
    timeZone: 'America/Los_Angeles',
    holidays: { country: 'US', subdivision: 'CA' },
  });
  calendar.addBusinessDays(new Date(Date.UTC(2026, 0, 1)), 2);
  const buildMs = Number(process.hrtime.bigint() - buildBegan) / 1e6;
  // Another calendar once holiday data and the zone's offsets are loaded: the usual cost of a new seller or version.
  const warmBegan = process.hrtime.bigint();
  new BusinessCalendar({
    timeZone: 'America/Los_Angeles',
    holidays: { country: 'US', subdivision: 'CA' },
    closures: [{ name: 'Inventory', from: '2026-02-02', to: '2026-02-03' }],
  }).addBusinessDays(new Date(Date.UTC(2026, 0, 1)), 2);
  const warmBuildMs = Number(process.hrtime.bigint() - warmBegan) / 1e6;

  const parley = (start: Date) => calendar.addBusinessDays(start, 2);
  const dateFns = (start: Date) => dateFnsAddBusinessDays(start, 2);
  const warm = starts.slice(0, Math.min(count, 50_000));
  opsPerSecond(warm, parley);
  opsPerSecond(warm, dateFns);
  let best = { parley: 0, dateFns: 0 };
  for (let round = 0; round < rounds; round++) {
    best = {
      parley: Math.max(best.parley, opsPerSecond(starts, parley).rate),
      dateFns: Math.max(best.dateFns, opsPerSecond(starts, dateFns).rate),
    };
  }
  return {
    starts: count,
    parleyOpsPerSecond: best.parley,
    dateFnsOpsPerSecond: best.dateFns,
    ratio: best.parley / best.dateFns,
    buildMs,
    warmBuildMs,
    bytesPerCalendar: calendar.tableBytes(),
    daysCached: calendar.cachedDays(),
  };
}
