import { AttachmentsModule } from '../attachments/attachments.module.js';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SupportModule } from '../support/support.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ClaimEventsService } from './claim-events.service.js';
import { ClaimPolicies } from './claim-policies.js';
import { ClaimQueriesService } from './claim-queries.service.js';
import { Claim, ClaimEvent, ClaimMessage } from './claim.entity.js';
import { ClaimsController, EscalationClaimsController } from './claims.controller.js';
import { ClaimsService } from './claims.service.js';
import { ClaimsSweepJob } from './claims-sweep.job.js';
import { ClaimsSweepService } from './claims-sweep.service.js';

/** Buyer-protection claims: eligibility, the workflow, its sweep. */
@Module({
  imports: [TypeOrmModule.forFeature([Claim, ClaimMessage, ClaimEvent]), CalendarModule, CasesModule, SupportModule, NotificationsModule, WebhooksModule, AttachmentsModule],
  controllers: [ClaimsController, EscalationClaimsController],
  providers: [ClaimsService, ClaimQueriesService, ClaimEventsService, ClaimPolicies, ClaimsSweepService, ClaimsSweepJob],
  exports: [ClaimsService, ClaimQueriesService],
})
export class ClaimsModule {}
