import { Clock } from '../../src/common/clock.js';

/** A clock that tests set and move by hand. */
export class ManualClock extends Clock {
  constructor(private current: Date = new Date('2026-03-02T18:00:00Z')) {
    super();
  }

  async now(): Promise<Date> {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
