import type { CaseNoticeKind, Party } from '../notifications/categories.js';
import type { CaseNotice } from '../notifications/outbox.service.js';
import type { WebhookEvent, WebhookEventType } from '../webhooks/webhooks.js';
import type { Claim } from './claim.entity.js';
import { toClaimView } from './claim-views.js';

/** One notice per party about a claim, on the claim's case, deduplicated by claim, step and party. */
export function claimNotices(
  claim: Claim,
  kind: CaseNoticeKind,
  parties: Party[],
  at: Date,
  extra: Record<string, unknown> = {},
  key = 'once',
): CaseNotice[] {
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
export function claimHook(
  claim: Claim,
  type: WebhookEventType,
  at: Date,
  extra: Record<string, unknown> = {},
): WebhookEvent {
  return {
    type,
    at,
    data: {
      claim: webhookClaim(claim),
      ...extra,
    },
  };
}

/** The claim as a webhook carries it: the public view's identity, parties, state and money, and the marketplace's own order id. */
function webhookClaim(claim: Claim) {
  const { id, orderId, caseId, buyerId, sellerId, reason, status, outcome, amount } = toClaimView(claim);
  return {
    id,
    orderId,
    orderExternalId: claim.orderExternalId,
    caseId,
    buyerId,
    sellerId,
    reason,
    status,
    outcome,
    amount,
  };
}
