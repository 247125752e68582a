import { DAY_MS, isoWeekday, parseIsoDate, yearOfDay } from './civil.js';
import { publicHolidays } from './holiday-source.js';
import { ZoneOffsets } from './zone-offsets.js';

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export interface Closure {
  name: string;
  /** First closed local date, `YYYY-MM-DD`. */
  from: string;
  /** Last closed local date, inclusive. */
  to: string;
}

export interface CalendarDefinition {
  /** IANA time zone. */
  timeZone: string;
  /** ISO weekdays (Monday = 1); default Monday to Friday. */
  workingDays?: number[];
  /** Opening hours per weekday as `HH:mm-HH:mm` ranges (`24:00` ends the day); unset: working days are open all day. With it, a working day without hours is closed. */
  openingHours?: Partial<Record<WeekdayName, string[]>>;
  /** Public holidays of `date-holidays` for this country and optional subdivision. */
  holidays?: { country: string; subdivision?: string | null } | null;
  closures?: Closure[];
}

/** A span during which the clock does not run; `to: null` means it has not ended. */
export interface Pause {
  from: Date;
  to: Date | null;
}

export const EXCLUSION_REASONS = ['weekend', 'holiday', 'closure', 'outside_hours', 'paused'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Segment {
  from: Date;
  to: Date;
  counted: boolean;
  reason?: ExclusionReason;
  /** The holiday's or closure's name. */
  name?: string;
}

const OPEN = 0;
const WEEKEND = 1;
const HOLIDAY = 2;
const CLOSURE = 3;
const NO_HOURS = 4;
/** A local date that never happened in the zone (Pacific/Apia skipped 2011-12-30). */
const MISSING = 5;
const REASON_OF_KIND: ExclusionReason[] = [
  'weekend',
  'weekend',
  'holiday',
  'closure',
  'outside_hours',
  'outside_hours',
];

/** How far ahead the engine looks for open time before it gives up on a calendar. */
const HORIZON_DAYS = 3660;

/** Day kinds are built lazily in chunks of 2^8 days; chunk keys in a dense range live in an array. */
const CHUNK_BITS = 8;
const CHUNK_DAYS = 1 << CHUNK_BITS;
const DENSE_FIRST = -1024;
const DENSE_SIZE = 4096;

interface Chunk {
  kinds: Uint8Array;
  names: Map<number, string>;
}

const ALL_DAY = [0, DAY_MS];
const HOURS = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

function parseHours(weekday: string, ranges: string[]): number[] {
  const bounds: number[] = [];
  for (const range of ranges) {
    const match = HOURS.exec(range);
    if (!match) throw new RangeError(`openingHours.${weekday}: "${range}" is not HH:mm-HH:mm`);
    const from = (Number(match[1]) * 60 + Number(match[2])) * 60_000;
    const to = match[3] === '24:00' ? DAY_MS : (Number(match[4]) * 60 + Number(match[5])) * 60_000;
    if (to <= from) throw new RangeError(`openingHours.${weekday}: "${range}" ends before it starts`);
    if (bounds.length > 0 && from < bounds[bounds.length - 1]) {
      throw new RangeError(`openingHours.${weekday}: ranges must be in order and must not overlap`);
    }
    bounds.push(from, to);
  }
  return bounds;
}

/** Checks opening hours as the engine reads them; throws a RangeError naming the weekday at fault. */
export function checkOpeningHours(hours: Record<string, unknown>): void {
  for (const [weekday, ranges] of Object.entries(hours)) {
    // An unknown key is the client's own text: not repeated.
    if (!(WEEKDAY_NAMES as readonly string[]).includes(weekday))
      throw new RangeError('openingHours: its keys must be weekdays (mon … sun)');
    if (!Array.isArray(ranges) || ranges.some((range) => typeof range !== 'string')) {
      throw new RangeError(`openingHours.${weekday}: must be a list of HH:mm-HH:mm ranges`);
    }
    parseHours(weekday, ranges as string[]);
  }
}

interface Piece {
  from: number;
  to: number;
  paused: boolean;
}

/**
 * Business time on one calendar: a time zone, working weekdays, opening
 * hours, public holidays and closures (docs/domain.md, "Business time").
 *
 * Built once per calendar version and cached: local days become tables of
 * day kinds (256 days at a time) the first time they are touched, and the zone's offsets are
 * precomputed in blocks, so the hot paths do array and map lookups instead of
 * asking `date-holidays` or `Intl`.
 */
export class BusinessCalendar {
  readonly zone: ZoneOffsets;
  private readonly working = new Set<number>();
  /** Opening bounds (ms of the local day, start/end pairs) per ISO weekday, index 1..7. */
  private readonly hours: number[][] = [];
  private readonly closures: { name: string; from: number; to: number }[] = [];
  private readonly dense: (Chunk | undefined)[] = new Array<Chunk | undefined>(DENSE_SIZE);
  private readonly sparse = new Map<number, Chunk>();

  constructor(readonly definition: CalendarDefinition) {
    this.zone = ZoneOffsets.of(definition.timeZone);
    const workingDays = definition.workingDays ?? [1, 2, 3, 4, 5];
    if (workingDays.length === 0 || workingDays.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
      throw new RangeError('workingDays must list ISO weekdays 1 (Monday) to 7 (Sunday)');
    }
    for (const day of workingDays) this.working.add(day);
    for (let weekday = 1; weekday <= 7; weekday++) {
      const name = WEEKDAY_NAMES[weekday - 1];
      const ranges = definition.openingHours ? definition.openingHours[name] : undefined;
      this.hours[weekday] = definition.openingHours ? parseHours(name, ranges ?? []) : ALL_DAY;
    }
    for (const closure of definition.closures ?? []) {
      const from = parseIsoDate(closure.from);
      const to = parseIsoDate(closure.to);
      if (from === undefined || to === undefined || to < from) {
        throw new RangeError(`closure "${closure.name}" needs from ≤ to as YYYY-MM-DD dates`);
      }
      this.closures.push({ name: closure.name, from, to });
    }
  }

  /** True when `instant` falls in open time. */
  isOpen(instant: Date): boolean {
    const ms = instant.getTime();
    const local = ms + this.zone.offsetAt(ms);
    const day = Math.floor(local / DAY_MS);
    return this.kind(day) === OPEN && this.withinHours(day, local - day * DAY_MS);
  }

  /** `instant` itself when open, otherwise the start of the next open time. */
  nextOpening(instant: Date): Date {
    return new Date(this.nextOpeningMs(instant.getTime()));
  }

  /**
   * `start + n business days`: the same local wall-clock time on the n-th
   * business day after the local date on which the clock starts (`start`, or
   * the next opening when `start` is not in open time).
   */
  addBusinessDays(start: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number ≥ 0');
    const ms = start.getTime();
    let local = ms + this.zone.offsetAt(ms);
    let day = Math.floor(local / DAY_MS);
    if (!(this.kind(day) === OPEN && this.withinHours(day, local - day * DAY_MS))) {
      const from = this.nextOpeningMs(ms);
      if (n === 0) return new Date(from);
      local = from + this.zone.offsetAt(from);
      day = Math.floor(local / DAY_MS);
    } else if (n === 0) {
      return new Date(ms);
    }
    const timeOfDay = local - day * DAY_MS;
    for (let left = n; left > 0;) {
      day += 1;
      if (this.kind(day) === OPEN) left -= 1;
    }
    return new Date(this.zone.toInstant(day * DAY_MS + timeOfDay));
  }

  /**
   * The instant at which `minutes` of open time have passed since `start`,
   * not counting paused time; null when an unended pause stops the clock first.
   */
  addBusinessDuration(start: Date, minutes: number, pauses: Pause[] = []): Date | null {
    if (!(minutes >= 0)) throw new RangeError('minutes must be ≥ 0');
    const paused = normalise(pauses);
    // An unended pause stops the clock for good: look no further than its start.
    const stopsAt = paused[paused.length - 1] === Infinity ? paused[paused.length - 2] : Infinity;
    let remaining = minutes * 60_000;
    let result: number | null = null;
    this.walk(start.getTime(), stopsAt, paused, (piece) => {
      if (piece.paused) return 'next';
      const length = piece.to - piece.from;
      if (length >= remaining) {
        result = piece.from + remaining;
        return 'stop';
      }
      remaining -= length;
      return 'next';
    });
    return result === null ? null : new Date(result);
  }

  /** Minutes of open, unpaused time in [a, b). */
  businessTimeBetween(a: Date, b: Date, pauses: Pause[] = []): number {
    return this.businessMsBetween(a.getTime(), b.getTime(), pauses) / 60_000;
  }

  businessMsBetween(a: number, b: number, pauses: Pause[] = []): number {
    let total = 0;
    this.walk(a, b, normalise(pauses), (piece) => {
      if (!piece.paused) total += piece.to - piece.from;
      return 'next';
    });
    return total;
  }

  /** Every span of [start, end), counted or excluded with its reason; neighbours with the same state are merged. */
  explain(start: Date, end: Date, pauses: Pause[] = []): Segment[] {
    const a = start.getTime();
    const b = end.getTime();
    const segments: Segment[] = [];
    const push = (from: number, to: number, counted: boolean, reason?: ExclusionReason, name?: string) => {
      from = Math.max(from, a);
      to = Math.min(to, b);
      if (to <= from) return;
      const previous = segments[segments.length - 1];
      if (
        previous &&
        previous.to.getTime() === from &&
        previous.counted === counted &&
        previous.reason === reason &&
        previous.name === name
      ) {
        previous.to = new Date(to);
        return;
      }
      const segment: Segment = { from: new Date(from), to: new Date(to), counted };
      if (reason) segment.reason = reason;
      if (name) segment.name = name;
      segments.push(segment);
    };
    if (b <= a) return segments;
    const paused = normalise(pauses);
    const firstDay = this.localDay(a);
    const lastDay = this.localDay(b);
    for (let day = firstDay; day <= lastDay; day++) {
      const dayStart = this.zone.toInstant(day * DAY_MS);
      const dayEnd = this.zone.toInstant((day + 1) * DAY_MS);
      const kind = this.kind(day);
      if (kind !== OPEN) {
        push(dayStart, dayEnd, false, REASON_OF_KIND[kind], this.chunk(day >> CHUNK_BITS).names.get(day));
        continue;
      }
      let cursor = dayStart;
      const bounds = this.hours[isoWeekday(day)];
      for (let i = 0; i < bounds.length; i += 2) {
        const [from, to] = this.span(day, bounds[i], bounds[i + 1]);
        push(cursor, from, false, 'outside_hours');
        for (const piece of subtractPauses(from, to, paused)) {
          push(piece.from, piece.to, !piece.paused, piece.paused ? 'paused' : undefined);
        }
        cursor = to;
      }
      push(cursor, dayEnd, false, 'outside_hours');
    }
    return segments;
  }

  /** Public holidays that close a date in `year`, with the names shown in explanations. */
  holidays(year: number): { date: string; name: string }[] {
    const source = this.definition.holidays;
    return source
      ? publicHolidays(source.country, source.subdivision, year).map(({ date, name }) => ({ date, name }))
      : [];
  }

  /** Approximate bytes held by the day tables built so far (for the benchmark's memory report). */
  tableBytes(): number {
    let bytes = 0;
    for (const chunk of this.chunks()) bytes += chunk.kinds.byteLength + 64 + chunk.names.size * 64;
    return bytes;
  }

  /** Days whose kind is precomputed so far. */
  cachedDays(): number {
    return this.chunks().length * CHUNK_DAYS;
  }

  private chunks(): Chunk[] {
    return [...this.dense.filter((chunk) => chunk !== undefined), ...this.sparse.values()];
  }

  private localDay(ms: number): number {
    return Math.floor((ms + this.zone.offsetAt(ms)) / DAY_MS);
  }

  private withinHours(day: number, timeOfDay: number): boolean {
    const bounds = this.hours[isoWeekday(day)];
    for (let i = 0; i < bounds.length; i += 2) {
      if (timeOfDay >= bounds[i] && timeOfDay < bounds[i + 1]) return true;
    }
    return false;
  }

  /** The instants bounding one opening range of a local day. */
  private span(day: number, from: number, to: number): [number, number] {
    return [this.zone.toInstant(day * DAY_MS + from), this.zone.toInstant(day * DAY_MS + to)];
  }

  private nextOpeningMs(ms: number): number {
    const local = ms + this.zone.offsetAt(ms);
    const day = Math.floor(local / DAY_MS);
    const timeOfDay = local - day * DAY_MS;
    if (this.kind(day) === OPEN) {
      const bounds = this.hours[isoWeekday(day)];
      for (let i = 0; i < bounds.length; i += 2) {
        if (timeOfDay < bounds[i + 1]) {
          if (timeOfDay >= bounds[i]) return ms;
          const opening = this.zone.toInstant(day * DAY_MS + bounds[i]);
          // In a repeated hour the wall time can map to before `ms`: then it is the same offset's occurrence.
          return opening >= ms ? opening : ms + (bounds[i] - timeOfDay);
        }
      }
    }
    for (let next = day + 1; next <= day + HORIZON_DAYS; next++) {
      if (this.kind(next) === OPEN) return this.zone.toInstant(next * DAY_MS + this.hours[isoWeekday(next)][0]);
    }
    throw new RangeError(
      `The calendar has no open time within ${HORIZON_DAYS} days after ${new Date(ms).toISOString()}`,
    );
  }

  /** Calls `visit` with each open piece (paused or not) from `from` until `until`, in order, until it says stop. */
  private walk(from: number, until: number, pauses: number[], visit: (piece: Piece) => 'next' | 'stop'): void {
    const firstDay = this.localDay(from);
    const lastDay = until === Infinity ? firstDay + HORIZON_DAYS : this.localDay(until);
    for (let day = firstDay; day <= lastDay; day++) {
      if (this.kind(day) !== OPEN) continue;
      const bounds = this.hours[isoWeekday(day)];
      for (let i = 0; i < bounds.length; i += 2) {
        let [start, end] = this.span(day, bounds[i], bounds[i + 1]);
        start = Math.max(start, from);
        end = Math.min(end, until);
        if (end <= start) continue;
        for (const piece of subtractPauses(start, end, pauses)) {
          if (visit(piece) === 'stop') return;
        }
      }
    }
    if (until === Infinity) throw new RangeError(`The calendar has no open time within ${HORIZON_DAYS} days`);
  }

  private kind(day: number): number {
    return this.chunk(day >> CHUNK_BITS).kinds[day & (CHUNK_DAYS - 1)];
  }

  private chunk(key: number): Chunk {
    const index = key - DENSE_FIRST;
    const dense = index >= 0 && index < DENSE_SIZE;
    let chunk = dense ? this.dense[index] : this.sparse.get(key);
    if (chunk === undefined) {
      chunk = this.buildChunk(key << CHUNK_BITS);
      if (dense) this.dense[index] = chunk;
      else this.sparse.set(key, chunk);
    }
    return chunk;
  }

  private buildChunk(first: number): Chunk {
    const last = first + CHUNK_DAYS - 1;
    const kinds = new Uint8Array(CHUNK_DAYS);
    const names = new Map<number, string>();
    for (let i = 0; i < CHUNK_DAYS; i++) kinds[i] = this.working.has(isoWeekday(first + i)) ? OPEN : WEEKEND;
    const close = (day: number, kind: number, name: string) => {
      const i = day - first;
      if (i >= 0 && i < CHUNK_DAYS && kinds[i] === OPEN) {
        kinds[i] = kind;
        names.set(day, name);
      }
    };
    for (const closure of this.closures) {
      for (let day = Math.max(closure.from, first); day <= Math.min(closure.to, last); day++)
        close(day, CLOSURE, closure.name);
    }
    const source = this.definition.holidays;
    if (source) {
      for (let year = yearOfDay(first); year <= yearOfDay(last); year++) {
        for (const holiday of publicHolidays(source.country, source.subdivision, year))
          close(holiday.day, HOLIDAY, holiday.name);
      }
    }
    for (let i = 0; i < CHUNK_DAYS; i++) {
      const day = first + i;
      if (this.zone.toInstant((day + 1) * DAY_MS) <= this.zone.toInstant(day * DAY_MS)) kinds[i] = MISSING;
      else if (kinds[i] === OPEN && this.hours[isoWeekday(day)].length === 0) kinds[i] = NO_HOURS;
    }
    return { kinds, names };
  }
}

/** Pauses as sorted, merged [from, to) pairs in ms; an unended pause runs to Infinity. */
function normalise(pauses: Pause[]): number[] {
  const spans = pauses
    .map((pause) => [pause.from.getTime(), pause.to === null ? Infinity : pause.to.getTime()] as [number, number])
    .filter(([from, to]) => to > from)
    .sort((x, y) => x[0] - y[0]);
  const merged: number[] = [];
  for (const [from, to] of spans) {
    const n = merged.length;
    if (n > 0 && from <= merged[n - 1]) merged[n - 1] = Math.max(merged[n - 1], to);
    else merged.push(from, to);
  }
  return merged;
}

/** Splits [from, to) into paused and unpaused pieces, in order. */
function subtractPauses(from: number, to: number, pauses: number[]): Piece[] {
  if (pauses.length === 0) return [{ from, to, paused: false }];
  const pieces: Piece[] = [];
  let cursor = from;
  for (let i = 0; i < pauses.length && cursor < to; i += 2) {
    const pauseFrom = pauses[i];
    const pauseTo = pauses[i + 1];
    if (pauseTo <= cursor) continue;
    if (pauseFrom >= to) break;
    if (pauseFrom > cursor) pieces.push({ from: cursor, to: pauseFrom, paused: false });
    const end = Math.min(pauseTo, to);
    pieces.push({ from: Math.max(pauseFrom, cursor), to: end, paused: true });
    cursor = end;
  }
  if (cursor < to) pieces.push({ from: cursor, to, paused: false });
  return pieces;
}
