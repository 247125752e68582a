import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry.js';
import { JobsController } from './jobs.controller.js';
import { NoopJob } from './noop.job.js';

@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [JobsController],
  providers: [JobRegistry, NoopJob],
  exports: [JobRegistry],
})
export class JobsModule {}
