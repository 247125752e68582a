import { DomainError } from '../common/domain-error.js';
import {
  CLAIM_ACTIONS,
  CLAIM_STATUSES,
  CLAIM_TRANSITIONS,
  ClaimAction,
  ClaimStatus,
  claimTransition,
  OPEN_CLAIM_STATUSES,
} from './claim-status.js';

// The allowed transitions, written out by hand from docs/claims.md; every other (action, state) pair must be refused.
const ALLOWED: Record<ClaimAction, [ClaimStatus, ClaimStatus][]> = {
  ask_seller: [['filed', 'awaiting_seller']],
  seller_respond: [['awaiting_seller', 'under_review']],
  seller_silence: [['awaiting_seller', 'under_review']],
  auto_grant: [['awaiting_seller', 'granted']],
  seller_refund: [
    ['awaiting_seller', 'refunded_by_seller'],
    ['under_review', 'refunded_by_seller'],
    ['info_requested', 'refunded_by_seller'],
  ],
  request_info: [['under_review', 'info_requested']],
  info_provided: [['info_requested', 'under_review']],
  info_timeout: [['info_requested', 'under_review']],
  grant: [
    ['under_review', 'granted'],
    ['info_requested', 'granted'],
  ],
  deny: [
    ['under_review', 'denied'],
    ['info_requested', 'denied'],
  ],
  withdraw: [
    ['filed', 'withdrawn'],
    ['awaiting_seller', 'withdrawn'],
    ['under_review', 'withdrawn'],
    ['info_requested', 'withdrawn'],
  ],
  appeal: [
    ['granted', 'appealed'],
    ['denied', 'appealed'],
  ],
  uphold_appeal: [['appealed', 'appeal_upheld']],
  reverse_appeal: [['appealed', 'appeal_reversed']],
  close: [
    ['granted', 'closed'],
    ['denied', 'closed'],
    ['withdrawn', 'closed'],
    ['refunded_by_seller', 'closed'],
    ['appeal_upheld', 'closed'],
    ['appeal_reversed', 'closed'],
  ],
};

const table = CLAIM_ACTIONS.flatMap((action) =>
  CLAIM_STATUSES.map(
    (status) => [action, status, ALLOWED[action].find(([from]) => from === status)?.[1] ?? null] as const,
  ),
);

describe('claim status transitions', () => {
  it.each(table)('%s in %s → %s', (action, status, expected) => {
    if (expected === null) {
      let error: unknown;
      try {
        claimTransition(status, action);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: 'forbidden_transition',
        details: { extensions: { currentState: status, action } },
      });
      expect((error as Error).message).toContain(status.replace(/_/g, ' '));
    } else {
      expect(claimTransition(status, action)).toBe(expected);
    }
  });

  it('a closed claim accepts nothing', () => {
    expect(CLAIM_ACTIONS.filter((action) => CLAIM_TRANSITIONS[action].closed !== undefined)).toEqual([]);
  });

  it('every state but closed leads somewhere, and every state is reachable from filed', () => {
    const reachable = new Set<ClaimStatus>(['filed']);
    for (let grew = true; grew;) {
      grew = false;
      for (const action of CLAIM_ACTIONS) {
        for (const [from, next] of Object.entries(CLAIM_TRANSITIONS[action]) as [ClaimStatus, ClaimStatus][]) {
          if (reachable.has(from) && !reachable.has(next)) {
            reachable.add(next);
            grew = true;
          }
        }
      }
    }
    expect([...reachable].sort()).toEqual([...CLAIM_STATUSES].sort());
    const stuck = CLAIM_STATUSES.filter(
      (status) =>
        status !== 'closed' && CLAIM_ACTIONS.every((action) => CLAIM_TRANSITIONS[action][status] === undefined),
    );
    expect(stuck).toEqual([]);
  });

  it('the open states are those that can still change the outcome or be appealed', () => {
    expect([...OPEN_CLAIM_STATUSES].sort()).toEqual([
      'appealed',
      'awaiting_seller',
      'denied',
      'filed',
      'granted',
      'info_requested',
      'under_review',
    ]);
  });
});
