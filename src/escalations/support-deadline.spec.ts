import { BusinessCalendar } from '../calendar/business-calendar.js';
import { supportDeadline } from './support-deadline.js';

// The marketplace calendar of the examples: Los Angeles, Mon–Fri, open all day, US-CA holidays.
const calendar = new BusinessCalendar({
  timeZone: 'America/Los_Angeles',
  holidays: { country: 'US', subdivision: 'CA' },
});
const at = (iso: string) => new Date(iso);

describe('supportDeadline', () => {
  const created = at('2026-03-02T18:00:00Z'); // Mon 10:00 in Los Angeles

  it.each([
    ['no pauses: 1 business day, same wall-clock time', [], '2026-03-03T18:00:00Z'],
    [
      'a 2-hour wait moves it 2 hours',
      [{ from: at('2026-03-02T19:00:00Z'), to: at('2026-03-02T21:00:00Z') }],
      '2026-03-03T20:00:00Z',
    ],
    [
      'two waits add up (2 h on Monday, 1 h on Tuesday)',
      [
        { from: at('2026-03-02T20:00:00Z'), to: at('2026-03-02T22:00:00Z') },
        { from: at('2026-03-03T17:00:00Z'), to: at('2026-03-03T18:00:00Z') },
      ],
      '2026-03-03T21:00:00Z',
    ],
    [
      'overlapping waits count once',
      [
        { from: at('2026-03-02T19:00:00Z'), to: at('2026-03-02T21:00:00Z') },
        { from: at('2026-03-02T20:00:00Z'), to: at('2026-03-02T22:00:00Z') },
      ],
      '2026-03-03T21:00:00Z',
    ],
  ] as const)('%s', (_name, pauses, expected) => {
    expect(supportDeadline(calendar, created, 1, [...pauses])?.toISOString()).toBe(new Date(expected).toISOString());
  });

  it('a wait over a weekend and a holiday takes out only open time', () => {
    // Created Wed 2026-11-25 16:00 (LA); Thanksgiving Thu and Fri are holidays, so 1 business day ends Mon 11-30 16:00.
    const wednesday = at('2026-11-26T00:00:00Z');
    expect(supportDeadline(calendar, wednesday, 1, [])?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    // 24 open hours are owed. Waiting from Wed 17:00 to Mon 09:00 local: 1 h runs before it (Wed 16–17), the other 23 h from Mon 09:00, so Tue 08:00.
    const paused = supportDeadline(calendar, wednesday, 1, [
      { from: at('2026-11-26T01:00:00Z'), to: at('2026-11-30T17:00:00Z') },
    ]);
    expect(paused?.toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });

  it('stops while a wait is open, and is the same whenever it is recomputed', () => {
    expect(supportDeadline(calendar, created, 1, [{ from: at('2026-03-02T19:00:00Z'), to: null }])).toBeNull();
    const pauses = [{ from: at('2026-03-02T19:00:00Z'), to: at('2026-03-02T21:00:00Z') }];
    expect(supportDeadline(calendar, created, 1, pauses)).toEqual(supportDeadline(calendar, created, 1, pauses));
  });
});
