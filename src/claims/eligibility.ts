import type { ClaimPolicy, PolicyDuration } from '../../config/policies.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { DAY_MS, parseIsoDate } from '../calendar/civil.js';
import { CLAIM_REASONS, ClaimReason } from './claim.entity.js';

export const ELIGIBILITY_RULES = [
  'contact_seller_first',
  'too_early',
  'window_closed',
  'open_claim_exists',
  'refunded',
] as const;
export type EligibilityRule = (typeof ELIGIBILITY_RULES)[number];

/**
 * Where the buyer stands for one reason, finer than the rule that holds the
 * claim back, so that a reader is told what applies to it now:
 * `contact_seller` (no case with the seller yet) and `seller_answering`
 * (the seller still has time to answer the buyer's case) are both the rule
 * `contact_seller_first`; `window_closed` (the filing window has ended) and
 * `window_closes_first` (it ends before the wait would) are both the rule
 * `window_closed`.
 */
export const ELIGIBILITY_CODES = [
  'can_claim',
  'refunded',
  'open_claim',
  'window_closed',
  'window_closes_first',
  'contact_seller',
  'seller_answering',
  'not_late_yet',
] as const;
export type EligibilityCode = (typeof ELIGIBILITY_CODES)[number];

/** What eligibility is decided from: one order's facts at one instant. */
export interface EligibilityFacts {
  now: Date;
  /** The order's maximum estimated delivery date (YYYY-MM-DD) and the seller's calendar it is read on. */
  maxDeliveryDate: string;
  sellerCalendar: BusinessCalendar;
  deliveredAt: Date | null;
  refundedAt: Date | null;
  /** When the buyer first opened a case with the seller about this order; null when never. */
  firstContactAt: Date | null;
  openClaim: boolean;
}

export interface ReasonEligibility {
  reason: ClaimReason;
  eligible: boolean;
  /** Not yet eligible: the earliest instant a claim may be filed, when one is known. */
  eligibleAt?: Date;
  rule?: EligibilityRule;
  code: EligibilityCode;
  /** The end of the filing window: claims about the order are possible until then. */
  windowClosesAt: Date;
  detail: string;
}

/** `start` plus a policy duration: wall-clock hours, calendar days, or business days on `calendar`. */
export function addPolicyDuration(start: Date, duration: PolicyDuration, calendar: BusinessCalendar): Date {
  if ('hours' in duration) return new Date(start.getTime() + duration.hours * 3_600_000);
  if ('days' in duration) return new Date(start.getTime() + duration.days * DAY_MS);
  return calendar.addBusinessDays(start, duration.businessDays);
}

export function describeDuration(duration: PolicyDuration): string {
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if ('hours' in duration) return count(duration.hours, 'hour');
  if ('days' in duration) return count(duration.days, 'day');
  return count(duration.businessDays, 'business day');
}

/** The end of a local date on a calendar: midnight at the start of the next day, in its time zone. */
export function endOfLocalDate(date: string, calendar: BusinessCalendar): Date {
  const day = parseIsoDate(date);
  if (day === undefined) throw new RangeError(`Not a date: ${date}`);
  return new Date(calendar.zone.toInstant((day + 1) * DAY_MS));
}

/**
 * For each reason: may the buyer file a claim now, and if not, until when or
 * why never (docs/claims.md, "Eligibility"). Rules that close the door for
 * good come first (refunded, another open claim, the filing window); then
 * the ones that only make the buyer wait, and the latest of those wins.
 */
export function eligibility(facts: EligibilityFacts, policy: ClaimPolicy): ReasonEligibility[] {
  const deliveryEnd = endOfLocalDate(facts.maxDeliveryDate, facts.sellerCalendar);
  const windowCloses = new Date(deliveryEnd.getTime() + policy.filingWindowDays * DAY_MS);
  const contactUntil = facts.firstContactAt
    ? addPolicyDuration(facts.firstContactAt, policy.contactSellerFirst, facts.sellerCalendar)
    : null;
  const notReceivedFrom = new Date(
    Math.min(
      facts.deliveredAt?.getTime() ?? Infinity,
      deliveryEnd.getTime() + policy.itemNotReceivedAfterDays * DAY_MS,
    ),
  );
  const closesFirst = {
    eligible: false,
    rule: 'window_closed',
    code: 'window_closes_first',
    windowClosesAt: windowCloses,
    detail: `The filing window closes at ${windowCloses.toISOString()}, before a claim would be possible`,
  } as const;

  // Without a case, contacting the seller now starts the seller's time: worked out once for every reason.
  const answerIfContactedNow = contactUntil
    ? undefined
    : addPolicyDuration(facts.now, policy.contactSellerFirst, facts.sellerCalendar);

  return CLAIM_REASONS.map((reason): ReasonEligibility => {
    const never = (rule: EligibilityRule, code: EligibilityCode, detail: string): ReasonEligibility => ({
      reason,
      eligible: false,
      rule,
      code,
      windowClosesAt: windowCloses,
      detail,
    });
    if (facts.refundedAt) return never('refunded', 'refunded', 'The order was refunded');
    if (facts.openClaim) return never('open_claim_exists', 'open_claim', 'This order already has an open claim');
    if (facts.now >= windowCloses) {
      return never(
        'window_closed',
        'window_closed',
        `Claims could be filed until ${windowCloses.toISOString()}, ${policy.filingWindowDays} days after the latest delivery date`,
      );
    }
    if (!contactUntil) {
      // When the seller's time would end after the window, no claim can follow.
      if (answerIfContactedNow! >= windowCloses) return { reason, ...closesFirst };
      return never(
        'contact_seller_first',
        'contact_seller',
        `Contact the seller about this order first; a claim is possible ${describeDuration(policy.contactSellerFirst)} later if it is not sorted out`,
      );
    }
    const waits: { rule: EligibilityRule; code: EligibilityCode; until: Date; detail: string }[] = [
      {
        rule: 'contact_seller_first',
        code: 'seller_answering',
        until: contactUntil,
        detail: `The seller has ${describeDuration(policy.contactSellerFirst)} to answer your case, until ${contactUntil.toISOString()}`,
      },
    ];
    if (reason === 'item_not_received') {
      waits.push({
        rule: 'too_early',
        code: 'not_late_yet',
        until: notReceivedFrom,
        detail: `An item counts as not received ${policy.itemNotReceivedAfterDays} days after the latest delivery date, from ${notReceivedFrom.toISOString()}`,
      });
    }
    const pending = waits
      .filter((wait) => wait.until > facts.now)
      .sort((a, b) => b.until.getTime() - a.until.getTime());
    if (pending.length === 0)
      return {
        reason,
        eligible: true,
        code: 'can_claim',
        windowClosesAt: windowCloses,
        detail: 'A claim can be filed now',
      };
    const binding = pending[0];
    if (binding.until >= windowCloses) return { reason, ...closesFirst };
    return {
      reason,
      eligible: false,
      eligibleAt: binding.until,
      rule: binding.rule,
      code: binding.code,
      windowClosesAt: windowCloses,
      detail: binding.detail,
    };
  });
}
