import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { WebhookDispatcherService } from './webhook-dispatcher.service.js';

/** Every five seconds: fan new events out to endpoints and send what is due. */
@Job({ name: 'webhook-dispatch', cron: '*/5 * * * * *' })
@Injectable()
export class WebhookDispatchJob {
  constructor(private readonly dispatcher: WebhookDispatcherService) {}

  async run(): Promise<JobResult> {
    return { ...(await this.dispatcher.dispatch()) };
  }
}
