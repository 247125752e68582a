import { allows, canSeeEscalation } from '../access/access.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { Escalation } from '../escalations/escalation.entity.js';

/**
 * What support may do to an escalation, named after the API's operations:
 * - `assign`: `POST /escalations/:id/assign` (nobody holds it)
 * - `takeOver`: the same with `reassign: true` (another agent holds it)
 * - `wait`: `POST /escalations/:id/wait`
 * - `resume`: `POST /escalations/:id/resume` (while waiting on a party)
 * - `resolve`: `POST /escalations/:id/resolve` (nobody else holds it; a claim or a phishing report ends with its own decision instead)
 */
export const ESCALATION_ALLOWED_ACTIONS = ['assign', 'takeOver', 'wait', 'resume', 'resolve'] as const;
export type EscalationAllowedAction = (typeof ESCALATION_ALLOWED_ACTIONS)[number];

export type EscalationFacts = Pick<Escalation, 'status' | 'assigneeId' | 'reason' | 'waitingOn' | 'caseId'>;

/** The actions `caller` may take on `escalation`, as SupportQueueService decides them: each listed one succeeds, any other is refused. */
export function escalationAllowedActions(escalation: EscalationFacts, caller: Caller): EscalationAllowedAction[] {
  if (!canSeeEscalation(caller) || !allows(caller, 'escalation.act') || escalation.status === 'resolved') return [];
  const holder = escalation.status === 'assigned' ? escalation.assigneeId : null;
  const rules: Record<EscalationAllowedAction, boolean> = {
    assign: holder === null,
    takeOver: holder !== null && holder !== caller.id,
    wait: true,
    resume: escalation.waitingOn !== null,
    resolve:
      (holder === null || holder === caller.id) &&
      escalation.reason !== 'claim' &&
      escalation.reason !== 'phishing_report' &&
      escalation.caseId !== null,
  };
  return ESCALATION_ALLOWED_ACTIONS.filter((action) => rules[action]);
}
