import type { AttachmentView } from '../attachments/attachments.dto.js';
import { isSupport } from '../access/access.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { Claim } from './claim.entity.js';
import type { ClaimMessage } from '../conversations/message.entity.js';
import { messageViewBase } from '../conversations/message-view.js';
import type { ClaimMessageView, ClaimView } from './claims.dto.js';
import { runningDeadline } from './running-deadline.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toClaimView(claim: Claim): ClaimView {
  const money = (amount: number | null) => (amount === null ? null : { amount, currency: claim.currency });
  const running = runningDeadline(claim);
  return {
    id: claim.id,
    orderId: claim.orderId,
    caseId: claim.caseId,
    buyerId: claim.buyerId,
    sellerId: claim.sellerId,
    reason: claim.reason,
    status: claim.status,
    outcome: claim.outcome,
    amount: { amount: claim.amount, currency: claim.currency },
    flags: claim.flags,
    infoFrom: claim.infoFrom,
    deadlines: {
      sellerResponseDueAt: iso(claim.sellerResponseDueAt),
      infoDueAt: iso(claim.infoDueAt),
      appealUntil: iso(claim.appealUntil),
    },
    runningDeadline: running?.due ? { deadline: running.deadline, dueAt: running.due.toISOString() } : null,
    decision:
      claim.decisionOutcome && claim.decidedAt
        ? {
            outcome: claim.decisionOutcome,
            funding: claim.decisionFunding,
            refund: money(claim.decisionRefund),
            decidedBy: claim.decidedBy,
            decidedAt: claim.decidedAt.toISOString(),
            note: claim.decisionNote,
          }
        : null,
    appeal:
      claim.appealBy && claim.appealAt
        ? {
            by: claim.appealBy,
            at: claim.appealAt.toISOString(),
            outcome: claim.appealOutcome,
            decidedBy: claim.appealDecidedBy,
            decidedAt: iso(claim.appealDecidedAt),
            note: claim.appealNote,
            ...(claim.appealFunding ? { funding: claim.appealFunding, refund: money(claim.appealRefund) } : {}),
          }
        : null,
    sellerRefund: money(claim.sellerRefund),
    policyVersion: claim.policyVersion,
    closedAt: iso(claim.closedAt),
    createdAt: claim.createdAt.toISOString(),
    updatedAt: claim.updatedAt.toISOString(),
  };
}

/** Whether the caller sees a claim message: support all; a party its own, and the other's that are neither internal nor quarantined. */
export function canSeeClaimMessage(message: ClaimMessage, caller: Caller): boolean {
  return isSupport(caller) || message.authorId === caller.id || (!message.internal && !message.quarantined);
}

/** The author and support see what was written; the other party the masked text. */
export function toClaimMessageView(
  message: Omit<ClaimMessage, 'seq'>,
  caller: Caller,
  attachments: AttachmentView[] = [],
): ClaimMessageView {
  return { ...messageViewBase(message, caller, attachments), claimId: message.claimId, internal: message.internal };
}
