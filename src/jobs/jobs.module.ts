import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry.js';
import { JobsController } from './jobs.controller.js';
import { JobStatementTimeout } from './statement-timeout.js';

@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [JobsController],
  providers: [JobRegistry, JobStatementTimeout],
  exports: [JobRegistry],
})
export class JobsModule {}
