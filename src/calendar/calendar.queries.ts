/** Locks calendar $1's row: changes to a calendar (a new version, re-basing its cycles) take turns. */
export const LOCK_CALENDAR = `SELECT 1 FROM calendars WHERE id = $1 FOR UPDATE`;
