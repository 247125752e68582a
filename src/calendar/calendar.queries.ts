/** Locks calendar $1's row: changes to a calendar (a new version, re-basing its cycles) take turns. */
export const LOCK_CALENDAR = `SELECT 1 FROM calendars WHERE id = $1 FOR UPDATE`;

/**
 * The order that puts first, among a calendar's versions (aliased `v`), the
 * one in force at `at` (a SQL expression): the latest that took effect by
 * then; before the first took effect, the first.
 */
function inForceFirst(v: string, at: string): string {
  return `(${v}.effective_from <= ${at}) DESC, CASE WHEN ${v}.effective_from <= ${at} THEN ${v}.version ELSE -${v}.version END DESC`;
}

/** Calendar $1's version in force at $2 (none when the calendar has no version). */
export const VERSION_IN_FORCE = `SELECT v.* FROM calendar_versions v WHERE v.calendar_id = $1 ORDER BY ${inForceFirst('v', '$2')} LIMIT 1`;

/**
 * The time zone of the calendar of seller `sellerId` as in force at `at`
 * (both SQL expressions), picked as VERSION_IN_FORCE picks: a scalar
 * subquery, for a set-based path that needs each row's seller zone; null
 * when `sellerId` has no calendar (not a seller).
 */
export function sellerCalendarZoneSql(sellerId: string, at: string): string {
  return `(SELECT v.definition->>'timeZone' FROM calendars k JOIN calendar_versions v ON v.calendar_id = k.id
  WHERE k.seller_id = ${sellerId} ORDER BY ${inForceFirst('v', at)} LIMIT 1)`;
}
