import type { BusinessCalendar, Pause } from '../calendar/business-calendar.js';

/**
 * The support deadline: `businessDays` on the marketplace calendar from the
 * escalation's creation, with the spans support waited on a party taken out.
 * Always recomputed from the original start and every pause (never shifted
 * in place), so the answer depends only on its inputs. Null while a wait is
 * still open: the clock is stopped.
 */
export function supportDeadline(
  calendar: BusinessCalendar,
  createdAt: Date,
  businessDays: number,
  pauses: Pause[],
): Date | null {
  const unpaused = calendar.addBusinessDays(createdAt, businessDays);
  if (pauses.length === 0) return unpaused;
  const owed = calendar.businessTimeBetween(calendar.nextOpening(createdAt), unpaused);
  return calendar.addBusinessDuration(createdAt, owed, pauses);
}
