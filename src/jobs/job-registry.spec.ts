import { Logger } from '@nestjs/common';
import { loadEnvironment } from '../../config/environment.js';
import { AppConfig } from '../../config/app-config.js';
import { JobRegistry, ScheduledJob } from './job-registry.js';

const configWith = (scheduler: string) =>
  new AppConfig(loadEnvironment({ SCHEDULER_ENABLED: scheduler }), 'postgres://unused', 'x'.repeat(32), false);

class CountingJob implements ScheduledJob {
  readonly name = 'counting';
  readonly cron = '0 0 * * * *';
  runs = 0;
  async run() {
    this.runs += 1;
    return { runs: this.runs };
  }
}

describe('JobRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs a job on request and reports what it returned', async () => {
    const registry = new JobRegistry(configWith('false'));
    const job = new CountingJob();
    registry.register(job);
    await expect(registry.run('counting')).resolves.toEqual({ job: 'counting', runs: 1 });
    expect(job.runs).toBe(1);
  });

  it('refuses an unknown job and a job registered twice', async () => {
    const registry = new JobRegistry(configWith('false'));
    registry.register(new CountingJob());
    expect(() => registry.register(new CountingJob())).toThrow(/twice/);
    await expect(registry.run('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('puts jobs on their crons only when the scheduler is enabled', () => {
    const off = new JobRegistry(configWith('false'));
    off.register(new CountingJob());
    off.onApplicationBootstrap();
    expect(off.scheduled()).toEqual([]);

    const on = new JobRegistry(configWith('true'));
    on.register(new CountingJob());
    on.onApplicationBootstrap();
    expect(on.scheduled()).toEqual([{ job: 'counting', next: expect.any(Date) }]);
    on.onModuleDestroy();
    expect(on.scheduled()).toEqual([]);
  });
});
