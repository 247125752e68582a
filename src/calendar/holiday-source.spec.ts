import { holidayCacheSize, publicHolidays } from './holiday-source.js';

describe('publicHolidays', () => {
  it('lists the public holidays of US-CA in 2026, with observed days', () => {
    expect(publicHolidays('US', 'CA', 2026).map((h) => `${h.date} ${h.name}`)).toEqual([
      "2026-01-01 New Year's Day",
      '2026-01-19 Martin Luther King Jr. Day',
      "2026-02-16 Presidents' Day",
      '2026-03-31 César Chávez Day',
      '2026-05-25 Memorial Day',
      '2026-06-19 Juneteenth',
      '2026-07-03 Independence Day (substitute day)',
      '2026-07-04 Independence Day',
      '2026-09-07 Labor Day',
      '2026-11-11 Veterans Day',
      '2026-11-26 Thanksgiving Day',
      '2026-11-27 Day after Thanksgiving Day',
      '2026-12-25 Christmas Day',
    ]);
  });

  it('lists the public holidays of DE-BY in 2026 in English, and not the observances', () => {
    const dates = publicHolidays('DE', 'BY', 2026).map((h) => h.date);
    expect(dates).toEqual([
      '2026-01-01',
      '2026-01-06',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-05-14',
      '2026-05-25',
      '2026-06-04',
      '2026-10-03',
      '2026-11-01',
      '2026-12-25',
      '2026-12-26',
    ]);
    expect(publicHolidays('DE', 'BY', 2026)[2].name).toBe('Good Friday');
    // Christmas Eve and New Year's Eve are observances in Germany, not public holidays.
    expect(dates).not.toContain('2026-12-24');
    expect(dates).not.toContain('2026-12-31');
  });

  it('takes the local date from a date field that carries an offset (AE, Eid al-Fitr)', () => {
    expect(publicHolidays('AE', null, 2026).map((h) => h.date)).toContain('2026-03-20');
  });
});

describe('the holiday cache', () => {
  it('computes nothing outside the covered years, so odd years cannot grow it', () => {
    const before = holidayCacheSize().years;
    expect(publicHolidays('US', 'CA', 9999)).toEqual([]);
    expect(publicHolidays('US', 'CA', 1066)).toEqual([]);
    expect(holidayCacheSize().years).toBe(before);
  });
});
