import { Injectable } from '@nestjs/common';
import { Job, JobResult } from './job-registry.js';

/** Does nothing, hourly: proves the scheduler and the run endpoint end to end. */
@Job({ name: 'noop', cron: '0 0 * * * *' })
@Injectable()
export class NoopJob {
  async run(): Promise<JobResult> {
    return { ok: true };
  }
}
