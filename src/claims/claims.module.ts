import { AttachmentsModule } from '../attachments/attachments.module.js';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { EscalationsModule } from '../escalations/escalations.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ClaimEventsService } from './claim-events.service.js';
import { ClaimPolicies } from './claim-policies.js';
import { ClaimQueriesService } from './claim-queries.service.js';
import { Claim, ClaimEvent } from './claim.entity.js';
import { ClaimMessage } from '../conversations/message.entity.js';
import { ClaimsController, EscalationClaimsController } from './claims.controller.js';
import { ClaimsService } from './claims.service.js';
import { ClaimsSweepJob } from './claims-sweep.job.js';
import { ClaimsSweepService } from './claims-sweep.service.js';
import { ClaimAgentSteps } from './claim-agent-steps.service.js';
import { ClaimAppealSteps } from './claim-appeal.service.js';
import { ClaimDeadlines } from './claim-deadlines.js';
import { ClaimFilingService } from './claim-filing.service.js';
import { ClaimMessages } from './claim-messages.service.js';
import { ClaimSellerSteps } from './claim-seller-steps.service.js';
import { ClaimWorkflow } from './claim-workflow.js';
import { ConversationsModule } from '../conversations/conversations.module.js';

/** Buyer-protection claims: eligibility, the workflow, its sweep. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Claim, ClaimMessage, ClaimEvent]),
    CalendarModule,
    CasesModule,
    ConversationsModule,
    EscalationsModule,
    NotificationsModule,
    WebhooksModule,
    AttachmentsModule,
  ],
  controllers: [ClaimsController, EscalationClaimsController],
  providers: [
    ClaimsService,
    ClaimWorkflow,
    ClaimFilingService,
    ClaimSellerSteps,
    ClaimAgentSteps,
    ClaimAppealSteps,
    ClaimMessages,
    ClaimDeadlines,
    ClaimQueriesService,
    ClaimEventsService,
    ClaimPolicies,
    ClaimsSweepService,
    ClaimsSweepJob,
  ],
  exports: [ClaimsService, ClaimQueriesService],
})
export class ClaimsModule {}
