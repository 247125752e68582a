import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SharedLimits } from '../common/shared-limits.js';
import { Job, JobResult } from '../jobs/job-registry.js';
import { PURGE_REVOKED_TOKENS } from './auth.queries.js';

/** Hourly: revoked token ids past their expiry and rate-limit windows that ended are dropped. */
@Job({ name: 'session-purge', cron: '0 17 * * * *' })
@Injectable()
export class SessionPurgeJob {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly limits: SharedLimits,
  ) {}

  async run(): Promise<JobResult> {
    const tokens: unknown[] = await this.db.query(PURGE_REVOKED_TOKENS);
    return { revokedTokens: tokens.length, limitWindows: await this.limits.purge() };
  }
}
