import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry, JobResult, ScheduledJob } from '../jobs/job-registry.js';
import { SlaSweepService } from './sla-sweep.service.js';

/** Every minute: reply-window levels (at risk, late, escalated), exactly once per cycle and level. */
@Injectable()
export class SlaSweepJob implements ScheduledJob, OnModuleInit {
  readonly name = 'sla-sweep';
  readonly cron = '0 * * * * *';

  constructor(
    private readonly registry: JobRegistry,
    private readonly sweeper: SlaSweepService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async run(): Promise<JobResult> {
    const { atRisk, late, escalated, failed } = await this.sweeper.sweep();
    return { atRisk, late, escalated, failed };
  }
}
