import type { Caller } from '../auth/auth.decorators.js';
import { escalationAllowedActions, EscalationFacts } from './escalation-actions.js';

const agent: Caller = { id: 'a1', role: 'agent' };
const other: Caller = { id: 'a2', role: 'agent' };
const admin: Caller = { id: 'd1', role: 'admin' };

const escalation = (overrides: Partial<EscalationFacts> = {}): EscalationFacts => ({
  status: 'open',
  assigneeId: null,
  reason: 'missed_reply_window',
  waitingOn: null,
  caseId: 'c1',
  ...overrides,
});

describe('escalationAllowedActions', () => {
  it.each([
    ['open', escalation(), agent, ['assign', 'wait', 'resolve']],
    ['open, for an admin', escalation(), admin, ['assign', 'wait', 'resolve']],
    ['held by the caller', escalation({ status: 'assigned', assigneeId: agent.id }), agent, ['wait', 'resolve']],
    ['held by another agent', escalation({ status: 'assigned', assigneeId: agent.id }), other, ['takeOver', 'wait']],
    [
      'held by the caller, waiting on the buyer',
      escalation({ status: 'assigned', assigneeId: agent.id, waitingOn: 'buyer' }),
      agent,
      ['wait', 'resume', 'resolve'],
    ],
    ['a claim (decided on the claim)', escalation({ reason: 'claim' }), agent, ['assign', 'wait']],
    [
      'a phishing report (confirmed or dismissed)',
      escalation({ reason: 'phishing_report', caseId: null }),
      agent,
      ['assign', 'wait'],
    ],
    ['resolved', escalation({ status: 'resolved', assigneeId: agent.id }), agent, []],
  ] as const)('%s', (_label, facts, caller, expected) => {
    expect(escalationAllowedActions(facts, caller)).toEqual(expected);
  });

  it('buyers and sellers do nothing with escalations', () => {
    expect(escalationAllowedActions(escalation(), { id: 'b1', role: 'buyer' })).toEqual([]);
    expect(escalationAllowedActions(escalation(), { id: 's1', role: 'seller' })).toEqual([]);
  });
});
