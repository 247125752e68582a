import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry, JobResult, ScheduledJob } from '../jobs/job-registry.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SupportQueueService } from './support-queue.service.js';

/** Every five minutes: escalations past their support deadline become urgent. */
@Injectable()
export class SupportSweepJob implements ScheduledJob, OnModuleInit {
  readonly name = 'support-sweep';
  readonly cron = '30 */5 * * * *';

  constructor(
    private readonly registry: JobRegistry,
    private readonly queue: SupportQueueService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async run(): Promise<JobResult> {
    const raised = await this.queue.raiseOverdue();
    this.metrics.supportSweepRaised.inc(raised);
    return { raised };
  }
}
