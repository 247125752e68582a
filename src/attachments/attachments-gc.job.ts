import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { AttachmentsService } from './attachments.service.js';

/** Hourly: stored files that no message came to own (a crash between storing and committing) are removed. */
@Job({ name: 'attachments-gc', cron: '0 45 * * * *' })
@Injectable()
export class AttachmentsGcJob {
  constructor(private readonly attachments: AttachmentsService) {}

  async run(): Promise<JobResult> {
    return { removed: await this.attachments.collectGarbage() };
  }
}
