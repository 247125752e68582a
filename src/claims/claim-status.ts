import { DomainError } from '../common/domain-error.js';

/** Where a claim stands (docs/claims.md). */
export const CLAIM_STATUSES = [
  'filed',
  'awaiting_seller',
  'under_review',
  'info_requested',
  'granted',
  'denied',
  'withdrawn',
  'refunded_by_seller',
  'appealed',
  'appeal_upheld',
  'appeal_reversed',
  'closed',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** A claim still in progress: it blocks another claim on its order. */
export const OPEN_CLAIM_STATUSES: readonly ClaimStatus[] = [
  'filed',
  'awaiting_seller',
  'under_review',
  'info_requested',
  'granted',
  'denied',
  'appealed',
];

export const CLAIM_ACTIONS = [
  'ask_seller',
  'seller_respond',
  'seller_silence',
  'auto_grant',
  'seller_refund',
  'request_info',
  'info_provided',
  'info_timeout',
  'grant',
  'deny',
  'withdraw',
  'appeal',
  'uphold_appeal',
  'reverse_appeal',
  'close',
] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

const BEFORE_DECISION = ['awaiting_seller', 'under_review', 'info_requested'] as const;
const to = (next: ClaimStatus, from: readonly ClaimStatus[]) =>
  Object.fromEntries(from.map((status) => [status, next])) as Partial<Record<ClaimStatus, ClaimStatus>>;

/** For each action, the states it is allowed in and the state it leads to. Anything missing is forbidden. */
export const CLAIM_TRANSITIONS: Record<ClaimAction, Partial<Record<ClaimStatus, ClaimStatus>>> = {
  ask_seller: { filed: 'awaiting_seller' },
  seller_respond: { awaiting_seller: 'under_review' },
  seller_silence: { awaiting_seller: 'under_review' },
  auto_grant: { awaiting_seller: 'granted' },
  seller_refund: to('refunded_by_seller', BEFORE_DECISION),
  request_info: { under_review: 'info_requested' },
  info_provided: { info_requested: 'under_review' },
  info_timeout: { info_requested: 'under_review' },
  grant: { under_review: 'granted', info_requested: 'granted' },
  deny: { under_review: 'denied', info_requested: 'denied' },
  withdraw: to('withdrawn', ['filed', ...BEFORE_DECISION]),
  appeal: { granted: 'appealed', denied: 'appealed' },
  uphold_appeal: { appealed: 'appeal_upheld' },
  reverse_appeal: { appealed: 'appeal_reversed' },
  close: to('closed', ['granted', 'denied', 'withdrawn', 'refunded_by_seller', 'appeal_upheld', 'appeal_reversed']),
};

const VERB: Record<ClaimAction, string> = {
  ask_seller: 'ask the seller to respond to',
  seller_respond: 'respond to',
  seller_silence: 'send to review',
  auto_grant: 'grant for no seller response',
  seller_refund: 'refund',
  request_info: 'request information on',
  info_provided: 'answer the information request on',
  info_timeout: 'end the information request on',
  grant: 'decide',
  deny: 'decide',
  withdraw: 'withdraw',
  appeal: 'appeal',
  uphold_appeal: 'decide an appeal on',
  reverse_appeal: 'decide an appeal on',
  close: 'close',
};

/** Whether the table allows `action` in `status` (what `claimTransition` would not refuse). */
export function canClaimTransition(status: ClaimStatus, action: ClaimAction): boolean {
  return CLAIM_TRANSITIONS[action][status] !== undefined;
}

/** The state `action` leads to from `status`; a forbidden transition is a 409 naming the current state. */
export function claimTransition(status: ClaimStatus, action: ClaimAction): ClaimStatus {
  const next = CLAIM_TRANSITIONS[action][status];
  if (next === undefined) {
    throw new DomainError(
      'forbidden_transition',
      `Cannot ${VERB[action]} a claim that is ${status.replace(/_/g, ' ')}`,
      {
        extensions: { currentState: status, action },
      },
    );
  }
  return next;
}
