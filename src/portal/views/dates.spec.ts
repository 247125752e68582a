import { formatDate, formatDateRange } from './dates.js';

describe('calendar dates as people read them', () => {
  it.each([
    ['2026-03-23', '2026-03-23', '23 Mar 2026'],
    ['2026-03-23', '2026-03-27', '23–27 Mar 2026'],
    ['2026-03-30', '2026-04-02', '30 Mar – 2 Apr 2026'],
    ['2026-12-30', '2027-01-02', '30 Dec 2026 – 2 Jan 2027'],
    ['2026-01-01', '2026-12-31', '1 Jan – 31 Dec 2026'],
    ['not a date', 'not a date', 'not a date'],
  ])('%s to %s reads "%s"', (from, to, expected) => {
    expect(formatDateRange(from, to)).toBe(expected);
  });

  it('shows one date alone', () => {
    expect(formatDate('2026-03-07')).toBe('7 Mar 2026');
  });
});
