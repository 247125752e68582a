import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { SupportModule } from '../support/support.module.js';
import { TimelineModule } from '../timeline/timeline.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { CaseRecord, Message, ReplyCycle } from './case.entity.js';
import { CaseQueriesService } from './case-queries.service.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { ReplyCyclesService } from './reply-cycles.service.js';
import { CloseResolvedCasesJob } from './close-resolved.job.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([CaseRecord, ReplyCycle, Message]),
    CalendarModule,
    OrdersModule,
    SupportModule,
    SlaModule,
    TimelineModule,
    NotificationsModule,
    WebhooksModule,
    AttachmentsModule,
  ],
  controllers: [CasesController],
  providers: [CasesService, CaseQueriesService, ReplyCyclesService, CloseResolvedCasesJob],
  exports: [CasesService, CaseQueriesService],
})
export class CasesModule {}
