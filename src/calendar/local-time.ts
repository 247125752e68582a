import { FIRST_YEAR, LAST_YEAR } from './holiday-source.js';
import { ZoneOffsets } from './zone-offsets.js';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant of a wall-clock time in a zone, as a `datetime-local` input
 * sends it (`2026-12-24T09:00`): a time the zone skips moves forward by the
 * gap, a time it repeats takes the earlier instant (as calendars do).
 * Undefined for text that is not such a time, or a year calendars do not cover.
 */
export function instantOfLocal(text: string, zone: string): Date | undefined {
  const match = LOCAL.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? '0'));
  if (year < FIRST_YEAR || year > LAST_YEAR) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(local);
  // Date.UTC rolls 30 February over into March: only a real date and time is one.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour) return undefined;
  return new Date(ZoneOffsets.of(zone).toInstant(local));
}

/** An instant as a `datetime-local` input shows it in a zone, to the minute (`2026-12-24T09:00`). */
export function localInputValue(at: Date, zone: string): string {
  return new Date(at.getTime() + ZoneOffsets.of(zone).offsetAt(at.getTime())).toISOString().slice(0, 16);
}
