import { runCalendarBench } from '../bench/calendar-bench.js';

// Short runs of each benchmark, so that `npm run bench:*` cannot rot unnoticed; the figures themselves come from the full runs.
describe('benchmark smoke runs', () => {
  it('bench:calendar measures both sides over the same starts', () => {
    const result = runCalendarBench(20_000, 1);
    expect(result.starts).toBe(20_000);
    expect(result.parleyOpsPerSecond).toBeGreaterThan(0);
    expect(result.dateFnsOpsPerSecond).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.parleyOpsPerSecond / result.dateFnsOpsPerSecond);
    expect(result.bytesPerCalendar).toBeGreaterThan(0);
    expect(Number.isFinite(result.buildMs)).toBe(true);
  });
});
