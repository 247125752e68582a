import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SupportQueueService } from './support-queue.service.js';

/** Every five minutes: escalations past their support deadline become urgent. */
@Job({ name: 'support-sweep', cron: '30 */5 * * * *' })
@Injectable()
export class SupportSweepJob {
  constructor(
    private readonly queue: SupportQueueService,
    private readonly metrics: MetricsService,
  ) {}

  async run(): Promise<JobResult> {
    const raised = await this.queue.raiseOverdue();
    this.metrics.supportSweepRaised.inc(raised);
    return { raised };
  }
}
