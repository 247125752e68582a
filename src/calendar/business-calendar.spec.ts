import { BusinessCalendar, CalendarDefinition } from './business-calendar.js';

const LA: CalendarDefinition = { timeZone: 'America/Los_Angeles', holidays: { country: 'US', subdivision: 'CA' } };
const BERLIN: CalendarDefinition = { timeZone: 'Europe/Berlin', holidays: { country: 'DE', subdivision: 'BY' } };
const NEW_YORK: CalendarDefinition = { timeZone: 'America/New_York', holidays: { country: 'US', subdivision: 'NY' } };
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const SPLIT_HOURS: CalendarDefinition = {
  timeZone: 'America/Los_Angeles',
  holidays: { country: 'US', subdivision: 'CA' },
  openingHours: {
    mon: ['09:00-12:00', '13:00-17:00'],
    tue: ['09:00-12:00', '13:00-17:00'],
    wed: ['09:00-12:00', '13:00-17:00'],
    thu: ['09:00-12:00', '13:00-17:00'],
    fri: ['09:00-12:00', '13:00-17:00'],
  },
};

const at = (iso: string) => new Date(iso);

describe('BusinessCalendar.addBusinessDays', () => {
  it.each<[string, CalendarDefinition, string, number, string]>([
    // docs/domain.md's four examples (America/Los_Angeles, US-CA, Mon–Fri, open all day).
    ['Mon 10:00 + 2', LA, '2026-03-02T18:00:00Z', 2, '2026-03-04T18:00:00Z'],
    ['Fri 10:00 + 2 across the start of DST: still 10:00 local', LA, '2026-03-06T18:00:00Z', 2, '2026-03-10T17:00:00Z'],
    ['Sat 10:00 + 2 starts on Monday 00:00', LA, '2026-03-07T18:00:00Z', 2, '2026-03-11T07:00:00Z'],
    ['Wed 16:00 + 2 over Thanksgiving and the day after', LA, '2026-11-26T00:00:00Z', 2, '2026-12-02T00:00:00Z'],
    // Starts that are not in open time, and the edges of a day.
    [
      'a start on a holiday (Thanksgiving 09:00) waits for Monday 00:00',
      LA,
      '2026-11-26T17:00:00Z',
      2,
      '2026-12-02T08:00:00Z',
    ],
    ['a start on a Sunday', LA, '2026-03-01T20:00:00Z', 1, '2026-03-03T08:00:00Z'],
    ['Fri 23:59 + 1 is Mon 23:59 (after DST began)', LA, '2026-03-07T07:59:00Z', 1, '2026-03-10T06:59:00Z'],
    ['Mon 00:00 exactly is open', LA, '2026-03-02T08:00:00Z', 1, '2026-03-03T08:00:00Z'],
    ['n = 0 on open time is the start itself', LA, '2026-03-02T18:00:00Z', 0, '2026-03-02T18:00:00Z'],
    ['n = 0 on a weekend is the next opening', LA, '2026-03-07T18:00:00Z', 0, '2026-03-09T07:00:00Z'],
    [
      'a Friday evening before a Monday holiday (Presidents’ Day)',
      LA,
      '2026-02-14T03:00:00Z',
      2,
      '2026-02-19T03:00:00Z',
    ],
    // Europe/Berlin (DE-BY) across both DST changes and Easter.
    ['Berlin Fri 10:00 CET + 1 across spring forward', BERLIN, '2026-03-27T09:00:00Z', 1, '2026-03-30T08:00:00Z'],
    ['Berlin Fri 10:00 CEST + 1 across fall back', BERLIN, '2026-10-23T08:00:00Z', 1, '2026-10-26T09:00:00Z'],
    [
      'Berlin Thu before Easter + 1 skips Good Friday and Easter Monday',
      BERLIN,
      '2026-04-02T10:00:00Z',
      1,
      '2026-04-07T10:00:00Z',
    ],
    [
      'Berlin 7-day week: 02:30 on the spring-forward day does not exist, moves forward by the gap',
      { ...BERLIN, holidays: null, workingDays: EVERY_DAY },
      '2026-03-28T01:30:00Z',
      1,
      '2026-03-29T01:30:00Z',
    ],
    [
      'Berlin 7-day week: 02:30 on the fall-back day is ambiguous, takes the earlier offset',
      { ...BERLIN, holidays: null, workingDays: EVERY_DAY },
      '2026-10-24T00:30:00Z',
      1,
      '2026-10-25T00:30:00Z',
    ],
    // America/New_York across both DST changes.
    ['New York Fri 09:00 EST + 1 across spring forward', NEW_YORK, '2026-03-06T14:00:00Z', 1, '2026-03-09T13:00:00Z'],
    ['New York Fri 09:00 EDT + 1 across fall back', NEW_YORK, '2026-10-30T13:00:00Z', 1, '2026-11-02T14:00:00Z'],
    // Australia/Lord_Howe: a 30-minute DST shift.
    [
      'Lord Howe 02:15 on the spring-forward day (gap 02:00–02:30) moves to 02:45',
      { timeZone: 'Australia/Lord_Howe', workingDays: EVERY_DAY },
      '2026-10-02T15:45:00Z',
      1,
      '2026-10-03T15:45:00Z',
    ],
    [
      'Lord Howe 01:45 on the fall-back day (01:30–02:00 twice) takes +11:00',
      { timeZone: 'Australia/Lord_Howe', workingDays: EVERY_DAY },
      '2026-04-03T14:45:00Z',
      1,
      '2026-04-04T14:45:00Z',
    ],
    [
      'Lord Howe Fri 10:00 +11 + 1 across the fall back to +10:30',
      { timeZone: 'Australia/Lord_Howe' },
      '2026-04-02T23:00:00Z',
      1,
      '2026-04-05T23:30:00Z',
    ],
    // Asia/Kathmandu, +05:45.
    ['Kathmandu Mon 10:00 + 2', { timeZone: 'Asia/Kathmandu' }, '2026-03-02T04:15:00Z', 2, '2026-03-04T04:15:00Z'],
    // Pacific/Apia skipped Friday 2011-12-30: it is not a business day.
    [
      'Apia Thu 2011-12-29 10:00 (−10) + 1 skips the missing Friday and the weekend',
      { timeZone: 'Pacific/Apia' },
      '2011-12-29T20:00:00Z',
      1,
      '2012-01-01T20:00:00Z',
    ],
    [
      'Apia Wed 2011-12-28 10:00 (−10) + 1 is Thu 10:00 (−10)',
      { timeZone: 'Pacific/Apia' },
      '2011-12-28T20:00:00Z',
      1,
      '2011-12-29T20:00:00Z',
    ],
    // Asia/Dubai: Monday–Friday set explicitly, and a Sunday–Thursday week.
    [
      'Dubai Mon–Fri: Wed 10:00 + 2 is Fri',
      { timeZone: 'Asia/Dubai', workingDays: [1, 2, 3, 4, 5], holidays: { country: 'AE' } },
      '2026-03-04T06:00:00Z',
      2,
      '2026-03-06T06:00:00Z',
    ],
    [
      'Dubai Sun–Thu: Wed 10:00 + 2 is Sun',
      { timeZone: 'Asia/Dubai', workingDays: [7, 1, 2, 3, 4], holidays: { country: 'AE' } },
      '2026-03-04T06:00:00Z',
      2,
      '2026-03-08T06:00:00Z',
    ],
    [
      'Dubai Mon–Fri: Thu 2026-03-19 10:00 + 1 skips Eid al-Fitr (Fri 03-20) and the weekend',
      { timeZone: 'Asia/Dubai', workingDays: [1, 2, 3, 4, 5], holidays: { country: 'AE' } },
      '2026-03-19T06:00:00Z',
      1,
      '2026-03-23T06:00:00Z',
    ],
    // Split opening hours 09–12 and 13–17.
    [
      'split hours: a start in the lunch break waits for 13:00',
      SPLIT_HOURS,
      '2026-03-02T20:30:00Z',
      1,
      '2026-03-03T21:00:00Z',
    ],
    [
      'split hours: a start after closing waits for the next morning',
      SPLIT_HOURS,
      '2026-03-03T02:00:00Z',
      1,
      '2026-03-04T17:00:00Z',
    ],
    [
      'split hours: a start in open time keeps its wall time',
      SPLIT_HOURS,
      '2026-03-02T19:00:00Z',
      2,
      '2026-03-04T19:00:00Z',
    ],
    // Custom closures.
    [
      'a closure over Tue–Wed pushes Mon + 2 to Fri',
      { ...LA, closures: [{ name: 'Stocktaking', from: '2026-03-03', to: '2026-03-04' }] },
      '2026-03-02T18:00:00Z',
      2,
      '2026-03-06T18:00:00Z',
    ],
  ])('%s', (_, definition, start, n, expected) => {
    expect(new BusinessCalendar(definition).addBusinessDays(at(start), n).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it('refuses a negative or fractional n', () => {
    const calendar = new BusinessCalendar(LA);
    expect(() => calendar.addBusinessDays(at('2026-03-02T18:00:00Z'), -1)).toThrow(RangeError);
    expect(() => calendar.addBusinessDays(at('2026-03-02T18:00:00Z'), 1.5)).toThrow(RangeError);
  });
});

describe('BusinessCalendar.isOpen and nextOpening', () => {
  const split = new BusinessCalendar(SPLIT_HOURS);
  it.each([
    ['Mon 11:00', '2026-03-02T19:00:00Z', true, '2026-03-02T19:00:00Z'],
    ['Mon 12:00, closing for lunch', '2026-03-02T20:00:00Z', false, '2026-03-02T21:00:00Z'],
    ['Mon 08:59', '2026-03-02T16:59:00Z', false, '2026-03-02T17:00:00Z'],
    ['Fri 17:00', '2026-03-07T01:00:00Z', false, '2026-03-09T16:00:00Z'],
    ['Thanksgiving 10:00', '2026-11-26T18:00:00Z', false, '2026-11-30T17:00:00Z'],
  ])('%s', (_, instant, open, next) => {
    expect(split.isOpen(at(instant))).toBe(open);
    expect(split.nextOpening(at(instant)).toISOString()).toBe(new Date(next).toISOString());
  });

  it('skips a local midnight that does not exist (America/Santiago springs forward at 00:00)', () => {
    const santiago = new BusinessCalendar({ timeZone: 'America/Santiago', workingDays: EVERY_DAY });
    // Sunday 2026-09-06 00:00 −04 does not exist; the day opens at 01:00 −03.
    expect(santiago.nextOpening(at('2026-09-06T03:59:00Z')).toISOString()).toBe('2026-09-06T03:59:00.000Z');
    const weekdays = new BusinessCalendar({ timeZone: 'America/Santiago', workingDays: [7] });
    expect(weekdays.nextOpening(at('2026-09-05T15:00:00Z')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('BusinessCalendar durations and pauses', () => {
  const split = new BusinessCalendar(SPLIT_HOURS);

  it('adds open minutes across the lunch break and the weekend', () => {
    expect(split.addBusinessDuration(at('2026-03-02T19:00:00Z'), 120)?.toISOString()).toBe('2026-03-02T22:00:00.000Z');
    expect(split.addBusinessDuration(at('2026-03-07T00:30:00Z'), 60)?.toISOString()).toBe('2026-03-09T16:30:00.000Z');
    expect(split.addBusinessDuration(at('2026-03-02T22:00:00Z'), 60)?.toISOString()).toBe('2026-03-02T23:00:00.000Z');
  });

  it('ends exactly at closing time rather than at the next opening', () => {
    expect(split.addBusinessDuration(at('2026-03-02T23:00:00Z'), 120)?.toISOString()).toBe('2026-03-03T01:00:00.000Z');
  });

  it('counts open time between two instants', () => {
    expect(split.businessTimeBetween(at('2026-03-02T16:00:00Z'), at('2026-03-03T02:00:00Z'))).toBe(420);
    expect(split.businessTimeBetween(at('2026-03-06T16:00:00Z'), at('2026-03-09T20:00:00Z'))).toBe(420 + 180);
    expect(split.businessTimeBetween(at('2026-03-03T02:00:00Z'), at('2026-03-02T16:00:00Z'))).toBe(0);
  });

  it('takes paused time out by recomputing from the start, whatever order the pauses come in', () => {
    const pauses = [
      { from: at('2026-03-02T19:30:00Z'), to: at('2026-03-02T20:30:00Z') },
      { from: at('2026-03-02T17:30:00Z'), to: at('2026-03-02T18:30:00Z') },
    ];
    // 09:00–09:30 and 10:30–11:30 count (90 min); 11:30–12:00 is paused, 12:00–13:00 is lunch; 30 more from 13:00.
    expect(split.addBusinessDuration(at('2026-03-02T17:00:00Z'), 120, pauses)?.toISOString()).toBe(
      '2026-03-02T21:30:00.000Z',
    );
    expect(split.addBusinessDuration(at('2026-03-02T17:00:00Z'), 121, pauses.slice().reverse())?.toISOString()).toBe(
      '2026-03-02T21:31:00.000Z',
    );
    expect(split.businessTimeBetween(at('2026-03-02T16:00:00Z'), at('2026-03-03T02:00:00Z'), pauses)).toBe(
      420 - 60 - 30,
    );
  });

  it('stops the clock during an unended pause', () => {
    expect(
      split.addBusinessDuration(at('2026-03-02T17:00:00Z'), 60, [{ from: at('2026-03-02T17:30:00Z'), to: null }]),
    ).toBeNull();
    expect(
      split
        .addBusinessDuration(at('2026-03-02T17:00:00Z'), 30, [{ from: at('2026-03-02T17:30:00Z'), to: null }])
        ?.toISOString(),
    ).toBe('2026-03-02T17:30:00.000Z');
  });

  it('counts a DST day as 23 or 25 hours of open time', () => {
    const everyDay = new BusinessCalendar({ timeZone: 'Europe/Berlin', workingDays: EVERY_DAY });
    expect(everyDay.businessTimeBetween(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * 60);
    expect(everyDay.businessTimeBetween(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(25 * 60);
  });
});

describe('BusinessCalendar.explain', () => {
  it('explains Wednesday 16:00 + 2 business days over Thanksgiving', () => {
    const calendar = new BusinessCalendar(LA);
    const start = at('2026-11-26T00:00:00Z');
    const deadline = calendar.addBusinessDays(start, 2);
    expect(calendar.explain(start, deadline)).toEqual([
      { from: at('2026-11-26T00:00:00Z'), to: at('2026-11-26T08:00:00Z'), counted: true },
      {
        from: at('2026-11-26T08:00:00Z'),
        to: at('2026-11-27T08:00:00Z'),
        counted: false,
        reason: 'holiday',
        name: 'Thanksgiving Day',
      },
      {
        from: at('2026-11-27T08:00:00Z'),
        to: at('2026-11-28T08:00:00Z'),
        counted: false,
        reason: 'holiday',
        name: 'Day after Thanksgiving Day',
      },
      { from: at('2026-11-28T08:00:00Z'), to: at('2026-11-30T08:00:00Z'), counted: false, reason: 'weekend' },
      { from: at('2026-11-30T08:00:00Z'), to: at('2026-12-02T00:00:00Z'), counted: true },
    ]);
  });

  it('names closures, opening hours and pauses', () => {
    const calendar = new BusinessCalendar({
      ...SPLIT_HOURS,
      closures: [{ name: 'Stocktaking', from: '2026-03-03', to: '2026-03-03' }],
    });
    const segments = calendar.explain(at('2026-03-02T16:00:00Z'), at('2026-03-04T18:00:00Z'), [
      { from: at('2026-03-02T17:30:00Z'), to: at('2026-03-02T18:00:00Z') },
    ]);
    expect(segments).toEqual([
      { from: at('2026-03-02T16:00:00Z'), to: at('2026-03-02T17:00:00Z'), counted: false, reason: 'outside_hours' },
      { from: at('2026-03-02T17:00:00Z'), to: at('2026-03-02T17:30:00Z'), counted: true },
      { from: at('2026-03-02T17:30:00Z'), to: at('2026-03-02T18:00:00Z'), counted: false, reason: 'paused' },
      { from: at('2026-03-02T18:00:00Z'), to: at('2026-03-02T20:00:00Z'), counted: true },
      { from: at('2026-03-02T20:00:00Z'), to: at('2026-03-02T21:00:00Z'), counted: false, reason: 'outside_hours' },
      { from: at('2026-03-02T21:00:00Z'), to: at('2026-03-03T01:00:00Z'), counted: true },
      { from: at('2026-03-03T01:00:00Z'), to: at('2026-03-03T08:00:00Z'), counted: false, reason: 'outside_hours' },
      {
        from: at('2026-03-03T08:00:00Z'),
        to: at('2026-03-04T08:00:00Z'),
        counted: false,
        reason: 'closure',
        name: 'Stocktaking',
      },
      { from: at('2026-03-04T08:00:00Z'), to: at('2026-03-04T17:00:00Z'), counted: false, reason: 'outside_hours' },
      { from: at('2026-03-04T17:00:00Z'), to: at('2026-03-04T18:00:00Z'), counted: true },
    ]);
    const counted = segments
      .filter((s) => s.counted)
      .reduce((sum, s) => sum + (s.to.getTime() - s.from.getTime()) / 60_000, 0);
    expect(counted).toBe(
      calendar.businessTimeBetween(at('2026-03-02T16:00:00Z'), at('2026-03-04T18:00:00Z'), [
        { from: at('2026-03-02T17:30:00Z'), to: at('2026-03-02T18:00:00Z') },
      ]),
    );
  });

  it('is empty for an empty or reversed range', () => {
    expect(new BusinessCalendar(LA).explain(at('2026-03-02T18:00:00Z'), at('2026-03-02T18:00:00Z'))).toEqual([]);
  });
});

describe('BusinessCalendar definitions', () => {
  it.each<[string, CalendarDefinition]>([
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
    ['no working day', { timeZone: 'UTC', workingDays: [] }],
    ['a weekday 8', { timeZone: 'UTC', workingDays: [8] }],
    ['malformed hours', { timeZone: 'UTC', openingHours: { mon: ['9-5'] } }],
    ['hours that end before they start', { timeZone: 'UTC', openingHours: { mon: ['17:00-09:00'] } }],
    ['overlapping hours', { timeZone: 'UTC', openingHours: { mon: ['09:00-13:00', '12:00-17:00'] } }],
    [
      'a closure that ends before it starts',
      { timeZone: 'UTC', closures: [{ name: 'x', from: '2026-03-05', to: '2026-03-04' }] },
    ],
    ['a closure on 2026-02-30', { timeZone: 'UTC', closures: [{ name: 'x', from: '2026-02-30', to: '2026-03-04' }] }],
  ])('refuses %s', (_, definition) => {
    expect(() => new BusinessCalendar(definition)).toThrow(RangeError);
  });

  it('treats a working day without opening hours as closed', () => {
    const calendar = new BusinessCalendar({ timeZone: 'UTC', openingHours: { mon: ['09:00-17:00'] } });
    expect(calendar.addBusinessDays(at('2026-03-02T10:00:00Z'), 1).toISOString()).toBe('2026-03-09T10:00:00.000Z');
    expect(calendar.explain(at('2026-03-03T00:00:00Z'), at('2026-03-04T00:00:00Z'))).toEqual([
      { from: at('2026-03-03T00:00:00Z'), to: at('2026-03-04T00:00:00Z'), counted: false, reason: 'outside_hours' },
    ]);
  });
});
