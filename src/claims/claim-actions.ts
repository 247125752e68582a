import { appellantOf } from './appeal-outcome.js';
import { allows, canSeeClaim } from '../access/access.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { Claim } from './claim.entity.js';
import { canClaimTransition } from './claim-status.js';

/**
 * What a caller may do to a claim, named after the API's operations:
 * - `message`: `POST /claims/:id/messages` (the parties and support; not on a closed claim)
 * - `provideInfo`: the same, by the party an information request asks (`infoFrom`): it answers the request
 * - `note`: `POST /claims/:id/messages` with `internal: true` (support, closed claims too)
 * - `respond`: `POST /claims/:id/respond` (the seller, while awaiting_seller)
 * - `refund`: `POST /claims/:id/refund` (the seller, before a decision)
 * - `requestInfo`: `POST /claims/:id/request-info` (support, while under_review)
 * - `decide`: `POST /claims/:id/decide` (support, while under_review or info_requested)
 * - `withdraw`: `POST /claims/:id/withdraw` (the buyer, before a decision)
 * - `appeal`: `POST /claims/:id/appeal` (the party the decision went against, before appealUntil)
 * - `decideAppeal`: `POST /claims/:id/decide-appeal` (support other than the first decider)
 */
export const CLAIM_ALLOWED_ACTIONS = [
  'message',
  'provideInfo',
  'note',
  'respond',
  'refund',
  'requestInfo',
  'decide',
  'withdraw',
  'appeal',
  'decideAppeal',
] as const;
export type ClaimAllowedAction = (typeof CLAIM_ALLOWED_ACTIONS)[number];

/** What a claim's rules read. */
export type ClaimFacts = Pick<
  Claim,
  'buyerId' | 'sellerId' | 'status' | 'infoFrom' | 'decisionOutcome' | 'decidedBy' | 'appealUntil'
>;

/**
 * The actions `caller` may take on `claim` at `now`: the access rules
 * (`access.ts`), the state machine (`claim-status.ts`) and the conditions
 * ClaimsService checks on top of them, so that each listed action succeeds
 * and each other one is refused (403 or 409). Content (a quarantined
 * message answers nothing), amounts and the posting rate limit are not part
 * of the answer.
 */
export function claimAllowedActions(claim: ClaimFacts, caller: Caller, now: Date): ClaimAllowedAction[] {
  if (!canSeeClaim(caller, claim)) return [];
  const { status } = claim;
  const writable = status !== 'closed';
  const against = claim.decisionOutcome ? appellantOf(claim.decisionOutcome) : null;
  const rules: Record<ClaimAllowedAction, () => boolean> = {
    message: () => allows(caller, 'claim.message') && writable,
    provideInfo: () =>
      allows(caller, 'claim.message') &&
      writable &&
      canClaimTransition(status, 'info_provided') &&
      caller.role === claim.infoFrom,
    note: () => allows(caller, 'claim.note'),
    respond: () => allows(caller, 'claim.respond') && canClaimTransition(status, 'seller_respond'),
    refund: () => allows(caller, 'claim.refund') && canClaimTransition(status, 'seller_refund'),
    requestInfo: () => allows(caller, 'claim.requestInfo') && canClaimTransition(status, 'request_info'),
    decide: () =>
      allows(caller, 'claim.decide') && canClaimTransition(status, 'grant') && canClaimTransition(status, 'deny'),
    withdraw: () => allows(caller, 'claim.withdraw') && canClaimTransition(status, 'withdraw'),
    appeal: () =>
      allows(caller, 'claim.appeal') &&
      canClaimTransition(status, 'appeal') &&
      caller.role === against &&
      (claim.appealUntil === null || now < claim.appealUntil),
    decideAppeal: () =>
      allows(caller, 'claim.decideAppeal') &&
      canClaimTransition(status, 'uphold_appeal') &&
      canClaimTransition(status, 'reverse_appeal') &&
      claim.decidedBy !== caller.id,
  };
  return CLAIM_ALLOWED_ACTIONS.filter((action) => rules[action]());
}
