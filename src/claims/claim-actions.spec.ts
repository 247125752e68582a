import type { Caller } from '../auth/auth.decorators.js';
import { CLAIM_ALLOWED_ACTIONS, claimAllowedActions, ClaimAllowedAction, ClaimFacts } from './claim-actions.js';
import { CLAIM_STATUSES } from './claim-status.js';
import type { ClaimStatus } from './claim-status.js';

const DAY = 86_400_000;
const NOW = new Date('2026-03-10T18:00:00Z');
const at = (offset: number) => new Date(NOW.getTime() + offset);

const buyer: Caller = { id: 'b1', role: 'buyer' };
const seller: Caller = { id: 's1', role: 'seller' };
/** The agent who made the first decision. */
const decider: Caller = { id: 'a1', role: 'agent' };
const agent: Caller = { id: 'a2', role: 'agent' };
const admin: Caller = { id: 'd1', role: 'admin' };
const otherBuyer: Caller = { id: 'b2', role: 'buyer' };
const otherSeller: Caller = { id: 's2', role: 'seller' };

function claim(status: ClaimStatus, overrides: Partial<ClaimFacts> = {}): ClaimFacts {
  return {
    buyerId: buyer.id,
    sellerId: seller.id,
    status,
    infoFrom: null,
    decisionOutcome: null,
    decidedBy: null,
    appealUntil: null,
    ...overrides,
  };
}
const decided = (status: ClaimStatus, outcome: 'granted' | 'denied', overrides: Partial<ClaimFacts> = {}) =>
  claim(status, { decisionOutcome: outcome, decidedBy: decider.id, appealUntil: at(10 * DAY), ...overrides });

type Expected = Record<'buyer' | 'seller' | 'decider' | 'agent' | 'admin', ClaimAllowedAction[]>;
type Row = [label: string, claim: ClaimFacts, expected: Expected];

const BEFORE_REVIEW_SUPPORT: ClaimAllowedAction[] = ['message', 'note'];
const REVIEW_SUPPORT: ClaimAllowedAction[] = ['message', 'note', 'requestInfo', 'decide'];

