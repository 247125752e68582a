import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry, JobResult, ScheduledJob } from '../jobs/job-registry.js';
import { OutboxDispatcherService } from './outbox-dispatcher.service.js';

/** Every five seconds: send what the outbox holds. */
@Injectable()
export class OutboxDispatchJob implements ScheduledJob, OnModuleInit {
  readonly name = 'outbox-dispatch';
  readonly cron = '*/5 * * * * *';

  constructor(
    private readonly registry: JobRegistry,
    private readonly dispatcher: OutboxDispatcherService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async run(): Promise<JobResult> {
    return { ...(await this.dispatcher.dispatch()) };
  }
}
