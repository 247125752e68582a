import { Injectable } from '@nestjs/common';
import { Job, JobResult } from '../jobs/job-registry.js';
import { ClaimsSweepService } from './claims-sweep.service.js';

/** Every minute: passed claim deadlines (seller response, info request, appeal window), exactly once each. */
@Job({ name: 'claims-sweep', cron: '30 * * * * *' })
@Injectable()
export class ClaimsSweepJob {
  constructor(private readonly sweeper: ClaimsSweepService) {}

  async run(): Promise<JobResult> {
    const { sellerResponse, infoRequest, appealWindow, failed } = await this.sweeper.sweep();
    return { sellerResponse, infoRequest, appealWindow, failed };
  }
}
