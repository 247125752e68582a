import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { CasesService } from './cases.service.js';

/** Hourly: resolved cases close after the policy's days of silence. */
@Job({ name: 'close-resolved-cases', cron: '0 5 * * * *' })
@Injectable()
export class CloseResolvedCasesJob {
  constructor(private readonly cases: CasesService) {}

  async run(): Promise<JobResult> {
    return { closed: await this.cases.closeResolved() };
  }
}
