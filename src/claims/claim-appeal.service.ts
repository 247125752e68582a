import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { appealFunding, appealOutcome, appellantOf } from './appeal-outcome.js';
import { ClaimFilingService } from './claim-filing.service.js';
import { claimHook, claimNotices } from './claim-notices.js';
import { type ClaimAction, claimTransition } from './claim-status.js';
import { checkMoney, ClaimWorkflow } from './claim-workflow.js';
import { actorOf } from '../timeline/timeline.js';
import type { BodyDto, ClaimView, DecideAppealDto } from './claims.dto.js';

/** The appeal (docs/claims.md, "Appeal"): the party the decision went against appeals in time; another agent upholds or reverses. */
@Injectable()
export class ClaimAppealSteps {
  constructor(
    private readonly workflow: ClaimWorkflow,
    private readonly filing: ClaimFilingService,
    private readonly audit: AuditService,
  ) {}

  /** The party the decision went against appeals, within the window; another agent will decide. */
  appeal(caller: Caller, claimId: string, dto: BodyDto): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.appeal', async (step) => {
      const { claim, now } = step;
      claimTransition(claim.status, 'appeal');
      const against = appellantOf(claim.decisionOutcome!);
      if (caller.role !== against)
        throw new DomainError('forbidden', `Only the ${against} can appeal a ${claim.status} claim`);
      if (claim.appealUntil && now >= claim.appealUntil) {
        throw new DomainError('forbidden_transition', `The appeal window ended at ${claim.appealUntil.toISOString()}`, {
          extensions: { currentState: claim.status, action: 'appeal', appealUntil: claim.appealUntil.toISOString() },
        });
      }
      this.workflow.move(step, 'appeal', actorOf(caller));
      Object.assign(claim, { appealBy: caller.id, appealAt: now, nextDeadlineAt: null });
      await this.workflow.writeMessage(step, caller, { body: dto.body, internal: false, notify: false });
      await this.workflow.openEscalation(step, 'high');
      this.workflow.notify(step, claimNotices(claim, 'claim_appealed', ['buyer', 'seller'], now, { by: against }));
      this.workflow.emit(step, claimHook(claim, 'claim.appealed', now, { by: against }));
    });
  }

  /** An agent other than the first decider upholds or reverses the decision; the claim closes. */
  decideAppeal(caller: Caller, claimId: string, dto: DecideAppealDto): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.decideAppeal', async (step) => {
      const { tx, claim, now } = step;
      const action: ClaimAction = dto.outcome === 'upheld' ? 'uphold_appeal' : 'reverse_appeal';
      claimTransition(claim.status, action);
      if (claim.decidedBy === caller.id)
        throw new DomainError(
          'forbidden',
          'An appeal is decided by another agent than the one who made the first decision',
        );
      const verdict = appealOutcome(claim.decisionOutcome!, dto.outcome);
      const { outcome: effective, grantsNow } = verdict;
      if (!grantsNow && dto.funding !== undefined)
        throw DomainError.invalid('funding', 'funding is only for reversing a denial');
      if (!grantsNow && dto.refund !== undefined)
        throw DomainError.invalid('refund', 'refund is only for reversing a denial');
      const funding = appealFunding(verdict, dto.funding);
      const refund = grantsNow
        ? dto.refund
          ? checkMoney('refund', dto.refund, await this.filing.orderOf(tx, claim.orderId, now))
          : claim.amount
        : null;
      this.workflow.move(step, action, actorOf(caller), { outcome: effective });
      Object.assign(claim, {
        outcome: effective,
        appealOutcome: dto.outcome,
        appealDecidedBy: caller.id,
        appealDecidedAt: now,
        appealNote: dto.note,
        appealFunding: funding,
        appealRefund: refund,
      });
      await this.workflow.resolveEscalation(step, `appeal_${dto.outcome}`);
      this.workflow.close(step, actorOf(caller));
      const money = (amount: number | null) => (amount === null ? null : { amount, currency: claim.currency });
      this.workflow.notify(
        step,
        claimNotices(claim, 'claim_appeal_decided', ['buyer', 'seller'], now, {
          appealOutcome: dto.outcome,
          outcome: effective,
        }),
      );
      this.workflow.emit(
        step,
        claimHook(claim, 'claim.appeal_decided', now, {
          appealOutcome: dto.outcome,
          outcome: effective,
          // What the marketplace now does: pay a refund (a reversed denial), or undo the first decision's (a reversed grant).
          ...(grantsNow ? { funding, refund: money(refund) } : {}),
          ...(verdict.undoesRefund
            ? { reverses: { funding: claim.decisionFunding, refund: money(claim.decisionRefund) } }
            : {}),
        }),
      );
      await this.audit.record(
        tx,
        caller,
        {
          action: 'claim.appeal_decided',
          subjectType: 'claim',
          subjectId: claim.id,
          after: { appealOutcome: dto.outcome, outcome: effective },
        },
        now,
      );
    });
  }
}
