import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { OutboxDispatcherService } from './outbox-dispatcher.service.js';

/** Every five seconds: send what the outbox holds. */
@Job({ name: 'outbox-dispatch', cron: '*/5 * * * * *' })
@Injectable()
export class OutboxDispatchJob {
  constructor(private readonly dispatcher: OutboxDispatcherService) {}

  async run(): Promise<JobResult> {
    return { ...(await this.dispatcher.dispatch()) };
  }
}
