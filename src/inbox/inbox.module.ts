import { Module } from '@nestjs/common';
import { InboxController } from './inbox.controller.js';
import { InboxPurgeJob } from './inbox-purge.job.js';
import { InboxService } from './inbox.service.js';

/** The Message Center: every user's items, counts, bulk actions, Trash. */
@Module({
  controllers: [InboxController],
  providers: [InboxService, InboxPurgeJob],
  exports: [InboxService],
})
export class InboxModule {}
