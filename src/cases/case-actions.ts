import { replyWindowPolicyAt } from '../../config/policies.js';
import { allows, canSeeCase } from '../access/access.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { CaseRecord } from './case.entity.js';
import { CaseAction, canTransition } from './case-status.js';
import { slaStateOf } from './case-views.js';

/**
 * What a caller may do to a case, named after the API's operations:
 * - `message`: `POST /cases/:id/messages` (each party, and support, in the states its message is allowed in)
 * - `note`: the same with `internal: true` (support, any state)
 * - `noResponseNeeded`: `POST /cases/:id/no-response-needed` (the seller, while a buyer message waits for a reply)
 * - `resolve`: `POST /cases/:id/resolve` (the buyer, while the case is open)
 * - `reopen`: `POST /cases/:id/reopen` (the buyer, within the reply-window policy's days of the resolution)
 * - `escalate`: `POST /cases/:id/escalate` (the buyer, once the seller is late to reply)
 */
export const CASE_ALLOWED_ACTIONS = ['message', 'note', 'noResponseNeeded', 'resolve', 'reopen', 'escalate'] as const;
export type CaseAllowedAction = (typeof CASE_ALLOWED_ACTIONS)[number];

const DAY_MS = 86_400_000;

/** A resolved case may be reopened within the reply-window policy's days of its resolution (CasesService.reopen refuses later). */
export function withinReopenWindow(resolvedAt: Date | null, now: Date): boolean {
  return (
    resolvedAt === null || now.getTime() - resolvedAt.getTime() <= replyWindowPolicyAt(now).reopenWithinDays * DAY_MS
  );
}

/** What a case's rules read. */
export type CaseFacts = Pick<
  CaseRecord,
  'buyerId' | 'sellerId' | 'status' | 'cycleId' | 'warnAt' | 'dueAt' | 'resolvedAt'
>;

/** The state-machine action a message by this role takes. */
const messageAction = (caller: Pick<Caller, 'role'>): CaseAction =>
  caller.role === 'buyer' ? 'buyer_message' : caller.role === 'seller' ? 'seller_message' : 'agent_message';

/**
 * The actions `caller` may take on `record` at `now`: the access rules
 * (`access.ts`), the state machine (`case-status.ts`) and the conditions
 * CasesService checks on top of them, so that each listed action succeeds
 * and each other one is refused (403 or 409). Content (the body of a
 * message) and the posting rate limit are not part of the answer.
 */
export function caseAllowedActions(record: CaseFacts, caller: Caller, now: Date): CaseAllowedAction[] {
  if (!canSeeCase(caller, record)) return [];
  const { status } = record;
  const rules: Record<CaseAllowedAction, () => boolean> = {
    message: () => allows(caller, 'case.message') && canTransition(status, messageAction(caller)),
    note: () => allows(caller, 'case.note') && canTransition(status, 'internal_note'),
    noResponseNeeded: () =>
      allows(caller, 'case.noResponseNeeded') && canTransition(status, 'no_response_needed') && record.cycleId !== null,
    resolve: () => allows(caller, 'case.resolve') && canTransition(status, 'resolve'),
    reopen: () =>
      allows(caller, 'case.reopen') && canTransition(status, 'reopen') && withinReopenWindow(record.resolvedAt, now),
    escalate: () =>
      allows(caller, 'case.escalate') && canTransition(status, 'escalate') && slaStateOf(record, now) === 'late',
  };
  return CASE_ALLOWED_ACTIONS.filter((action) => rules[action]());
}
