import { CLAIM_STATUSES } from './claim-status.js';
import type { ClaimStatus } from './claim-status.js';
import { runningDeadline } from './running-deadline.js';

const SELLER = new Date('2026-03-01T10:00:00Z');
const INFO = new Date('2026-03-05T10:00:00Z');
const APPEAL = new Date('2026-03-20T10:00:00Z');

/** The one deadline each state waits on, whatever other instants the claim still holds. */
const EXPECTED: Record<ClaimStatus, ReturnType<typeof runningDeadline>> = {
  filed: null,
  awaiting_seller: { deadline: 'seller_response', due: SELLER },
  under_review: null,
  info_requested: { deadline: 'info_request', due: INFO },
  granted: { deadline: 'appeal_window', due: APPEAL },
  denied: { deadline: 'appeal_window', due: APPEAL },
  withdrawn: null,
  refunded_by_seller: null,
  appealed: null,
  appeal_upheld: null,
  appeal_reversed: null,
  closed: null,
};

describe('runningDeadline', () => {
  it.each(CLAIM_STATUSES.map((status) => [status]))('%s', (status) => {
    // Every column set, as on a claim that went through every step: the state alone picks.
    const claim = { status, sellerResponseDueAt: SELLER, infoDueAt: INFO, appealUntil: APPEAL };
    expect(runningDeadline(claim)).toEqual(EXPECTED[status]);
  });
});
