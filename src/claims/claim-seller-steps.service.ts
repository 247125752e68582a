import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/auth.decorators.js';
import { claimHook, claimNotices } from './claim-notices.js';
import { ClaimFilingService } from './claim-filing.service.js';
import { claimTransition } from './claim-status.js';
import { checkMoney, ClaimWorkflow } from './claim-workflow.js';
import { actorOf } from '../timeline/timeline.js';
import type { BodyDto, ClaimView, RefundDto } from './claims.dto.js';

/** What the seller does about a claim against it (docs/claims.md, "The seller's response"): answer it, or refund. */
@Injectable()
export class ClaimSellerSteps {
  constructor(
    private readonly workflow: ClaimWorkflow,
    private readonly filing: ClaimFilingService,
  ) {}

  /** The seller answers the claim: it goes to an agent. */
  respond(caller: Caller, claimId: string, dto: BodyDto): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.respond', async (step) => {
      this.workflow.move(step, 'seller_respond', actorOf(caller));
      step.claim.nextDeadlineAt = null;
      await this.workflow.writeMessage(step, caller, { body: dto.body, internal: false, notify: true });
      await this.workflow.openEscalation(step, 'normal');
    });
  }

  /** The seller refunds before a decision: the claim ends `refunded_by_seller` (still counted against the seller). */
  refund(caller: Caller, claimId: string, dto: RefundDto): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.refund', async (step) => {
      const { claim, now } = step;
      claimTransition(claim.status, 'seller_refund');
      const amount = checkMoney('amount', dto.amount, await this.filing.orderOf(step.tx, claim.orderId, now));
      this.workflow.move(step, 'seller_refund', actorOf(caller), { amount });
      Object.assign(claim, { outcome: 'refunded_by_seller', sellerRefund: amount, nextDeadlineAt: null });
      await this.workflow.resolveEscalation(step, 'claim_refunded_by_seller');
      this.workflow.close(step, actorOf(caller));
      this.workflow.notify(
        step,
        claimNotices(claim, 'claim_refunded_by_seller', ['buyer', 'seller'], now, {
          money: { amount, currency: claim.currency },
        }),
      );
      this.workflow.emit(
        step,
        claimHook(claim, 'claim.refunded_by_seller', now, {
          refund: { amount, currency: claim.currency },
          funding: 'seller',
        }),
      );
    });
  }
}
