import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { SlaSweepService } from './sla-sweep.service.js';

/** Every minute: reply-window levels (at risk, late, escalated), exactly once per cycle and level. */
@Job({ name: 'sla-sweep', cron: '0 * * * * *' })
@Injectable()
export class SlaSweepJob {
  constructor(private readonly sweeper: SlaSweepService) {}

  async run(): Promise<JobResult> {
    const { atRisk, late, escalated, failed } = await this.sweeper.sweep();
    return { atRisk, late, escalated, failed };
  }
}