// Written out by hand from docs/claims.md and ClaimsService: every state, each role, the decider apart, and the appeal window's edges.
const TABLE: Row[] = [
  [
    'filed',
    claim('filed'),
    {
      buyer: ['message', 'withdraw'],
      seller: ['message'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'awaiting_seller',
    claim('awaiting_seller'),
    {
      buyer: ['message', 'withdraw'],
      seller: ['message', 'respond', 'refund'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'under_review',
    claim('under_review'),
    {
      buyer: ['message', 'withdraw'],
      seller: ['message', 'refund'],
      decider: REVIEW_SUPPORT,
      agent: REVIEW_SUPPORT,
      admin: REVIEW_SUPPORT,
    },
  ],
  [
    'info_requested from the buyer',
    claim('info_requested', { infoFrom: 'buyer' }),
    {
      buyer: ['message', 'provideInfo', 'withdraw'],
      seller: ['message', 'refund'],
      decider: ['message', 'note', 'decide'],
      agent: ['message', 'note', 'decide'],
      admin: ['message', 'note', 'decide'],
    },
  ],
  [
    'info_requested from the seller',
    claim('info_requested', { infoFrom: 'seller' }),
    {
      buyer: ['message', 'withdraw'],
      seller: ['message', 'provideInfo', 'refund'],
      decider: ['message', 'note', 'decide'],
      agent: ['message', 'note', 'decide'],
      admin: ['message', 'note', 'decide'],
    },
  ],
  [
    'granted, the appeal window open',
    decided('granted', 'granted'),
    {
      buyer: ['message'],
      seller: ['message', 'appeal'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'granted, 1 ms before appealUntil',
    decided('granted', 'granted', { appealUntil: at(1) }),
    {
      buyer: ['message'],
      seller: ['message', 'appeal'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'granted, at appealUntil (the sweep has not closed it yet)',
    decided('granted', 'granted', { appealUntil: NOW }),
    {
      buyer: ['message'],
      seller: ['message'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'granted by policy for no seller response',
    decided('granted', 'granted', { decidedBy: null }),
    {
      buyer: ['message'],
      seller: ['message', 'appeal'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'denied, the appeal window open',
    decided('denied', 'denied'),
    {
      buyer: ['message', 'appeal'],
      seller: ['message'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'denied, the appeal window over',
    decided('denied', 'denied', { appealUntil: at(-1) }),
    {
      buyer: ['message'],
      seller: ['message'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ],
  [
    'appealed (a grant)',
    decided('appealed', 'granted', { appealUntil: at(-DAY) }),
    {
      buyer: ['message'],
      seller: ['message'],
      decider: ['message', 'note'],
      agent: ['message', 'note', 'decideAppeal'],
      admin: ['message', 'note', 'decideAppeal'],
    },
  ],
  [
    'appealed (a denial)',
    decided('appealed', 'denied'),
    {
      buyer: ['message'],
      seller: ['message'],
      decider: ['message', 'note'],
      agent: ['message', 'note', 'decideAppeal'],
      admin: ['message', 'note', 'decideAppeal'],
    },
  ],
  [
    'appealed (granted by policy: any agent decides the appeal)',
    decided('appealed', 'granted', { decidedBy: null }),
    {
      buyer: ['message'],
      seller: ['message'],
      decider: ['message', 'note', 'decideAppeal'],
      agent: ['message', 'note', 'decideAppeal'],
      admin: ['message', 'note', 'decideAppeal'],
    },
  ],
  // Passing states: the step that reaches them closes the claim in the same transaction.
  ...(['withdrawn', 'refunded_by_seller', 'appeal_upheld', 'appeal_reversed'] as const).map((status): Row => [
    status,
    decided(status, 'granted'),
    {
      buyer: ['message'],
      seller: ['message'],
      decider: BEFORE_REVIEW_SUPPORT,
      agent: BEFORE_REVIEW_SUPPORT,
      admin: BEFORE_REVIEW_SUPPORT,
    },
  ]),
  [
    'closed',
    decided('closed', 'denied', { appealUntil: at(-DAY) }),
    { buyer: [], seller: [], decider: ['note'], agent: ['note'], admin: ['note'] },
  ],
];

describe('claimAllowedActions', () => {
  it('the table covers every state', () => {
    expect(new Set(TABLE.map(([, facts]) => facts.status))).toEqual(new Set(CLAIM_STATUSES));
  });

  describe.each(TABLE)('%s', (_label, facts, expected) => {
    it.each([
      ['buyer', buyer, expected.buyer],
      ['seller', seller, expected.seller],
      ['the first decider', decider, expected.decider],
      ['another agent', agent, expected.agent],
      ['admin', admin, expected.admin],
    ] as const)('%s', (_role, caller, actions) => {
      expect(claimAllowedActions(facts, caller, NOW)).toEqual(actions);
    });

    it('another buyer or seller, who cannot see the claim, may do nothing', () => {
      expect(claimAllowedActions(facts, otherBuyer, NOW)).toEqual([]);
      expect(claimAllowedActions(facts, otherSeller, NOW)).toEqual([]);
    });
  });

  it('an admin who made the first decision does not decide the appeal', () => {
    expect(claimAllowedActions(decided('appealed', 'denied', { decidedBy: admin.id }), admin, NOW)).toEqual([
      'message',
      'note',
    ]);
  });

  it('lists actions in one fixed order, each a known name', () => {
    for (const [, facts] of TABLE) {
      for (const caller of [buyer, seller, decider, agent, admin]) {
        const actions = claimAllowedActions(facts, caller, NOW);
        expect(actions).toEqual(CLAIM_ALLOWED_ACTIONS.filter((action) => actions.includes(action)));
      }
    }
  });
});
