const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar date (`YYYY-MM-DD`, a local date with no time zone) as people write it: "23 Mar 2026". */
export function formatDate(date: string): string {
  return formatDateRange(date, date);
}

/**
 * A run of calendar dates, inclusive, as short as it reads well: one day
 * "23 Mar 2026", "23–27 Mar 2026", "30 Mar – 2 Apr 2026",
 * "30 Dec 2026 – 2 Jan 2027". Text that is not a date is shown as it is.
 */
export function formatDateRange(from: string, to: string): string {
  const first = parts(from);
  const last = parts(to);
  if (!first || !last) return from === to ? from : `${from} – ${to}`;
  const [y1, m1, d1] = first;
  const [y2, m2, d2] = last;
  if (y1 === y2 && m1 === m2)
    return d1 === d2 ? `${d1} ${MONTHS[m1 - 1]} ${y1}` : `${d1}–${d2} ${MONTHS[m1 - 1]} ${y1}`;
  if (y1 === y2) return `${d1} ${MONTHS[m1 - 1]} – ${d2} ${MONTHS[m2 - 1]} ${y1}`;
  return `${d1} ${MONTHS[m1 - 1]} ${y1} – ${d2} ${MONTHS[m2 - 1]} ${y2}`;
}

function parts(date: string): [number, number, number] | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? [year, month, day] : undefined;
}
