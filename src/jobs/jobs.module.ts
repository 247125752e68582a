import { Global, Module } from '@nestjs/common';
import { JobRegistry } from './job-registry.js';
import { JobsController } from './jobs.controller.js';
import { NoopJob } from './noop.job.js';

@Global()
@Module({
  controllers: [JobsController],
  providers: [JobRegistry, NoopJob],
  exports: [JobRegistry],
})
export class JobsModule {}
