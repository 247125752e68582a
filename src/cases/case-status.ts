import type { TimelineEventType } from '../timeline/timeline.js';
import { DomainError } from '../common/domain-error.js';

/** Whose turn it is (docs/domain.md, "Cases"). */
export const CASE_STATUSES = ['awaiting_seller', 'awaiting_buyer', 'escalated', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_ACTIONS = [
  'buyer_message',
  'seller_message',
  'agent_message',
  'internal_note',
  'no_response_needed',
  'resolve',
  'reopen',
  'close',
  'escalate',
  'support_hand_back',
  'support_answer',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

const ALL = Object.fromEntries(CASE_STATUSES.map((status) => [status, status])) as Record<CaseStatus, CaseStatus>;

/** For each action, the states it is allowed in and the state it leads to. Anything missing is forbidden. */
export const CASE_TRANSITIONS: Record<CaseAction, Partial<Record<CaseStatus, CaseStatus>>> = {
  buyer_message: { awaiting_seller: 'awaiting_seller', awaiting_buyer: 'awaiting_seller', escalated: 'escalated' },
  seller_message: { awaiting_seller: 'awaiting_buyer', awaiting_buyer: 'awaiting_buyer', escalated: 'escalated' },
  agent_message: {
    awaiting_seller: 'awaiting_seller',
    awaiting_buyer: 'awaiting_buyer',
    escalated: 'escalated',
    resolved: 'resolved',
  },
  internal_note: ALL,
  no_response_needed: { awaiting_seller: 'awaiting_buyer', escalated: 'escalated' },
  resolve: { awaiting_seller: 'resolved', awaiting_buyer: 'resolved', escalated: 'resolved' },
  reopen: { resolved: 'awaiting_seller' },
  close: { resolved: 'closed' },
  escalate: { awaiting_seller: 'escalated', awaiting_buyer: 'escalated' },
  support_hand_back: { escalated: 'awaiting_seller' },
  support_answer: { escalated: 'awaiting_buyer' },
};

const VERB: Record<CaseAction, string> = {
  buyer_message: 'write to',
  seller_message: 'reply to',
  agent_message: 'write to',
  internal_note: 'add a note to',
  no_response_needed: 'mark "no response needed" on',
  resolve: 'resolve',
  reopen: 'reopen',
  close: 'close',
  escalate: 'escalate',
  support_hand_back: 'hand back to the seller',
  support_answer: 'close support handling of',
};

/** Whether the table allows `action` in `status` (what `transition` would not refuse). */
export function canTransition(status: CaseStatus, action: CaseAction): boolean {
  return CASE_TRANSITIONS[action][status] !== undefined;
}

/** The state `action` leads to from `status`; a forbidden transition is a 409 naming the current state. */
export function transition(status: CaseStatus, action: CaseAction): CaseStatus {
  const next = CASE_TRANSITIONS[action][status];
  if (next === undefined) {
    throw new DomainError('forbidden_transition', `Cannot ${VERB[action]} a case that is ${status.replace('_', ' ')}`, {
      extensions: { currentState: status, action },
    });
  }
  return next;
}

/** The states in which `action` is allowed. */
export function statesAllowing(action: CaseAction): CaseStatus[] {
  return CASE_STATUSES.filter((status) => canTransition(status, action));
}

/**
 * The transition table for `action` as SQL, for set-based writers: a
 * condition that the status column is in an allowed state, and the next
 * state as a CASE over it. Statuses never come from anywhere else.
 */
export function transitionSql(action: CaseAction, column: string): { allowed: string; next: string } {
  const from = statesAllowing(action);
  return {
    allowed: `${column} IN (${from.map((status) => `'${status}'`).join(', ')})`,
    next: `CASE ${column} ${from.map((status) => `WHEN '${status}' THEN '${CASE_TRANSITIONS[action][status]}'`).join(' ')} END`,
  };
}

/** The timeline event each action records. */
export const EVENT_OF: Record<CaseAction, TimelineEventType> = {
  buyer_message: 'message_posted',
  seller_message: 'message_posted',
  agent_message: 'message_posted',
  internal_note: 'internal_note_added',
  no_response_needed: 'no_response_needed',
  resolve: 'case_resolved',
  reopen: 'case_reopened',
  close: 'case_closed',
  escalate: 'case_escalated',
  support_hand_back: 'support_handed_back',
  support_answer: 'support_answered',
};
