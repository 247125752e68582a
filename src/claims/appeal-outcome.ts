import type { Funding } from './claim.entity.js';

export type Decision = 'granted' | 'denied';
export type AppealVerdict = 'upheld' | 'reversed';

/** What an appeal's verdict means for a claim (docs/claims.md, "Appeal"). */
export interface AppealOutcome {
  /** The claim's outcome from now on. */
  outcome: Decision;
  /** Whether the marketplace now pays a refund it did not pay before (a reversed denial). */
  grantsNow: boolean;
  /** Whether the first decision's refund is undone (a reversed grant). */
  undoesRefund: boolean;
}

/** The party a decision went against: the one who may appeal it. */
export const appellantOf = (decision: Decision): 'buyer' | 'seller' => (decision === 'granted' ? 'seller' : 'buyer');

/** Upheld keeps the first decision; reversed turns it around. */
export function appealOutcome(first: Decision, verdict: AppealVerdict): AppealOutcome {
  const outcome: Decision = verdict === 'upheld' ? first : first === 'granted' ? 'denied' : 'granted';
  return {
    outcome,
    grantsNow: verdict === 'reversed' && outcome === 'granted',
    undoesRefund: verdict === 'reversed' && first === 'granted',
  };
}

/**
 * Who funds the refund a reversed denial grants: the agent's choice, the
 * seller by default. Null when the verdict grants nothing (then funding and
 * a refund may not be given at all).
 */
export function appealFunding(outcome: AppealOutcome, chosen: Funding | undefined): Funding | null {
  return outcome.grantsNow ? (chosen ?? 'seller') : null;
}
