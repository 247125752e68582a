import { DomainError } from '../common/domain-error.js';
import { CASE_ACTIONS, CASE_STATUSES, CASE_TRANSITIONS, CaseAction, CaseStatus, transition } from './case-status.js';

// The whole table, written out: every action in every state, allowed (→ next state) or forbidden (null).
const EXPECTED: Record<CaseAction, Record<CaseStatus, CaseStatus | null>> = {
  buyer_message: {
    awaiting_seller: 'awaiting_seller',
    awaiting_buyer: 'awaiting_seller',
    escalated: 'escalated',
    resolved: null,
    closed: null,
  },
  seller_message: {
    awaiting_seller: 'awaiting_buyer',
    awaiting_buyer: 'awaiting_buyer',
    escalated: 'escalated',
    resolved: null,
    closed: null,
  },
  agent_message: {
    awaiting_seller: 'awaiting_seller',
    awaiting_buyer: 'awaiting_buyer',
    escalated: 'escalated',
    resolved: 'resolved',
    closed: null,
  },
  internal_note: {
    awaiting_seller: 'awaiting_seller',
    awaiting_buyer: 'awaiting_buyer',
    escalated: 'escalated',
    resolved: 'resolved',
    closed: 'closed',
  },
  no_response_needed: {
    awaiting_seller: 'awaiting_buyer',
    awaiting_buyer: null,
    escalated: 'escalated',
    resolved: null,
    closed: null,
  },
  resolve: {
    awaiting_seller: 'resolved',
    awaiting_buyer: 'resolved',
    escalated: 'resolved',
    resolved: null,
    closed: null,
  },
  reopen: { awaiting_seller: null, awaiting_buyer: null, escalated: null, resolved: 'awaiting_seller', closed: null },
  close: { awaiting_seller: null, awaiting_buyer: null, escalated: null, resolved: 'closed', closed: null },
  escalate: {
    awaiting_seller: 'escalated',
    awaiting_buyer: 'escalated',
    escalated: null,
    resolved: null,
    closed: null,
  },
  support_hand_back: {
    awaiting_seller: null,
    awaiting_buyer: null,
    escalated: 'awaiting_seller',
    resolved: null,
    closed: null,
  },
  support_answer: {
    awaiting_seller: null,
    awaiting_buyer: null,
    escalated: 'awaiting_buyer',
    resolved: null,
    closed: null,
  },
};

const cases = CASE_ACTIONS.flatMap((action) =>
  CASE_STATUSES.map((status) => [action, status, EXPECTED[action][status]] as const),
);

describe('case status transitions', () => {
  it.each(cases)('%s in %s → %s', (action, status, expected) => {
    if (expected === null) {
      let error: unknown;
      try {
        transition(status, action);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: 'forbidden_transition',
        details: { extensions: { currentState: status, action } },
      });
    } else {
      expect(transition(status, action)).toBe(expected);
    }
  });

  it('a closed case accepts nothing but internal notes', () => {
    expect(CASE_ACTIONS.filter((action) => CASE_TRANSITIONS[action].closed !== undefined)).toEqual(['internal_note']);
  });
});
