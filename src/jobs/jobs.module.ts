import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry.js';
import { JobsController } from './jobs.controller.js';

@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [JobsController],
  providers: [JobRegistry],
  exports: [JobRegistry],
})
export class JobsModule {}
