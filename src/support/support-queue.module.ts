import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TimelineModule } from '../timeline/timeline.module.js';
import { EscalationsModule } from '../escalations/escalations.module.js';
import { SupportController } from './support.controller.js';
import { SupportContextService } from './support-context.service.js';
import { SupportQueueService } from './support-queue.service.js';
import { SupportSweepJob } from './support-sweep.job.js';

/** The agents' side of support; escalations are opened through EscalationsModule. */
@Module({
  imports: [CasesModule, EscalationsModule, TimelineModule, NotificationsModule],
  controllers: [SupportController],
  providers: [SupportQueueService, SupportContextService, SupportSweepJob],
  exports: [SupportQueueService, SupportContextService],
})
export class SupportQueueModule {}
