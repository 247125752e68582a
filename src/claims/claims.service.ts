import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Upload } from '../attachments/uploads.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { Actor } from '../timeline/timeline.js';
import { ClaimAgentSteps } from './claim-agent-steps.service.js';
import { ClaimAppealSteps } from './claim-appeal.service.js';
import { ClaimFilingService } from './claim-filing.service.js';
import { ClaimMessages } from './claim-messages.service.js';
import { ClaimSellerSteps } from './claim-seller-steps.service.js';
import type {
  BodyDto,
  ClaimMessageDto,
  ClaimMessageView,
  ClaimView,
  DecideAppealDto,
  DecideDto,
  EligibilityView,
  FileClaimDto,
  FileForBuyerDto,
  RefundDto,
  RequestInfoDto,
} from './claims.dto.js';

/**
 * Buyer-protection claims (docs/claims.md): every command of the workflow
 * in one list, for the API, the portal and the Message Center's reports.
 * Each is the step of the file named after who takes it: claim-filing
 * (eligibility, filing, withdrawing), claim-seller-steps, claim-agent-steps,
 * claim-appeal and claim-messages; the sweep's rules are claim-deadlines.
 * What the steps share (taking the claim, the state machine, messages
 * through the conversation core, writing it all as one statement) is
 * ClaimWorkflow.
 */
@Injectable()
export class ClaimsService {
  constructor(
    private readonly filing: ClaimFilingService,
    private readonly seller: ClaimSellerSteps,
    private readonly agent: ClaimAgentSteps,
    private readonly appeals: ClaimAppealSteps,
    private readonly messages: ClaimMessages,
  ) {}

  eligibilityFor(caller: Caller, orderId: string): Promise<EligibilityView> {
    return this.filing.eligibilityFor(caller, orderId);
  }

  eligibilityForOrders(caller: Caller, orderIds: string[]): Promise<EligibilityView[]> {
    return this.filing.eligibilityForOrders(caller, orderIds);
  }

  file(
    caller: Caller,
    dto: FileClaimDto,
    idempotencyKey: string | undefined,
  ): Promise<{ view: ClaimView; replayed: boolean }> {
    return this.filing.file(caller, dto, idempotencyKey);
  }

  fileForBuyer(caller: Caller, escalationId: string, dto: FileForBuyerDto): Promise<ClaimView> {
    return this.filing.fileForBuyer(caller, escalationId, dto);
  }

  withdraw(caller: Caller, claimId: string): Promise<ClaimView> {
    return this.filing.withdraw(caller, claimId);
  }

  postMessage(
    caller: Caller,
    claimId: string,
    dto: ClaimMessageDto,
    uploads: Upload[] = [],
  ): Promise<ClaimMessageView> {
    return this.messages.post(caller, claimId, dto, uploads);
  }

  respond(caller: Caller, claimId: string, dto: BodyDto): Promise<ClaimView> {
    return this.seller.respond(caller, claimId, dto);
  }

  refund(caller: Caller, claimId: string, dto: RefundDto): Promise<ClaimView> {
    return this.seller.refund(caller, claimId, dto);
  }

  requestInfo(caller: Caller, claimId: string, dto: RequestInfoDto): Promise<ClaimView> {
    return this.agent.requestInfo(caller, claimId, dto);
  }

  decide(caller: Caller, claimId: string, dto: DecideDto): Promise<ClaimView> {
    return this.agent.decide(caller, claimId, dto);
  }

  appeal(caller: Caller, claimId: string, dto: BodyDto): Promise<ClaimView> {
    return this.appeals.appeal(caller, claimId, dto);
  }

  decideAppeal(caller: Caller, claimId: string, dto: DecideAppealDto): Promise<ClaimView> {
    return this.appeals.decideAppeal(caller, claimId, dto);
  }

  quarantineReported(
    tx: EntityManager,
    claimMessageId: string,
    agent: Actor,
    reportId: string,
    now: Date,
  ): Promise<boolean> {
    return this.messages.quarantineReported(tx, claimMessageId, agent, reportId, now);
  }
}
