/**
 * Policies, versioned (docs/domain.md: "Calendars and policies are versioned"). A
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
  return inForceAt(REPLY_WINDOW_POLICIES, at);
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

export const SUPPORT_POLICIES: readonly SupportPolicy[] = [
  { version: 1, effectiveFrom: '2000-01-01T00:00:00Z', firstActionBusinessDays: 1 },
];

export function supportPolicyAt(at: Date): SupportPolicy {
  return inForceAt(SUPPORT_POLICIES, at);
}

/** The thresholds behind a seller's standing (docs/domain.md, "Seller performance"). */
export interface SellerStandingPolicy {
  version: number;
  effectiveFrom: string;
  /** The windows, in days, that performance is reported over. */
  windowsDays: number[];
  /** The window the standing is judged on. */
  standingWindowDays: number;
  /** Below this share of buyer messages answered within 24 hours: at risk. */
  responseWithin24hRate: number;
  /** Below this share of reply cycles answered before late: flagged. */
  onTimeReplyRate: number;
  /** At or above this share of orders with a claim (not denied, not withdrawn) in the defect window: flagged. */
  orderDefectRate: number;
}

export const SELLER_STANDING_POLICIES: readonly SellerStandingPolicy[] = [
  {
    version: 1,
    effectiveFrom: '2000-01-01T00:00:00Z',
    windowsDays: [7, 30, 90],
    standingWindowDays: 30,
    responseWithin24hRate: 0.9,
    onTimeReplyRate: 0.95,
    orderDefectRate: 0.01,
  },
];

export function sellerStandingPolicyAt(at: Date): SellerStandingPolicy {
  return inForceAt(SELLER_STANDING_POLICIES, at);
}

/**
 * A span of time in a claim policy: wall-clock hours or calendar days by
 * default, or business days on the marketplace calendar.
 */
export type PolicyDuration = { hours: number } | { days: number } | { businessDays: number };

/** Buyer-protection claims (docs/claims.md). Each claim keeps the version it was filed under. */
export interface ClaimPolicy {
  version: number;
  effectiveFrom: string;
  /** After the buyer first contacts the seller about the order, this long on the seller's calendar before a claim. */
  contactSellerFirst: PolicyDuration;
  /** Item not received: claimable this many days after the maximum delivery date (or once delivered). */
  itemNotReceivedAfterDays: number;
  /** Claims may be filed until this many days after the maximum delivery date. */
  filingWindowDays: number;
  /** The seller's time to respond to a claim. */
  sellerResponse: PolicyDuration;
  /** A party's time to answer an agent's request for information. */
  infoRequest: PolicyDuration;
  /** The time after a decision within which the party it went against may appeal. */
  appealWindow: PolicyDuration;
  /** Seller silence: to an agent flagged `no_seller_response` (review), or granted seller-funded at once (grant). */
  noResponse: 'review' | 'grant';
  /** Claims and orders counted in the claim rate and order defect rate. */
  defectWindowDays: number;
}

export const CLAIM_POLICIES: readonly ClaimPolicy[] = [
  {
    version: 1,
    effectiveFrom: '2000-01-01T00:00:00Z',
    contactSellerFirst: { businessDays: 2 },
    itemNotReceivedAfterDays: 3,
    filingWindowDays: 90,
    sellerResponse: { hours: 72 },
    infoRequest: { hours: 72 },
    appealWindow: { days: 30 },
    noResponse: 'review',
    defectWindowDays: 60,
  },
];

function inForceAt<P extends { effectiveFrom: string }>(policies: readonly P[], at: Date): P {
  const inForce = policies.filter((policy) => new Date(policy.effectiveFrom) <= at);
  return inForce.length > 0 ? inForce[inForce.length - 1] : policies[0];
}
