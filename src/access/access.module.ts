import { Global, Module } from '@nestjs/common';
import { AccessService } from './access.service.js';

/** Visibility and permissions, asked first by every service. */
@Global()
@Module({
  providers: [AccessService],
  exports: [AccessService],
})
export class AccessModule {}
