import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { InboxService } from './inbox.service.js';

/** Hourly: items in Trash for more than 30 days are deleted for good. */
@Job({ name: 'inbox-purge', cron: '0 15 * * * *' })
@Injectable()
export class InboxPurgeJob {
  constructor(private readonly inbox: InboxService) {}

  async run(): Promise<JobResult> {
    return { purged: await this.inbox.purge() };
  }
}
