import { instantOfLocal, localInputValue } from './local-time.js';

describe('wall-clock times in a calendar’s zone', () => {
  it.each([
    ['2026-12-24T09:00', 'Europe/Berlin', '2026-12-24T08:00:00.000Z'],
    ['2026-07-01T09:00', 'Europe/Berlin', '2026-07-01T07:00:00.000Z'],
    ['2026-03-02T09:00', 'America/Los_Angeles', '2026-03-02T17:00:00.000Z'],
    ['2026-03-02T09:00:30', 'UTC', '2026-03-02T09:00:30.000Z'],
    // Berlin skips 02:00–03:00 on 29 March 2026: 02:30 moves forward by the gap.
    ['2026-03-29T02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    // …and repeats 02:00–03:00 on 25 October: the earlier instant.
    ['2026-10-25T02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
  ])('%s in %s is %s', (text, zone, instant) => {
    expect(instantOfLocal(text, zone)?.toISOString()).toBe(instant);
  });

  it.each(['2026-02-30T09:00', '2026-12-24T25:00', '2026-12-24', '2026-12-24T09:00Z', '1900-01-01T00:00', 'soon'])(
    'refuses %s',
    (text) => {
      expect(instantOfLocal(text, 'Europe/Berlin')).toBeUndefined();
    },
  );

  it('shows an instant as the zone’s wall clock, and reads it back', () => {
    const at = new Date('2026-12-24T08:00:00Z');
    expect(localInputValue(at, 'Europe/Berlin')).toBe('2026-12-24T09:00');
    expect(localInputValue(at, 'Asia/Kathmandu')).toBe('2026-12-24T13:45');
    expect(instantOfLocal(localInputValue(at, 'Asia/Kathmandu'), 'Asia/Kathmandu')).toEqual(at);
  });
});
