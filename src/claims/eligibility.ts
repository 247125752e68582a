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
  detail: string;
}

/** `start` plus a policy duration: wall-clock hours, calendar days, or business days on `calendar`. */
export function addPolicyDuration(start: Date, duration: PolicyDuration, calendar: BusinessCalendar): Date {
  if ('hours' in duration) return new Date(start.getTime() + duration.hours * 3_600_000);
  if ('days' in duration) return new Date(start.getTime() + duration.days * DAY_MS);
  return calendar.addBusinessDays(start, duration.businessDays);
}

export function describeDuration(duration: PolicyDuration): string {
  if ('hours' in duration) return `${duration.hours} hours`;
  if ('days' in duration) return `${duration.days} days`;
  return `${duration.businessDays} business day${duration.businessDays === 1 ? '' : 's'}`;
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

  return CLAIM_REASONS.map((reason): ReasonEligibility => {
    if (facts.refundedAt) return { reason, eligible: false, rule: 'refunded', detail: 'The order was refunded' };
    if (facts.openClaim)
      return { reason, eligible: false, rule: 'open_claim_exists', detail: 'This order already has an open claim' };
    if (facts.now >= windowCloses) {
      return {
        reason,
        eligible: false,
        rule: 'window_closed',
        detail: `Claims could be filed until ${windowCloses.toISOString()}, ${policy.filingWindowDays} days after the latest delivery date`,
      };
    }
    if (!contactUntil) {
      return {
        reason,
        eligible: false,
        rule: 'contact_seller_first',
        detail: `Contact the seller about this order first; a claim is possible ${describeDuration(policy.contactSellerFirst)} later if it is not sorted out`,
      };
    }
    const waits: { rule: EligibilityRule; until: Date; detail: string }[] = [
      {
        rule: 'contact_seller_first',
        until: contactUntil,
        detail: `The seller has ${describeDuration(policy.contactSellerFirst)} to answer your case, until ${contactUntil.toISOString()}`,
      },
    ];
    if (reason === 'item_not_received') {
      waits.push({
        rule: 'too_early',
        until: notReceivedFrom,
        detail: `An item counts as not received ${policy.itemNotReceivedAfterDays} days after the latest delivery date, from ${notReceivedFrom.toISOString()}`,
      });
    }
    const pending = waits
      .filter((wait) => wait.until > facts.now)
      .sort((a, b) => b.until.getTime() - a.until.getTime());
    if (pending.length === 0) return { reason, eligible: true, detail: 'A claim can be filed now' };
    const binding = pending[0];
    if (binding.until >= windowCloses) {
      return {
        reason,
        eligible: false,
        rule: 'window_closed',
        detail: `The filing window closes at ${windowCloses.toISOString()}, before a claim would be possible`,
      };
    }
    return { reason, eligible: false, eligibleAt: binding.until, rule: binding.rule, detail: binding.detail };
  });
}
