import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EscalationsModule } from '../escalations/escalations.module.js';
import { TimelineModule } from '../timeline/timeline.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { CaseRecord, ReplyCycle } from './case.entity.js';
import { Message } from '../conversations/message.entity.js';
import { CaseQueriesService } from './case-queries.service.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { CaseMessages } from './case-messages.service.js';
import { CaseHandovers } from './case-handovers.service.js';
import { ReplyCyclesService } from './reply-cycles.service.js';
import { CloseResolvedCasesJob } from './close-resolved.job.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([CaseRecord, ReplyCycle, Message]),
    CalendarModule,
    OrdersModule,
    EscalationsModule,
    ConversationsModule,
    SlaModule,
    TimelineModule,
    NotificationsModule,
    WebhooksModule,
    AttachmentsModule,
  ],
  controllers: [CasesController],
  providers: [CasesService, CaseMessages, CaseHandovers, CaseQueriesService, ReplyCyclesService, CloseResolvedCasesJob],
  exports: [CasesService, CaseHandovers, CaseQueriesService],
})
export class CasesModule {}
