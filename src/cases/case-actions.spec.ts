import type { Caller } from '../auth/auth.decorators.js';
import { CASE_ALLOWED_ACTIONS, caseAllowedActions, CaseAllowedAction, CaseFacts } from './case-actions.js';
import type { CaseStatus } from './case-status.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-03-10T18:00:00Z');
const at = (offset: number) => new Date(NOW.getTime() + offset);

const buyer: Caller = { id: 'b1', role: 'buyer' };
const seller: Caller = { id: 's1', role: 'seller' };
const agent: Caller = { id: 'a1', role: 'agent' };
const admin: Caller = { id: 'd1', role: 'admin' };
const otherBuyer: Caller = { id: 'b2', role: 'buyer' };
const otherSeller: Caller = { id: 's2', role: 'seller' };

const noCycle = { cycleId: null, warnAt: null, dueAt: null };
const onTrack = { cycleId: 'y1', warnAt: at(HOUR), dueAt: at(DAY) };
const atRisk = { cycleId: 'y1', warnAt: at(-HOUR), dueAt: at(HOUR) };
const late = { cycleId: 'y1', warnAt: at(-DAY), dueAt: at(-HOUR) };

function record(
  status: CaseStatus,
  cycle: Pick<CaseFacts, 'cycleId' | 'warnAt' | 'dueAt'> = noCycle,
  resolvedAt: Date | null = null,
): CaseFacts {
  return { buyerId: buyer.id, sellerId: seller.id, status, resolvedAt, ...cycle };
}

type Row = [
  label: string,
  record: CaseFacts,
  expected: { buyer: CaseAllowedAction[]; seller: CaseAllowedAction[]; support: CaseAllowedAction[] },
];

// Written out by hand from docs/cases.md and CasesService: every state, with and without an open reply cycle, at each SLA state and deadline edge.
const TABLE: Row[] = [
  [
    'awaiting_seller, on track',
    record('awaiting_seller', onTrack),
    { buyer: ['message', 'resolve'], seller: ['message', 'noResponseNeeded'], support: ['message', 'note'] },
  ],
  [
    'awaiting_seller, at risk',
    record('awaiting_seller', atRisk),
    { buyer: ['message', 'resolve'], seller: ['message', 'noResponseNeeded'], support: ['message', 'note'] },
  ],
  [
    'awaiting_seller, late',
    record('awaiting_seller', late),
    {
      buyer: ['message', 'resolve', 'escalate'],
      seller: ['message', 'noResponseNeeded'],
      support: ['message', 'note'],
    },
  ],
  [
    'awaiting_seller, due this instant (late)',
    record('awaiting_seller', { cycleId: 'y1', warnAt: at(-DAY), dueAt: NOW }),
    {
      buyer: ['message', 'resolve', 'escalate'],
      seller: ['message', 'noResponseNeeded'],
      support: ['message', 'note'],
    },
  ],
  [
    'awaiting_seller, due in 1 ms (at risk)',
    record('awaiting_seller', { cycleId: 'y1', warnAt: at(-DAY), dueAt: at(1) }),
    { buyer: ['message', 'resolve'], seller: ['message', 'noResponseNeeded'], support: ['message', 'note'] },
  ],
  [
    'awaiting_seller, no cycle (a claim took over)',
    record('awaiting_seller'),
    { buyer: ['message', 'resolve'], seller: ['message'], support: ['message', 'note'] },
  ],
  [
    'awaiting_buyer, no cycle',
    record('awaiting_buyer'),
    { buyer: ['message', 'resolve'], seller: ['message'], support: ['message', 'note'] },
  ],
  [
    'awaiting_buyer, late cycle',
    record('awaiting_buyer', late),
    { buyer: ['message', 'resolve', 'escalate'], seller: ['message'], support: ['message', 'note'] },
  ],
  [
    'escalated, with a cycle',
    record('escalated', late),
    { buyer: ['message', 'resolve'], seller: ['message', 'noResponseNeeded'], support: ['message', 'note'] },
  ],
  [
    'escalated, no cycle',
    record('escalated'),
    { buyer: ['message', 'resolve'], seller: ['message'], support: ['message', 'note'] },
  ],
  [
    'resolved a day ago',
    record('resolved', noCycle, at(-DAY)),
    { buyer: ['reopen'], seller: [], support: ['message', 'note'] },
  ],
  [
    'resolved exactly 30 days ago',
    record('resolved', noCycle, at(-30 * DAY)),
    { buyer: ['reopen'], seller: [], support: ['message', 'note'] },
  ],
  [
    'resolved 30 days and 1 ms ago',
    record('resolved', noCycle, at(-30 * DAY - 1)),
    { buyer: [], seller: [], support: ['message', 'note'] },
  ],
  ['resolved, no resolution time', record('resolved'), { buyer: ['reopen'], seller: [], support: ['message', 'note'] }],
  ['closed', record('closed', noCycle, at(-40 * DAY)), { buyer: [], seller: [], support: ['note'] }],
];

describe('caseAllowedActions', () => {
  describe.each(TABLE)('%s', (_label, facts, expected) => {
    it.each([
      ['buyer', buyer, expected.buyer],
      ['seller', seller, expected.seller],
      ['agent', agent, expected.support],
      ['admin', admin, expected.support],
    ] as const)('%s', (_role, caller, actions) => {
      expect(caseAllowedActions(facts, caller, NOW)).toEqual(actions);
    });

    it('another buyer or seller, who cannot see the case, may do nothing', () => {
      expect(caseAllowedActions(facts, otherBuyer, NOW)).toEqual([]);
      expect(caseAllowedActions(facts, otherSeller, NOW)).toEqual([]);
    });
  });

  it('lists actions in one fixed order, each a known name', () => {
    for (const [, facts] of TABLE) {
      for (const caller of [buyer, seller, agent, admin]) {
        const actions = caseAllowedActions(facts, caller, NOW);
        expect(actions).toEqual(CASE_ALLOWED_ACTIONS.filter((action) => actions.includes(action)));
      }
    }
  });
});
