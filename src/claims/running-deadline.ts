import type { Claim } from './claim.entity.js';

export const CLAIM_DEADLINES = ['seller_response', 'info_request', 'appeal_window'] as const;
export type ClaimDeadline = (typeof CLAIM_DEADLINES)[number];

/**
 * The deadline a claim waits on in its state (docs/claims.md, "Deadlines"):
 * the seller's response while awaiting_seller, the asked party's answer
 * while info_requested, the appeal window while granted or denied; none in
 * any other state. A claim keeps the instants of deadlines that no longer
 * apply (the seller's response once answered, the appeal window once
 * closed), so the state, not the columns, says which one runs. The claims
 * sweep acts on this deadline once it passes; pages show only this one.
 */
export function runningDeadline(
  claim: Pick<Claim, 'status' | 'sellerResponseDueAt' | 'infoDueAt' | 'appealUntil'>,
): { deadline: ClaimDeadline; due: Date | null } | null {
  switch (claim.status) {
    case 'awaiting_seller':
      return { deadline: 'seller_response', due: claim.sellerResponseDueAt };
    case 'info_requested':
      return { deadline: 'info_request', due: claim.infoDueAt };
    case 'granted':
    case 'denied':
      return { deadline: 'appeal_window', due: claim.appealUntil };
    default:
      return null;
  }
}
