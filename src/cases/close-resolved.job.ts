import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry, JobResult, ScheduledJob } from '../jobs/job-registry.js';
import { CasesService } from './cases.service.js';

/** Hourly: resolved cases close after the policy's days of silence. */
@Injectable()
export class CloseResolvedCasesJob implements ScheduledJob, OnModuleInit {
  readonly name = 'close-resolved-cases';
  readonly cron = '0 5 * * * *';

  constructor(
    private readonly registry: JobRegistry,
    private readonly cases: CasesService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async run(): Promise<JobResult> {
    return { closed: await this.cases.closeResolved() };
  }
}
