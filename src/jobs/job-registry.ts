import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CronJob } from 'cron';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { withoutStatementTimeout } from './statement-timeout.js';

export type JobResult = Record<string, string | number | boolean | null>;

/** A unit of scheduled work: runs on its cron and on POST /admin/jobs/:name/run. */
export interface ScheduledJob {
  readonly name: string;
  /** Six-field cron expression (seconds first). */
  readonly cron: string;
  run(): Promise<JobResult>;
}

const JOB = 'parley:job';

/** Marks a provider with a `run()` method as a scheduled job; the registry finds it at start-up. */
export const Job = (schedule: { name: string; cron: string }) => SetMetadata(JOB, schedule);

interface Runnable {
  run(): Promise<JobResult>;
}

/**
 * Knows every scheduled job: the providers marked with @Job(), found when the
 * application starts. It puts them on their crons unless SCHEDULER_ENABLED is
 * false, and skips a tick while the previous run of the same job is still going.
 * Jobs, on a cron or on request, run without the statement timeout that
 * bounds requests (STATEMENT_TIMEOUT_MS): a sweep or a purge may take longer.
 */
@Injectable()
export class JobRegistry implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly jobs = new Map<string, ScheduledJob>();
  private readonly running = new Set<string>();
  private readonly timers = new Map<string, CronJob>();

  constructor(
    private readonly config: AppConfig,
    private readonly discovery?: DiscoveryService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery?.getProviders() ?? []) {
      const schedule =
        wrapper.metatype && (Reflect.getMetadata(JOB, wrapper.metatype) as { name: string; cron: string } | undefined);
      const instance = wrapper.instance as Runnable | undefined;
      if (schedule && instance) this.register({ ...schedule, run: () => instance.run() });
    }
  }

  register(job: ScheduledJob): void {
    if (this.jobs.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  async run(name: string): Promise<JobResult & { job: string }> {
    const job = this.jobs.get(name);
    if (!job) throw DomainError.notFound(`Job ${name}`);
    const result = await withoutStatementTimeout(() => job.run());
    return { job: name, ...result };
  }

  onApplicationBootstrap(): void {
    if (!this.config.env.SCHEDULER_ENABLED) {
      this.logger.log('Scheduler disabled on this instance (SCHEDULER_ENABLED=false)');
      return;
    }
    for (const job of this.jobs.values()) {
      this.timers.set(job.name, CronJob.from({ cronTime: job.cron, onTick: () => this.tick(job), start: true }));
    }
  }

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) void timer.stop();
    this.timers.clear();
  }

  /** The jobs on a cron on this instance, with their next run. */
  scheduled(): { job: string; next: Date }[] {
    return [...this.timers].map(([job, timer]) => ({ job, next: timer.nextDate().toJSDate() }));
  }

  private async tick(job: ScheduledJob): Promise<void> {
    if (this.running.has(job.name)) return;
    this.running.add(job.name);
    try {
      const result = await withoutStatementTimeout(() => job.run());
      this.logger.debug({ job: job.name, ...result });
    } catch (error) {
      this.logger.error({ job: job.name, err: error }, `Job ${job.name} failed`);
    } finally {
      this.running.delete(job.name);
    }
  }
}
