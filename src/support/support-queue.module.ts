import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TimelineModule } from '../timeline/timeline.module.js';
import { SupportModule } from './support.module.js';
import { SupportController } from './support.controller.js';
import { SupportQueueService } from './support-queue.service.js';
import { SupportSweepJob } from './support-sweep.job.js';

/** The agents' side of support; escalations are opened through SupportModule. */
@Module({
  imports: [CasesModule, SupportModule, TimelineModule, NotificationsModule],
  controllers: [SupportController],
  providers: [SupportQueueService, SupportSweepJob],
  exports: [SupportQueueService],
})
export class SupportQueueModule {}
