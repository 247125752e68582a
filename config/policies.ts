/**
 * Policies, versioned (DOMAIN.md: "Calendars and policies are versioned"). A
 * clock uses the version in force when it starts; a new version is a new
 * entry here with the instant it takes effect, never an edit of an old one.
 */

export interface ReplyWindowPolicy {
  version: number;
  effectiveFrom: string;
  /** Business days on the seller's calendar without a reply before each level. */
  atRiskAfterBusinessDays: number;
  lateAfterBusinessDays: number;
  escalateAfterBusinessDays: number;
  /** A resolved case may be reopened by the buyer within this many days, and closes after this many days of silence. */
  reopenWithinDays: number;
  closeResolvedAfterDays: number;
}

export const REPLY_WINDOW_POLICIES: readonly ReplyWindowPolicy[] = [
  {
    version: 1,
    effectiveFrom: '2000-01-01T00:00:00Z',
    atRiskAfterBusinessDays: 1,
    lateAfterBusinessDays: 2,
    escalateAfterBusinessDays: 3,
    reopenWithinDays: 30,
    closeResolvedAfterDays: 30,
  },
];

/** The policy version in force at `at`. */
export function replyWindowPolicyAt(at: Date): ReplyWindowPolicy {
  const inForce = REPLY_WINDOW_POLICIES.filter((policy) => new Date(policy.effectiveFrom) <= at);
  return inForce.length > 0 ? inForce[inForce.length - 1] : REPLY_WINDOW_POLICIES[0];
}

export function replyWindowPolicy(version: number): ReplyWindowPolicy {
  const policy = REPLY_WINDOW_POLICIES.find((candidate) => candidate.version === version);
  if (!policy) throw new Error(`Unknown reply window policy version ${version}`);
  return policy;
}

export interface SupportPolicy {
  version: number;
  effectiveFrom: string;
  /** Business days on the marketplace calendar to the first agent action on an escalation. */
  firstActionBusinessDays: number;
}

export const SUPPORT_POLICIES: readonly SupportPolicy[] = [{ version: 1, effectiveFrom: '2000-01-01T00:00:00Z', firstActionBusinessDays: 1 }];

export function supportPolicyAt(at: Date): SupportPolicy {
  const inForce = SUPPORT_POLICIES.filter((policy) => new Date(policy.effectiveFrom) <= at);
  return inForce.length > 0 ? inForce[inForce.length - 1] : SUPPORT_POLICIES[0];
}
