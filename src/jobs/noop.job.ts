import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry, JobResult, ScheduledJob } from './job-registry.js';

/** Does nothing, hourly: proves the scheduler and the run endpoint end to end. */
@Injectable()
export class NoopJob implements ScheduledJob, OnModuleInit {
  readonly name = 'noop';
  readonly cron = '0 0 * * * *';

  constructor(private readonly registry: JobRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async run(): Promise<JobResult> {
    return { ok: true };
  }
}
