import { CLAIM_POLICIES } from '../../config/policies.js';
import { BusinessCalendar } from '../calendar/business-calendar.js';
import { CLAIM_REASONS } from './claim.entity.js';
import { describeDuration, eligibility } from './eligibility.js';
import type { EligibilityFacts } from './eligibility.js';

/**
 * The situation code each answer carries (what the portal words its text
 * from), beside the rule: the same order as eligibility.spec.ts, a Los
 * Angeles seller, the latest delivery date Wed 2026-06-10, the window
 * closing 2026-09-09T07:00Z, the buyer's case Mon 06-08 17:00Z (the seller
 * has until Wed 06-10 17:00Z), item not received from 06-14T07:00Z.
 */
const LA = new BusinessCalendar({ timeZone: 'America/Los_Angeles', holidays: { country: 'US', subdivision: 'CA' } });
const POLICY = CLAIM_POLICIES[0];
const at = (iso: string) => new Date(iso);
const WINDOW_CLOSES = at('2026-09-09T07:00:00Z');

function facts(overrides: Partial<EligibilityFacts> = {}): EligibilityFacts {
  return {
    now: at('2026-06-20T12:00:00Z'),
    maxDeliveryDate: '2026-06-10',
    sellerCalendar: LA,
    deliveredAt: null,
    refundedAt: null,
    firstContactAt: at('2026-06-08T17:00:00Z'),
    openClaim: false,
    ...overrides,
  };
}

const codes = (input: EligibilityFacts) =>
  Object.fromEntries(eligibility(input, POLICY).map((answer) => [answer.reason, [answer.code, answer.rule]]));
const all = (code: string, rule: string | undefined) =>
  Object.fromEntries(CLAIM_REASONS.map((reason) => [reason, [code, rule]]));

describe('eligibility: the code of the situation the buyer is in', () => {
  it.each([
    ['eligible', {}, all('can_claim', undefined)],
    ['refunded', { refundedAt: at('2026-06-12T00:00:00Z') }, all('refunded', 'refunded')],
    ['another open claim', { openClaim: true }, all('open_claim', 'open_claim_exists')],
    ['after the window', { now: WINDOW_CLOSES }, all('window_closed', 'window_closed')],
    ['no case yet', { firstContactAt: null }, all('contact_seller', 'contact_seller_first')],
    [
      'the seller still has time to answer the case',
      { now: at('2026-06-09T19:00:00Z') },
      {
        ...all('seller_answering', 'contact_seller_first'),
        item_not_received: ['not_late_yet', 'too_early'],
      },
    ],
    [
      'the seller’s time is over, the item is not late yet',
      { now: at('2026-06-12T12:00:00Z') },
      { ...all('can_claim', undefined), item_not_received: ['not_late_yet', 'too_early'] },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(codes(facts(overrides))).toEqual(expected);
  });

  it('tells a buyer without a case that no claim can follow when the seller’s time would outlast the window', () => {
    // Mon 2026-09-07 is Labor Day in California: 2 business days from Sun 09-06 12:00Z end Wed 09-09, after 07:00Z.
    const late = eligibility(facts({ firstContactAt: null, now: at('2026-09-06T12:00:00Z') }), POLICY);
    for (const answer of late) {
      expect(answer).toMatchObject({ eligible: false, rule: 'window_closed', code: 'window_closes_first' });
      expect(answer.eligibleAt).toBeUndefined();
    }
    // A week earlier there is time: contact the seller first.
    const early = eligibility(facts({ firstContactAt: null, now: at('2026-08-30T12:00:00Z') }), POLICY);
    for (const answer of early) expect(answer).toMatchObject({ rule: 'contact_seller_first', code: 'contact_seller' });
  });

  it('gives every answer the end of the filing window', () => {
    for (const input of [facts(), facts({ refundedAt: at('2026-06-12T00:00:00Z') }), facts({ firstContactAt: null })])
      for (const answer of eligibility(input, POLICY)) expect(answer.windowClosesAt).toEqual(WINDOW_CLOSES);
  });

  it('says durations with the right number', () => {
    expect(
      [{ hours: 1 }, { hours: 48 }, { days: 1 }, { businessDays: 1 }, { businessDays: 2 }].map(describeDuration),
    ).toEqual(['1 hour', '48 hours', '1 day', '1 business day', '2 business days']);
  });
});
