import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { LAST_YEAR } from '../calendar/holiday-source.js';

/** Calendars, holidays and deadlines cover the years up to LAST_YEAR: the clock stays before its end. */
const END_OF_TIME = new Date(Date.UTC(LAST_YEAR + 1, 0, 1));

/**
 * A clock that stands still until an admin moves it forward, like Stripe's
 * test clocks. Its time is one row in the database, so every instance reads
 * the same "now".
 */
export class SimulatedClock extends Clock {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Creates the clock row on first start; an existing clock keeps its time. */
  static async initialise(db: DataSource, start: Date): Promise<void> {
    await db.query('INSERT INTO simulated_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [start]);
  }

  async now(): Promise<Date> {
    const rows: { now: Date }[] = await this.db.query('SELECT now FROM simulated_clock WHERE id = 1');
    if (rows.length === 0) throw new Error('The simulated clock has not been initialised (CLOCK_MODE=simulated)');
    return rows[0].now;
  }

  // TypeORM returns [rows, count] for UPDATE ... RETURNING; a SELECT over the CTE returns plain rows.

  /** Moves time to `to`; refuses to move it backwards, or past the years calendars cover. */
  async advanceTo(to: Date, field: string): Promise<Date> {
    if (!(to < END_OF_TIME)) throw DomainError.invalid(field, `${field} must fall in the years up to ${LAST_YEAR}`);
    const rows: { now: Date }[] = await this.db.query(
      'WITH moved AS (UPDATE simulated_clock SET now = $1 WHERE id = 1 AND now <= $1 RETURNING now) SELECT now FROM moved',
      [to],
    );
    if (rows.length === 0) {
      const current = await this.now();
      throw DomainError.invalid(
        field,
        `the simulated clock never moves backwards; it is already ${current.toISOString()}`,
      );
    }
    return rows[0].now;
  }

  /** Moves time forward; refuses to move it past the years calendars cover (the last instant of LAST_YEAR). */
  async advanceBy(seconds: number, field: string): Promise<Date> {
    const rows: { now: Date }[] = await this.db.query(
      'WITH moved AS (UPDATE simulated_clock SET now = now + make_interval(secs => $1) WHERE id = 1 AND now + make_interval(secs => $1) < $2 RETURNING now) SELECT now FROM moved',
      [seconds, END_OF_TIME],
    );
    if (rows.length === 0) {
      const current = await this.now();
      throw DomainError.invalid(
        field,
        `${field} would move the simulated clock past the end of ${LAST_YEAR}; it is ${current.toISOString()}`,
      );
    }
    return rows[0].now;
  }
}
