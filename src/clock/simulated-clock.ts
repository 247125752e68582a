import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';

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

  /** Moves time to `to`; refuses to move it backwards. */
  async advanceTo(to: Date, field: string): Promise<Date> {
    const rows: { now: Date }[] = await this.db.query('WITH moved AS (UPDATE simulated_clock SET now = $1 WHERE id = 1 AND now <= $1 RETURNING now) SELECT now FROM moved', [to]);
    if (rows.length === 0) {
      const current = await this.now();
      throw DomainError.invalid(field, `the simulated clock never moves backwards; it is already ${current.toISOString()}`);
    }
    return rows[0].now;
  }

  async advanceBy(seconds: number): Promise<Date> {
    const rows: { now: Date }[] = await this.db.query(
      'WITH moved AS (UPDATE simulated_clock SET now = now + make_interval(secs => $1) WHERE id = 1 RETURNING now) SELECT now FROM moved',
      [seconds],
    );
    if (rows.length === 0) throw new Error('The simulated clock has not been initialised (CLOCK_MODE=simulated)');
    return rows[0].now;
  }
}
