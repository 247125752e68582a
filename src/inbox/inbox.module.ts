import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ClaimsModule } from '../claims/claims.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { EscalationsModule } from '../escalations/escalations.module.js';
import { InboxController, ReportsController } from './inbox.controller.js';
import { InboxReportsService } from './inbox-reports.service.js';
import { InboxStreamService } from './inbox-stream.service.js';
import { InboxPurgeJob } from './inbox-purge.job.js';
import { InboxService } from './inbox.service.js';

/** The Message Center: every user's items, counts, bulk actions, Trash, phishing reports. */
@Module({
  imports: [CasesModule, ClaimsModule, EscalationsModule, AttachmentsModule, NotificationsModule],
  controllers: [InboxController, ReportsController],
  providers: [InboxService, InboxReportsService, InboxStreamService, InboxPurgeJob],
  exports: [InboxService, InboxReportsService, InboxStreamService],
})
export class InboxModule {}
