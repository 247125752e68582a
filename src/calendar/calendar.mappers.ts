import { Segment, WEEKDAY_NAMES } from './business-calendar.js';
import type { WeekdayName } from './business-calendar.js';
import { CalendarSettingsDto, CalendarView, SegmentView } from './calendar.dto.js';
import type { CalendarRecord, StoredDefinition } from './calendar.entity.js';
import { NO_HOLIDAYS, normaliseSubdivision } from '../../lib/regions.js';

export const toWeekdayNumbers = (days: WeekdayName[] | undefined): number[] =>
  days ? days.map((day) => WEEKDAY_NAMES.indexOf(day) + 1).sort((a, b) => a - b) : [1, 2, 3, 4, 5];

export const toSegmentViews = (segments: Segment[]): SegmentView[] =>
  segments.map(({ from, to, counted, reason, name }) => ({
    from: from.toISOString(),
    to: to.toISOString(),
    counted,
    ...(reason ? { reason } : {}),
    ...(name ? { name } : {}),
  }));

/** The stored form of calendar settings; closures are carried over by the caller. */
export function definitionOf(
  settings: CalendarSettingsDto,
  closures: StoredDefinition['closures'] = [],
): StoredDefinition {
  const subdivision = settings.subdivision
    ? (normaliseSubdivision(settings.country, settings.subdivision) ?? null)
    : null;
  const definition: StoredDefinition = {
    timeZone: settings.timeZone,
    workingDays: toWeekdayNumbers(settings.workingDays),
    holidays: settings.country === NO_HOLIDAYS ? null : { country: settings.country, subdivision },
    closures,
  };
  if (settings.openingHours) definition.openingHours = settings.openingHours;
  return definition;
}

export function toCalendarView(
  record: CalendarRecord,
  resolved: { version: number; effectiveFrom: Date; definition: StoredDefinition },
): CalendarView {
  const { definition } = resolved;
  return {
    id: record.id,
    kind: record.kind,
    sellerId: record.sellerId,
    version: resolved.version,
    effectiveFrom: resolved.effectiveFrom.toISOString(),
    timeZone: definition.timeZone,
    country: definition.holidays?.country ?? null,
    subdivision: definition.holidays?.subdivision ?? null,
    workingDays: definition.workingDays.map((day) => WEEKDAY_NAMES[day - 1]),
    openingHours: definition.openingHours ?? null,
    closures: definition.closures.map(({ id, name, from, to }) => ({ id, name, from, to })),
  };
}
