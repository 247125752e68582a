import type { CaseNoticeKind, Party } from '../notifications/categories.js';
import type { CaseNotice } from '../notifications/outbox.service.js';
import type { WebhookEvent, WebhookEventType } from '../webhooks/webhooks.js';
import type { Claim } from './claim.entity.js';

/** One notice per party about a claim, on the claim's case, deduplicated by claim, step and party. */
export function claimNotices(claim: Claim, kind: CaseNoticeKind, parties: Party[], at: Date, extra: Record<string, unknown> = {}, key = 'once'): CaseNotice[] {
  return parties.map((party) => ({
    kind,
    party,
    recipientId: party === 'buyer' ? claim.buyerId : claim.sellerId,
    caseId: claim.caseId,
    dedupeKey: `claim:${claim.id}:${kind}:${key}:${party}`,
    payload: { claimId: claim.id, caseId: claim.caseId, role: party, reason: claim.reason, ...extra },
    at,
  }));
}

/** A webhook event about a claim: the claim as the marketplace needs it, and what the step adds. */
export function claimHook(claim: Claim, type: WebhookEventType, at: Date, extra: Record<string, unknown> = {}): WebhookEvent {
  return {
    type,
    at,
    data: {
      claim: {
        id: claim.id,
        orderId: claim.orderId,
        orderExternalId: claim.orderExternalId,
        caseId: claim.caseId,
        buyerId: claim.buyerId,
        sellerId: claim.sellerId,
        reason: claim.reason,
        status: claim.status,
        outcome: claim.outcome,
        amount: { amount: claim.amount, currency: claim.currency },
      },
      ...extra,
    },
  };
}
