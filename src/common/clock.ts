/**
 * The source of "now" for everything in Parley that reads time. Injected by
 * this class; asynchronous because the simulated clock lives in the database,
 * shared by every instance.
 */
export abstract class Clock {
  abstract now(): Promise<Date>;
}

export class SystemClock extends Clock {
  async now(): Promise<Date> {
    return new Date();
  }
}
