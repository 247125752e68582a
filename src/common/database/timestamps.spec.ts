import fc from 'fast-check';
import pg from 'pg';
import { parseTimestamptz, POOL_TYPES } from './timestamps.js';

const standard = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;
const same = (text: string) => {
  const ours = parseTimestamptz(text);
  const theirs = standard(text);
  expect(ours instanceof Date ? ours.getTime() : ours).toEqual(theirs instanceof Date ? theirs.getTime() : theirs);
};

describe('parseTimestamptz', () => {
  it('reads what a UTC session sends, with 0 to 6 fraction digits, exactly as pg does', () => {
    expect((parseTimestamptz('2026-12-04 09:22:32.250182+00') as Date).toISOString()).toBe('2026-12-04T09:22:32.250Z');
    expect((parseTimestamptz('2026-02-28 23:59:59+00') as Date).toISOString()).toBe('2026-02-28T23:59:59.000Z');
    for (const fraction of ['', '.1', '.12', '.123', '.1234', '.12345', '.999999', '.000001'])
      same(`2024-02-29 00:00:00${fraction}+00`);
  });

  it('agrees with pg on 10,000 random instants', () => {
    // fast-check prints the seed and the instant of a failure, so it can be run again.
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 7e12 - 1 }), fc.integer({ min: 0, max: 999_999 }), (ms, fraction) => {
        const seconds = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
        const micros = String(fraction).padStart(6, '0').replace(/0+$/, '');
        same(`${seconds}${micros ? `.${micros}` : ''}+00`);
      }),
      { numRuns: 10_000 },
    );
  });

  it('leaves everything else to pg: other offsets, BC, infinity, early and late years, malformed text', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '2026-12-04 09:22:32.25+05:30',
      '2026-12-04 09:22:32-08',
      '0044-03-15 12:00:00+00 BC',
      '0050-01-01 00:00:00+00',
      '12026-01-01 00:00:00+00',
      '2026-12-04 09:22:32.+00',
      '2026-12-04 09:22:32.1234567+00',
      '2026-1x-04 09:22:32+00',
    ])
      same(text);
  });

  it('is the pool’s timestamptz parser, and only that', () => {
    expect(POOL_TYPES.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
    expect(POOL_TYPES.getTypeParser(1082, 'text')).toBe(pg.types.getTypeParser(1082, 'text'));
    expect(POOL_TYPES.getTypeParser(1184, 'binary')).toBe(pg.types.getTypeParser(1184, 'binary'));
  });
});
