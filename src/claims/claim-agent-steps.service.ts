import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { ClaimFilingService } from './claim-filing.service.js';
import { claimNotices } from './claim-notices.js';
import { type ClaimAction, claimTransition } from './claim-status.js';
import { checkMoney, ClaimWorkflow } from './claim-workflow.js';
import { actorOf } from '../timeline/timeline.js';
import type { ClaimView, DecideDto, RequestInfoDto } from './claims.dto.js';

/** What an agent does on a claim before it is decided (docs/claims.md, "Review"): ask a party for information, and decide. */
@Injectable()
export class ClaimAgentSteps {
  constructor(
    private readonly workflow: ClaimWorkflow,
    private readonly filing: ClaimFilingService,
    private readonly escalations: EscalationsService,
    private readonly audit: AuditService,
  ) {}

  /** An agent asks a party for information: the claim waits for that party's message, up to the policy's time. */
  requestInfo(caller: Caller, claimId: string, dto: RequestInfoDto): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.requestInfo', async (step) => {
      const { tx, claim, now } = step;
      this.workflow.move(step, 'request_info', actorOf(caller), { from: dto.from });
      const infoDueAt = await this.workflow.deadline(tx, now, this.workflow.policyOf(claim).infoRequest);
      Object.assign(claim, { infoFrom: dto.from, infoDueAt, nextDeadlineAt: infoDueAt });
      const { message } = await this.workflow.writeMessage(step, caller, {
        body: dto.body,
        internal: false,
        notify: false,
      });
      const escalation = await this.escalations.openOfClaim(tx, claim.id);
      if (escalation) await this.escalations.waitOn(tx, escalation, dto.from, now);
      // Keyed by the request's own message: a second request at the same instant is a second notice.
      this.workflow.notify(
        step,
        claimNotices(
          claim,
          'claim_info_requested',
          ['buyer', 'seller'],
          now,
          { infoFrom: dto.from, dueAt: infoDueAt.toISOString() },
          message.id,
        ),
      );
      await this.audit.record(
        tx,
        caller,
        {
          action: 'claim.info_requested',
          subjectType: 'claim',
          subjectId: claim.id,
          after: { from: dto.from, infoDueAt },
        },
        now,
      );
    });
  }

  /** An agent decides: granted (who funds it, how much) or denied, with a note. The appeal window opens. */
  decide(caller: Caller, claimId: string, dto: DecideDto): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.decide', async (step) => {
      const { tx, claim, now } = step;
      const action: ClaimAction = dto.outcome === 'granted' ? 'grant' : 'deny';
      claimTransition(claim.status, action);
      let refund: number | null = null;
      if (dto.outcome === 'granted') {
        if (!dto.funding)
          throw DomainError.invalid('funding', 'funding (seller or marketplace) is required to grant a claim');
        refund = dto.refund
          ? checkMoney('refund', dto.refund, await this.filing.orderOf(tx, claim.orderId, now))
          : claim.amount;
      } else {
        if (dto.funding !== undefined) throw DomainError.invalid('funding', 'funding is only for a granted claim');
        if (dto.refund !== undefined) throw DomainError.invalid('refund', 'refund is only for a granted claim');
      }
      await this.workflow.applyDecision(
        step,
        { outcome: dto.outcome, funding: dto.funding ?? null, refund, decidedBy: caller.id, note: dto.note },
        actorOf(caller),
      );
      await this.audit.record(
        tx,
        caller,
        {
          action: 'claim.decided',
          subjectType: 'claim',
          subjectId: claim.id,
          after: { outcome: dto.outcome, funding: dto.funding ?? null, refund },
        },
        now,
      );
    });
  }
}
