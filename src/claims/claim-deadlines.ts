import { Injectable } from '@nestjs/common';
import { claimHook, claimNotices } from './claim-notices.js';
import { ClaimWorkflow, SYSTEM, type ClaimStep } from './claim-workflow.js';
import { MARK_DEADLINE_ACTED } from './claim.queries.js';
import { type ClaimDeadline, runningDeadline } from './running-deadline.js';

/**
 * The claims sweep's rules (docs/claims.md, "Deadlines"): what happens when
 * a claim's running deadline passes. The seller's silence is granted or goes
 * to an agent (the claim's policy says which), an unanswered info request
 * goes back to the agent, and an appeal window that closes closes the claim.
 */
@Injectable()
export class ClaimDeadlines {
  constructor(private readonly workflow: ClaimWorkflow) {}

  /**
   * Acts on the claim's passed deadline, in the sweep's transaction with the
   * claim locked; null when nothing was due or it was already acted on
   * (another instance, or a person, got there first).
   */
  async actOnDeadline(step: ClaimStep, escalationDue: Date): Promise<ClaimDeadline | null> {
    const { tx, claim, now } = step;
    const pending = runningDeadline(claim);
    if (!pending || !pending.due || pending.due > now) {
      claim.nextDeadlineAt = pending?.due && pending.due > now ? pending.due : null;
      return null;
    }
    const marked: unknown[] = await tx.query(MARK_DEADLINE_ACTED, [claim.id, pending.deadline, pending.due, now]);
    claim.nextDeadlineAt = null;
    if (marked.length === 0) return null;
    const data = { deadline: pending.deadline, dueAt: pending.due.toISOString() };
    if (pending.deadline === 'seller_response') {
      claim.flags = [...claim.flags, 'no_seller_response'];
      if (this.workflow.policyOf(claim).noResponse === 'grant') {
        this.workflow.move(step, 'auto_grant', SYSTEM, data);
        await this.workflow.applyDecision(
          step,
          {
            outcome: 'granted',
            funding: 'seller',
            refund: claim.amount,
            decidedBy: null,
            note: 'Granted: the seller did not respond in time',
          },
          SYSTEM,
          true,
        );
        this.workflow.notify(
          step,
          claimNotices(claim, 'claim_no_seller_response', ['seller'], now, {
            outcome: 'granted',
            money: { amount: claim.amount, currency: claim.currency },
          }),
        );
      } else {
        this.workflow.move(step, 'seller_silence', SYSTEM, data);
        await this.workflow.openEscalation(step, 'normal', escalationDue);
        this.workflow.notify(
          step,
          claimNotices(claim, 'claim_no_seller_response', ['seller'], now, { outcome: 'under_review' }),
        );
      }
    } else if (pending.deadline === 'info_request') {
      this.workflow.move(step, 'info_timeout', SYSTEM, { ...data, from: claim.infoFrom });
      claim.flags = claim.flags.includes('info_not_provided') ? claim.flags : [...claim.flags, 'info_not_provided'];
      claim.infoFrom = null;
      await this.workflow.endWait(step);
    } else {
      this.workflow.close(step, SYSTEM, data);
      this.workflow.emit(step, claimHook(claim, 'claim.closed', now));
    }
    return pending.deadline;
  }
}
