import { isKnownCountry, isKnownTimeZone } from '../../lib/regions.js';
import { HOLIDAY_COUNTRY_CHOICES, TIME_ZONE_CHOICES } from './region-choices.js';

describe('the time zones and countries a form offers', () => {
  it('offers only zones the API accepts, and no invented one', () => {
    expect(TIME_ZONE_CHOICES).toEqual(expect.arrayContaining(['UTC', 'Europe/Berlin', 'America/Los_Angeles']));
    expect(TIME_ZONE_CHOICES).not.toContain('Europe/Munich');
    expect(TIME_ZONE_CHOICES.filter((zone) => !isKnownTimeZone(zone))).toEqual([]);
    expect(new Set(TIME_ZONE_CHOICES).size).toBe(TIME_ZONE_CHOICES.length);
  });

  it('offers every country with holiday data by its English name, sorted, each one the API accepts', () => {
    expect(HOLIDAY_COUNTRY_CHOICES).toContainEqual({ code: 'DE', name: 'Germany' });
    expect(HOLIDAY_COUNTRY_CHOICES).toContainEqual({ code: 'US', name: 'United States' });
    expect(HOLIDAY_COUNTRY_CHOICES.filter((country) => !isKnownCountry(country.code))).toEqual([]);
    const names = HOLIDAY_COUNTRY_CHOICES.map((country) => country.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
