/** Formatters by zone and shape, made once: Intl.DateTimeFormat is costly to build and cheap to use. */
const FORMATS = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as a person reads it, in a time zone with its abbreviation
 * ("Mon, 2 Mar 2026, 17:00 UTC", "Thu, 24 Dec, 10:00 CET" without the year);
 * in UTC when the zone is not known or not one this runtime has.
 */
export function formatInstant(at: string | Date, zone?: string | null, options: { year?: boolean } = {}): string {
  const timeZone = zone || 'UTC';
  const year = options.year ?? true;
  const key = `${timeZone}|${year}`;
  let format = FORMATS.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: year ? 'numeric' : undefined,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone,
        timeZoneName: 'short',
      });
    } catch {
      // A zone this runtime does not know: the instant in UTC is still right.
      return formatInstant(at, 'UTC', options);
    }
    FORMATS.set(key, format);
  }
  return format.format(typeof at === 'string' ? new Date(at) : at);
}
