import fc from 'fast-check';
import { CLAIM_POLICIES } from '../../config/policies.js';
import type { ClaimPolicy } from '../../config/policies.js';
import { BusinessCalendar } from '../calendar/business-calendar.js';
import { CLAIM_REASONS } from './claim.entity.js';
import type { ClaimReason } from './claim.entity.js';
import { addPolicyDuration, describeDuration, eligibility, endOfLocalDate } from './eligibility.js';
import type { EligibilityFacts, EligibilityRule, ReasonEligibility } from './eligibility.js';

/**
 * The claim-eligibility rules of docs/claims.md ("Eligibility, explained"),
 * checked against instants worked out by hand from those rules and the
 * sellers' calendars (the arithmetic is in the comments next to each one).
 *
 * Two sellers: one in Los Angeles (Mon–Fri, US-CA public holidays) and a
 * Bavarian one in Berlin (Mon–Fri, DE-BY public holidays). Los Angeles is
 * UTC−7 (PDT) from 8 March to 1 November 2026 and UTC−8 (PST) outside it;
 * Berlin is UTC+2 (CEST) from 29 March to 25 October 2026 and UTC+1 (CET)
 * outside it.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;

const LA = new BusinessCalendar({ timeZone: 'America/Los_Angeles', holidays: { country: 'US', subdivision: 'CA' } });
const BERLIN = new BusinessCalendar({ timeZone: 'Europe/Berlin', holidays: { country: 'DE', subdivision: 'BY' } });
/** Chile moves its clocks at local midnight: on 2026-09-06 00:00 (−04) becomes 01:00 (−03). */
const SANTIAGO = new BusinessCalendar({ timeZone: 'America/Santiago' });

const POLICY: ClaimPolicy = CLAIM_POLICIES[0];
const OTHER_REASONS = CLAIM_REASONS.filter((reason) => reason !== 'item_not_received');

const at = (iso: string) => new Date(iso);
const plus = (instant: Date, ms: number) => new Date(instant.getTime() + ms);

// The default order, on the Los Angeles seller's calendar (June 2026, all PDT, no holidays near):
// - the maximum delivery date is Wednesday 2026-06-10; its end is Thursday 06-11 00:00 PDT = 07:00Z;
// - item not received counts from 3 days later: Sunday 06-14 00:00 PDT = 2026-06-14T07:00Z;
// - the filing window closes 90 days after the end: 06-11 + 90 days = 09-09 (19 days to 06-30,
//   31 to 07-31, 31 to 08-31, 9 more), still PDT: 2026-09-09T07:00Z;
// - the buyer opened a case on Monday 06-08 10:00 PDT (17:00Z): 2 business days later is
//   Wednesday 06-10 10:00 PDT = 2026-06-10T17:00Z.
const MAX_DATE = '2026-06-10';
const DELIVERY_END = at('2026-06-11T07:00:00Z');
const NOT_RECEIVED_FROM = at('2026-06-14T07:00:00Z');
const WINDOW_CLOSES = at('2026-09-09T07:00:00Z');
const CONTACT = at('2026-06-08T17:00:00Z');
const CONTACT_UNTIL = at('2026-06-10T17:00:00Z');

function facts(overrides: Partial<EligibilityFacts> = {}): EligibilityFacts {
  return {
    now: at('2026-06-20T12:00:00Z'),
    maxDeliveryDate: MAX_DATE,
    sellerCalendar: LA,
    deliveredAt: null,
    refundedAt: null,
    firstContactAt: CONTACT,
    openClaim: false,
    ...overrides,
  };
}

/** The answers by reason, after checking there is exactly one per reason, in CLAIM_REASONS order. */
function answers(input: EligibilityFacts, policy: ClaimPolicy = POLICY): Record<ClaimReason, ReasonEligibility> {
  const list = eligibility(input, policy);
  expect(list.map((answer) => answer.reason)).toEqual([...CLAIM_REASONS]);
  return Object.fromEntries(list.map((answer) => [answer.reason, answer])) as Record<ClaimReason, ReasonEligibility>;
}

interface View {
  eligible: boolean;
  rule: EligibilityRule | undefined;
  eligibleAt: string | undefined;
}
const view = (answer: ReasonEligibility): View => ({
  eligible: answer.eligible,
  rule: answer.rule,
  eligibleAt: answer.eligibleAt?.toISOString(),
});
const views = (input: EligibilityFacts, policy: ClaimPolicy = POLICY): Record<ClaimReason, View> => {
  const byReason = answers(input, policy);
  return Object.fromEntries(CLAIM_REASONS.map((reason) => [reason, view(byReason[reason])])) as Record<
    ClaimReason,
    View
  >;
};

const OK: View = { eligible: true, rule: undefined, eligibleAt: undefined };
const waitUntil = (rule: EligibilityRule, instant: Date | string): View => ({
  eligible: false,
  rule,
  eligibleAt: (typeof instant === 'string' ? at(instant) : instant).toISOString(),
});
const never = (rule: EligibilityRule): View => ({ eligible: false, rule, eligibleAt: undefined });
const all = (expected: View): Record<ClaimReason, View> =>
  Object.fromEntries(CLAIM_REASONS.map((reason) => [reason, expected])) as Record<ClaimReason, View>;
const split = (itemNotReceived: View, others: View): Record<ClaimReason, View> => ({
  ...all(others),
  item_not_received: itemNotReceived,
});

describe('the claim policy the examples assume (docs/claims.md)', () => {
  it('is version 1: 2 business days after contacting the seller, item not received after 3 days, a 90-day window', () => {
    expect(CLAIM_POLICIES.map((policy) => policy.version)).toContain(1);
    expect(POLICY.version).toBe(1);
    expect(POLICY.contactSellerFirst).toEqual({ businessDays: 2 });
    expect(POLICY.itemNotReceivedAfterDays).toBe(3);
    expect(POLICY.filingWindowDays).toBe(90);
  });
});

describe('eligibility: contact_seller_first', () => {
  it('without a case about the order, no reason is eligible and none has an eligibleAt', () => {
    // Well after the 3-day mark and the seller's 2 business days would have been: only the missing case holds it back.
    const result = answers(facts({ firstContactAt: null, now: at('2026-06-20T12:00:00Z') }));
    for (const reason of CLAIM_REASONS) {
      expect(view(result[reason])).toEqual(never('contact_seller_first'));
      expect(result[reason].eligibleAt).toBeUndefined();
      expect(result[reason].detail).toContain('2 business days');
    }
  });

  it('with a case, waits the seller’s 2 business days from the first contact', () => {
    // Case Mon 06-08 10:00 PDT, now Tue 06-09 12:00 PDT: the wait ends Wed 06-10 10:00 PDT; item not received waits longer, for the 14th.
    const result = answers(facts({ now: at('2026-06-09T19:00:00Z') }));
    for (const reason of OTHER_REASONS) {
      expect(view(result[reason])).toEqual(waitUntil('contact_seller_first', CONTACT_UNTIL));
      expect(result[reason].detail).toContain(CONTACT_UNTIL.toISOString());
      expect(result[reason].detail).toContain('2 business days');
    }
    expect(view(result.item_not_received)).toEqual(waitUntil('too_early', NOT_RECEIVED_FROM));
  });

  it('ends exactly at the end of the business days: 1 ms before is a wait, at it a claim is possible', () => {
    expect(views(facts({ now: plus(CONTACT_UNTIL, -1) }))).toEqual(
      split(waitUntil('too_early', NOT_RECEIVED_FROM), waitUntil('contact_seller_first', CONTACT_UNTIL)),
    );
    expect(views(facts({ now: CONTACT_UNTIL }))).toEqual(split(waitUntil('too_early', NOT_RECEIVED_FROM), OK));
  });

  it('counts from the first contact, not from now', () => {
    // The same case seen a day later still ends at the same instant.
    expect(view(answers(facts({ now: at('2026-06-08T18:00:00Z') })).damaged_or_defective)).toEqual(
      waitUntil('contact_seller_first', CONTACT_UNTIL),
    );
    expect(view(answers(facts({ now: at('2026-06-09T18:00:00Z') })).damaged_or_defective)).toEqual(
      waitUntil('contact_seller_first', CONTACT_UNTIL),
    );
  });

  // Each row: the seller's calendar, the first contact, and the end of 2 business days worked out on that calendar.
  it.each<[string, BusinessCalendar, string, string]>([
    // docs/claims.md's example: Thu 24 Dec 10:00 CET; Fri 25 and Sat 26 are holidays, Sat/Sun the weekend; Mon 28 is 1, Tue 29 is 2: 10:00 CET.
    [
      'Bavarian seller, case Thu 24 Dec 10:00 (the documented example)',
      BERLIN,
      '2026-12-24T09:00:00Z',
      '2026-12-29T09:00:00Z',
    ],
    // A case on Christmas Day itself: the clock starts at the next opening, Mon 28 00:00 CET; +2 is Wed 30 00:00 CET = Tue 23:00Z.
    ['Bavarian seller, case on Christmas Day', BERLIN, '2026-12-25T09:00:00Z', '2026-12-29T23:00:00Z'],
    // Mon 4 Jan 2027 10:00 CET: Tue 5 is 1, Wed 6 (Epiphany, DE-BY) is skipped, Thu 7 is 2.
    ['Bavarian seller over Epiphany', BERLIN, '2027-01-04T09:00:00Z', '2027-01-07T09:00:00Z'],
    // The same instant is Mon 01:00 PST in Los Angeles, where 6 January is a working day: Wed 6 01:00 PST.
    [
      'Los Angeles seller, the same instant (Epiphany is no holiday there)',
      LA,
      '2027-01-04T09:00:00Z',
      '2027-01-06T09:00:00Z',
    ],
    // Wed 25 Nov 10:00 PST: Thanksgiving and the day after (US-CA) and the weekend are skipped; Mon 30 is 1, Tue 1 Dec is 2.
    ['Los Angeles seller, case the Wednesday before Thanksgiving', LA, '2026-11-25T18:00:00Z', '2026-12-01T18:00:00Z'],
    // On Thanksgiving (09:00 PST) the clock starts Mon 30 Nov 00:00 PST; +2 is Wed 2 Dec 00:00 PST = 08:00Z.
    ['Los Angeles seller, case on Thanksgiving', LA, '2026-11-26T17:00:00Z', '2026-12-02T08:00:00Z'],
    // The same instant is Thu 18:00 CET in Berlin, a working day: Fri 27 is 1, Mon 30 is 2, at 18:00 CET.
    [
      'Bavarian seller, the same instant (US Thanksgiving is a working day there)',
      BERLIN,
      '2026-11-26T17:00:00Z',
      '2026-11-30T17:00:00Z',
    ],
    // Thu 2 Jul 10:00 PDT: Fri 3 Jul is Independence Day observed, then the weekend; Mon 6 is 1, Tue 7 is 2.
    [
      'Los Angeles seller, before Independence Day (observed Fri 3 July)',
      LA,
      '2026-07-02T17:00:00Z',
      '2026-07-07T17:00:00Z',
    ],
    // Sat 13 Jun 10:00 PDT: the clock starts Mon 15 00:00 PDT; +2 is Wed 17 00:00 PDT = 07:00Z.
    ['Los Angeles seller, case on a Saturday', LA, '2026-06-13T17:00:00Z', '2026-06-17T07:00:00Z'],
    // Fri 6 Mar 10:00 PST; DST starts Sun 8 Mar; Tue 10 Mar 10:00 is PDT = 17:00Z.
    [
      'Los Angeles seller, across the start of DST (still 10:00 local)',
      LA,
      '2026-03-06T18:00:00Z',
      '2026-03-10T17:00:00Z',
    ],
    // Fri 23 Oct 10:00 CEST; DST ends Sun 25 Oct; Mon 26 is 1, Tue 27 is 2: 10:00 CET = 09:00Z.
    [
      'Bavarian seller, across the end of DST (still 10:00 local)',
      BERLIN,
      '2026-10-23T08:00:00Z',
      '2026-10-27T09:00:00Z',
    ],
  ])('%s', (_label, calendar, contact, expected) => {
    const firstContactAt = at(contact);
    const until = at(expected);
    // The contact's own date as the maximum delivery date: the window is 90 days away.
    const base = facts({ sellerCalendar: calendar, firstContactAt, maxDeliveryDate: contact.slice(0, 10) });
    const waiting = answers({ ...base, now: plus(firstContactAt, 1) });
    for (const reason of OTHER_REASONS) expect(view(waiting[reason])).toEqual(waitUntil('contact_seller_first', until));
    for (const reason of OTHER_REASONS)
      expect(view(answers({ ...base, now: plus(until, -1) })[reason])).toEqual(
        waitUntil('contact_seller_first', until),
      );
    for (const reason of OTHER_REASONS) expect(view(answers({ ...base, now: until })[reason])).toEqual(OK);
  });

  it('the documented example holds for item not received too: the 3-day mark passes before the seller’s days end', () => {
    // Maximum delivery date Tue 22 Dec: its end is Wed 23 00:00 CET = 22 Dec 23:00Z; 3 days later is 25 Dec 23:00Z, before 29 Dec 09:00Z.
    const base = facts({
      sellerCalendar: BERLIN,
      maxDeliveryDate: '2026-12-22',
      firstContactAt: at('2026-12-24T09:00:00Z'),
    });
    expect(views({ ...base, now: at('2026-12-24T09:00:00Z') })).toEqual(
      all(waitUntil('contact_seller_first', '2026-12-29T09:00:00Z')),
    );
    expect(views({ ...base, now: at('2026-12-29T08:59:59.999Z') })).toEqual(
      all(waitUntil('contact_seller_first', '2026-12-29T09:00:00Z')),
    );
    expect(views({ ...base, now: at('2026-12-29T09:00:00Z') })).toEqual(all(OK));
  });

  it('follows the policy’s duration, whatever its unit', () => {
    // 48 wall-clock hours from Mon 06-08 17:00Z is Wed 06-10 17:00Z; 5 calendar days is Sat 06-13 17:00Z.
    const hours = { ...POLICY, contactSellerFirst: { hours: 48 } };
    const days = { ...POLICY, contactSellerFirst: { days: 5 } };
    const now = at('2026-06-09T00:00:00Z');
    expect(view(answers(facts({ now }), hours).not_as_described)).toEqual(
      waitUntil('contact_seller_first', '2026-06-10T17:00:00Z'),
    );
    expect(view(answers(facts({ now }), days).not_as_described)).toEqual(
      waitUntil('contact_seller_first', '2026-06-13T17:00:00Z'),
    );
    expect(answers(facts({ now, firstContactAt: null }), hours).not_as_described.detail).toContain('48 hours');
    expect(answers(facts({ now }), days).not_as_described.detail).toContain('5 days');
  });
});

describe('eligibility: too_early (item not received only)', () => {
  it('waits until 3 days after the end of the maximum delivery date; the other reasons do not', () => {
    // The seller's days are over (06-10 17:00Z); now Fri 06-12: item not received waits for Sun 06-14 00:00 PDT.
    const result = answers(facts({ now: at('2026-06-12T12:00:00Z') }));
    expect(view(result.item_not_received)).toEqual(waitUntil('too_early', NOT_RECEIVED_FROM));
    expect(result.item_not_received.detail).toContain(NOT_RECEIVED_FROM.toISOString());
    expect(result.item_not_received.detail).toContain('3 days');
    for (const reason of OTHER_REASONS) expect(view(result[reason])).toEqual(OK);
  });

  it('is relative to the end of the date (midnight after it), not its start', () => {
    // 3 days after the start of 06-10 (06-13 07:00Z) is still too early: the count starts at midnight after the date.
    expect(view(answers(facts({ now: at('2026-06-13T07:00:00Z') })).item_not_received)).toEqual(
      waitUntil('too_early', NOT_RECEIVED_FROM),
    );
    expect(NOT_RECEIVED_FROM.getTime() - DELIVERY_END.getTime()).toBe(3 * DAY);
  });

  it('ends exactly at the mark: 1 ms before is too early, at it a claim is possible', () => {
    expect(view(answers(facts({ now: plus(NOT_RECEIVED_FROM, -1) })).item_not_received)).toEqual(
      waitUntil('too_early', NOT_RECEIVED_FROM),
    );
    expect(views(facts({ now: NOT_RECEIVED_FROM }))).toEqual(all(OK));
  });

  it('reads the maximum delivery date in the seller’s time zone', () => {
    // Same date, same instant (2026-06-14 00:00Z). Berlin: the end of 06-10 is 06-11 00:00 CEST = 06-10 22:00Z, the mark 06-13 22:00Z, passed.
    // Los Angeles: the mark is 06-14 07:00Z, 7 hours away.
    const now = at('2026-06-14T00:00:00Z');
    expect(view(answers(facts({ now, sellerCalendar: BERLIN })).item_not_received)).toEqual(OK);
    expect(view(answers(facts({ now, sellerCalendar: LA })).item_not_received)).toEqual(
      waitUntil('too_early', NOT_RECEIVED_FROM),
    );
    expect(
      view(answers(facts({ now: at('2026-06-13T21:59:59.999Z'), sellerCalendar: BERLIN })).item_not_received),
    ).toEqual(waitUntil('too_early', '2026-06-13T22:00:00Z'));
  });

  it('a delivery before the mark makes a claim possible from the delivery', () => {
    // Delivered Thu 06-11 13:00 PDT; now Fri 06-12, the seller's days over: no need to wait for the 14th.
    const delivered = facts({ deliveredAt: at('2026-06-11T20:00:00Z'), now: at('2026-06-12T12:00:00Z') });
    expect(views(delivered)).toEqual(all(OK));
    expect(view(answers({ ...delivered, deliveredAt: null }).item_not_received)).toEqual(
      waitUntil('too_early', NOT_RECEIVED_FROM),
    );
  });

  it('a delivery before the seller’s days end leaves the seller’s wait binding', () => {
    // Delivered Tue 06-09 11:00 PDT, now Tue 12:00 PDT: the remaining wait is the seller's, until Wed 06-10 17:00Z.
    const input = facts({ deliveredAt: at('2026-06-09T18:00:00Z'), now: at('2026-06-09T19:00:00Z') });
    expect(views(input)).toEqual(all(waitUntil('contact_seller_first', CONTACT_UNTIL)));
    expect(views({ ...input, now: CONTACT_UNTIL })).toEqual(all(OK));
  });

  it('a delivery after the mark changes nothing', () => {
    // Delivered Mon 06-15, after the mark of Sun 06-14 07:00Z: from the mark on, item not received was possible anyway.
    const input = facts({ deliveredAt: at('2026-06-15T18:00:00Z'), now: at('2026-06-15T19:00:00Z') });
    expect(views(input)).toEqual(all(OK));
  });

  it('uses the policy’s number of days', () => {
    // 5 days after 06-11 07:00Z is 06-16 07:00Z.
    const policy = { ...POLICY, itemNotReceivedAfterDays: 5 };
    expect(view(answers(facts({ now: at('2026-06-15T12:00:00Z') }), policy).item_not_received)).toEqual(
      waitUntil('too_early', '2026-06-16T07:00:00Z'),
    );
  });
});

describe('eligibility: window_closed', () => {
  it('closes 90 days after the end of the maximum delivery date, to the millisecond', () => {
    expect(WINDOW_CLOSES.getTime() - DELIVERY_END.getTime()).toBe(90 * DAY);
    expect(views(facts({ now: plus(WINDOW_CLOSES, -1) }))).toEqual(all(OK));
    const closed = answers(facts({ now: WINDOW_CLOSES }));
    for (const reason of CLAIM_REASONS) {
      expect(view(closed[reason])).toEqual(never('window_closed'));
      expect(closed[reason].detail).toContain(WINDOW_CLOSES.toISOString());
      expect(closed[reason].detail).toContain('90 days');
    }
    expect(views(facts({ now: at('2027-06-01T00:00:00Z') }))).toEqual(all(never('window_closed')));
  });

  it('on a Bavarian seller’s calendar closes 90 days after midnight in Berlin', () => {
    // The end of 06-10 is 06-11 00:00 CEST = 06-10 22:00Z; + 90 days = 09-08 22:00Z (09-09 00:00 CEST, no DST change in between).
    const input = facts({ sellerCalendar: BERLIN });
    expect(views({ ...input, now: at('2026-09-08T21:59:59.999Z') })).toEqual(all(OK));
    expect(views({ ...input, now: at('2026-09-08T22:00:00Z') })).toEqual(all(never('window_closed')));
  });

  it('says window_closed, not a date, when the seller’s days would end after the window', () => {
    // Case Fri 09-04 10:00 PDT: Mon 09-07 is Labor Day, so Tue 09-08 is 1 and Wed 09-09 is 2: 09-09 17:00Z, after 09-09 07:00Z.
    const late = facts({ firstContactAt: at('2026-09-04T17:00:00Z'), now: at('2026-09-04T18:00:00Z') });
    const result = answers(late);
    for (const reason of CLAIM_REASONS) {
      expect(view(result[reason])).toEqual(never('window_closed'));
      expect(result[reason].detail).toContain(WINDOW_CLOSES.toISOString());
    }
    // A day earlier (Thu 09-03 10:00 PDT): Fri 09-04 is 1, Tue 09-08 is 2 (Labor Day skipped), inside the window.
    const inTime = facts({ firstContactAt: at('2026-09-03T17:00:00Z'), now: at('2026-09-03T18:00:00Z') });
    expect(views(inTime)).toEqual(all(waitUntil('contact_seller_first', '2026-09-08T17:00:00Z')));
  });

  it('a wait ending exactly when the window closes is too late; 1 ms earlier is not', () => {
    const policy = { ...POLICY, contactSellerFirst: { hours: 48 } };
    const exactly = plus(WINDOW_CLOSES, -48 * HOUR);
    const justInTime = plus(exactly, -1);
    expect(views(facts({ firstContactAt: exactly, now: plus(exactly, HOUR) }), policy)).toEqual(
      all(never('window_closed')),
    );
    expect(views(facts({ firstContactAt: justInTime, now: plus(justInTime, HOUR) }), policy)).toEqual(
      all(waitUntil('contact_seller_first', plus(WINDOW_CLOSES, -1))),
    );
  });

  it('the same edge in business days: a case at Fri 09-04 00:00 PDT ends Wed 09-09 00:00 PDT, exactly at the close', () => {
    // Fri 09-04 00:00 PDT = 07:00Z; Tue 09-08 is 1 (Labor Day skipped), Wed 09-09 is 2, at 00:00 PDT = 07:00Z = the close.
    expect(views(facts({ firstContactAt: at('2026-09-04T07:00:00Z'), now: at('2026-09-04T08:00:00Z') }))).toEqual(
      all(never('window_closed')),
    );
    // 1 ms earlier is Thu 09-03 23:59:59.999 PDT: Fri 09-04 is 1, Tue 09-08 is 2, at 23:59:59.999 PDT = 09-09 06:59:59.999Z.
    expect(views(facts({ firstContactAt: at('2026-09-04T06:59:59.999Z'), now: at('2026-09-04T08:00:00Z') }))).toEqual(
      all(waitUntil('contact_seller_first', '2026-09-09T06:59:59.999Z')),
    );
  });

  it('closes for item not received alone when its mark falls after the window', () => {
    // A 4-day window (closes 06-15 07:00Z) and a 5-day mark (06-16 07:00Z): item not received can never be claimed.
    const policy = { ...POLICY, filingWindowDays: 4, itemNotReceivedAfterDays: 5 };
    const result = answers(facts({ now: at('2026-06-12T00:00:00Z') }), policy);
    expect(view(result.item_not_received)).toEqual(never('window_closed'));
    expect(result.item_not_received.detail).toContain('2026-06-15T07:00:00.000Z');
    for (const reason of OTHER_REASONS) expect(view(result[reason])).toEqual(OK);
  });

  it('counts the window in 24-hour days, so across a DST change it ends at 23:00 local, not midnight', () => {
    // Maximum delivery date Wed 2026-09-30: its end is 10-01 00:00 PDT = 07:00Z. 90 × 24 h later is 12-30 07:00Z, which is
    // Tue 12-29 23:00 PST (DST ended 11-01). The policy's days are 24-hour days, like addPolicyDuration's { days }; see the report
    // on whether "90 days after" should instead land on local midnight (12-30 08:00Z).
    const input = facts({ maxDeliveryDate: '2026-09-30', firstContactAt: at('2026-10-05T17:00:00Z') });
    expect(views({ ...input, now: at('2026-12-30T06:59:59.999Z') })).toEqual(all(OK));
    expect(views({ ...input, now: at('2026-12-30T07:00:00Z') })).toEqual(all(never('window_closed')));
  });
});

describe('eligibility: open_claim_exists', () => {
  it('holds back every reason, with no eligibleAt, when the order otherwise could have a claim', () => {
    const result = answers(facts({ openClaim: true }));
    expect(views(facts({ openClaim: false }))).toEqual(all(OK));
    for (const reason of CLAIM_REASONS) {
      expect(view(result[reason])).toEqual(never('open_claim_exists'));
      expect(result[reason].detail).toMatch(/open claim/);
    }
  });

  it.each<[string, Partial<EligibilityFacts>]>([
    ['no case yet', { firstContactAt: null }],
    ['the seller’s days not over', { now: at('2026-06-09T19:00:00Z') }],
    ['item not received too early', { now: at('2026-06-12T12:00:00Z') }],
    ['the window closed', { now: WINDOW_CLOSES }],
    ['a wait ending after the window', { firstContactAt: at('2026-09-04T17:00:00Z'), now: at('2026-09-04T18:00:00Z') }],
  ])('comes before %s', (_label, overrides) => {
    expect(views(facts({ ...overrides, openClaim: true }))).toEqual(all(never('open_claim_exists')));
  });
});

describe('eligibility: refunded', () => {
  it('a refund closes every reason, including return_not_refunded', () => {
    const result = answers(facts({ refundedAt: at('2026-06-15T00:00:00Z') }));
    expect(views(facts({ refundedAt: null }))).toEqual(all(OK));
    for (const reason of CLAIM_REASONS) {
      expect(view(result[reason])).toEqual(never('refunded'));
      expect(result[reason].detail).toMatch(/refunded/);
    }
  });

  it.each<[string, Partial<EligibilityFacts>]>([
    ['another open claim', { openClaim: true }],
    ['no case yet', { firstContactAt: null }],
    ['the seller’s days not over', { now: at('2026-06-09T19:00:00Z') }],
    ['item not received too early', { now: at('2026-06-12T12:00:00Z') }],
    ['the window closed', { now: WINDOW_CLOSES }],
    ['everything at once', { openClaim: true, firstContactAt: null, now: WINDOW_CLOSES }],
  ])('comes before %s', (_label, overrides) => {
    expect(views(facts({ refundedAt: at('2026-06-09T00:00:00Z'), ...overrides }))).toEqual(all(never('refunded')));
  });
});

describe('eligibility: the order of the rules', () => {
  it.each<[string, Partial<EligibilityFacts>, Record<ClaimReason, View>]>([
    [
      'refunded, before an open claim',
      { refundedAt: at('2026-06-09T00:00:00Z'), openClaim: true },
      all(never('refunded')),
    ],
    ['an open claim, before a closed window', { openClaim: true, now: WINDOW_CLOSES }, all(never('open_claim_exists'))],
    [
      'a closed window, before a missing case',
      { firstContactAt: null, now: WINDOW_CLOSES },
      all(never('window_closed')),
    ],
    // No case and item not received too early: the missing case is what the buyer must act on, and it gives no date.
    [
      'a missing case, before too_early (and no eligibleAt)',
      { firstContactAt: null, now: at('2026-06-12T12:00:00Z') },
      all(never('contact_seller_first')),
    ],
    // The seller's days end 06-10 17:00Z, the mark is 06-14 07:00Z: the latest wait wins for item not received.
    [
      'the latest wait wins: the 3-day mark after the seller’s days',
      { now: at('2026-06-09T19:00:00Z') },
      split(waitUntil('too_early', NOT_RECEIVED_FROM), waitUntil('contact_seller_first', CONTACT_UNTIL)),
    ],
    // Case Fri 06-12 10:00 PDT: Mon 06-15 is 1, Tue 06-16 is 2: 06-16 17:00Z, after the mark of 06-14 07:00Z.
    [
      'the latest wait wins: the seller’s days after the 3-day mark',
      { firstContactAt: at('2026-06-12T17:00:00Z'), now: at('2026-06-12T18:00:00Z') },
      all(waitUntil('contact_seller_first', '2026-06-16T17:00:00Z')),
    ],
    [
      'a passed wait does not come back: after the mark only the seller’s days remain',
      { firstContactAt: at('2026-06-12T17:00:00Z'), now: at('2026-06-15T00:00:00Z') },
      all(waitUntil('contact_seller_first', '2026-06-16T17:00:00Z')),
    ],
  ])('%s', (_label, overrides, expected) => {
    expect(views(facts(overrides))).toEqual(expected);
  });
});

describe('endOfLocalDate', () => {
  it.each<[string, BusinessCalendar, string, string]>([
    ['Los Angeles in summer (PDT, UTC−7)', LA, '2026-06-10', '2026-06-11T07:00:00Z'],
    ['Berlin in summer (CEST, UTC+2)', BERLIN, '2026-06-10', '2026-06-10T22:00:00Z'],
    ['Los Angeles in winter (PST, UTC−8)', LA, '2026-01-15', '2026-01-16T08:00:00Z'],
    ['Berlin in winter (CET, UTC+1), the last day of a year', BERLIN, '2026-12-31', '2026-12-31T23:00:00Z'],
    ['a leap day', LA, '2028-02-29', '2028-03-01T08:00:00Z'],
    // DST starts in Los Angeles on Sun 2026-03-08 at 02:00: the Saturday ends at PST midnight, the Sunday (23 h) at PDT midnight.
    ['Los Angeles, the day before DST starts', LA, '2026-03-07', '2026-03-08T08:00:00Z'],
    ['Los Angeles, the day DST starts', LA, '2026-03-08', '2026-03-09T07:00:00Z'],
    // DST ends in Los Angeles on Sun 2026-11-01 at 02:00: the Saturday ends at PDT midnight, the Sunday (25 h) at PST midnight.
    ['Los Angeles, the day before DST ends', LA, '2026-10-31', '2026-11-01T07:00:00Z'],
    ['Los Angeles, the day DST ends', LA, '2026-11-01', '2026-11-02T08:00:00Z'],
    // Berlin: spring forward Sun 2026-03-29 02:00 CET, fall back Sun 2026-10-25 03:00 CEST.
    ['Berlin, the day before DST starts', BERLIN, '2026-03-28', '2026-03-28T23:00:00Z'],
    ['Berlin, the day DST starts', BERLIN, '2026-03-29', '2026-03-29T22:00:00Z'],
    ['Berlin, the day before DST ends', BERLIN, '2026-10-24', '2026-10-24T22:00:00Z'],
    ['Berlin, the day DST ends', BERLIN, '2026-10-25', '2026-10-25T23:00:00Z'],
    // Santiago skips 2026-09-06 00:00–01:00: midnight does not exist and moves forward by the gap, to 01:00 −03 = 04:00Z.
    ['Santiago, whose clocks skip midnight', SANTIAGO, '2026-09-05', '2026-09-06T04:00:00Z'],
  ])('%s', (_label, calendar, date, expected) => {
    expect(endOfLocalDate(date, calendar).toISOString()).toBe(at(expected).toISOString());
  });

  it('the days around DST changes last 23 and 25 hours', () => {
    expect(endOfLocalDate('2026-03-08', LA).getTime() - endOfLocalDate('2026-03-07', LA).getTime()).toBe(23 * HOUR);
    expect(endOfLocalDate('2026-11-01', LA).getTime() - endOfLocalDate('2026-10-31', LA).getTime()).toBe(25 * HOUR);
    expect(endOfLocalDate('2026-03-29', BERLIN).getTime() - endOfLocalDate('2026-03-28', BERLIN).getTime()).toBe(
      23 * HOUR,
    );
    expect(endOfLocalDate('2026-10-25', BERLIN).getTime() - endOfLocalDate('2026-10-24', BERLIN).getTime()).toBe(
      25 * HOUR,
    );
  });

  it.each(['2026-02-30', '2026-13-01', '2026-00-10', 'tomorrow', ''])('refuses %p', (date) => {
    expect(() => endOfLocalDate(date, LA)).toThrow(RangeError);
  });
});

describe('addPolicyDuration', () => {
  it.each<[string, Parameters<typeof addPolicyDuration>[1], BusinessCalendar, string, string]>([
    // Hours are wall-clock hours: the calendar's weekends and holidays do not matter.
    ['72 hours from Fri 10:00 PDT over a weekend', { hours: 72 }, LA, '2026-06-12T17:00:00Z', '2026-06-15T17:00:00Z'],
    ['72 hours over Christmas in Berlin', { hours: 72 }, BERLIN, '2026-12-24T09:00:00Z', '2026-12-27T09:00:00Z'],
    // Across the start of DST, 72 elapsed hours from Fri 10:00 PST end Mon 11:00 PDT.
    ['72 hours across the start of DST', { hours: 72 }, LA, '2026-03-06T18:00:00Z', '2026-03-09T18:00:00Z'],
    ['0 hours', { hours: 0 }, LA, '2026-06-13T17:00:00Z', '2026-06-13T17:00:00Z'],
    ['30 days', { days: 30 }, LA, '2026-06-10T17:00:00Z', '2026-07-10T17:00:00Z'],
    [
      '30 days over Christmas and New Year in Berlin',
      { days: 30 },
      BERLIN,
      '2026-12-20T09:00:00Z',
      '2027-01-19T09:00:00Z',
    ],
    // Days are 24-hour days: 1 day from Sat 10:00 PST ends Sun 11:00 PDT (see the report).
    ['1 day across the start of DST is 24 hours', { days: 1 }, LA, '2026-03-07T18:00:00Z', '2026-03-08T18:00:00Z'],
    // Business days on the given calendar.
    ['2 business days, Mon 10:00 PDT', { businessDays: 2 }, LA, '2026-06-08T17:00:00Z', '2026-06-10T17:00:00Z'],
    [
      '2 business days over Christmas in Berlin',
      { businessDays: 2 },
      BERLIN,
      '2026-12-24T09:00:00Z',
      '2026-12-29T09:00:00Z',
    ],
    [
      '2 business days over Epiphany in Berlin',
      { businessDays: 2 },
      BERLIN,
      '2027-01-04T09:00:00Z',
      '2027-01-07T09:00:00Z',
    ],
    [
      '2 business days from the same instant in Los Angeles',
      { businessDays: 2 },
      LA,
      '2027-01-04T09:00:00Z',
      '2027-01-06T09:00:00Z',
    ],
    [
      '1 business day from Fri 10:00 PDT is Mon 10:00 PDT',
      { businessDays: 1 },
      LA,
      '2026-06-12T17:00:00Z',
      '2026-06-15T17:00:00Z',
    ],
    [
      '0 business days on a Saturday is the next opening, Mon 00:00 PDT',
      { businessDays: 0 },
      LA,
      '2026-06-13T17:00:00Z',
      '2026-06-15T07:00:00Z',
    ],
  ])('%s', (_label, duration, calendar, start, expected) => {
    expect(addPolicyDuration(at(start), duration, calendar).toISOString()).toBe(at(expected).toISOString());
  });

  it('does not change its start', () => {
    const start = at('2026-06-08T17:00:00Z');
    addPolicyDuration(start, { businessDays: 2 }, LA);
    addPolicyDuration(start, { hours: 5 }, LA);
    expect(start.toISOString()).toBe('2026-06-08T17:00:00.000Z');
  });
});

describe('describeDuration', () => {
  it.each<[Parameters<typeof describeDuration>[0], string]>([
    [{ hours: 72 }, '72 hours'],
    [{ days: 30 }, '30 days'],
    [{ businessDays: 2 }, '2 business days'],
    [{ businessDays: 1 }, '1 business day'],
    [{ businessDays: 0 }, '0 business days'],
  ])('%p is %p', (duration, expected) => {
    expect(describeDuration(duration)).toBe(expected);
  });
});

describe('eligibility: properties', () => {
  const FROM = Date.UTC(2026, 0, 1);
  const TO = Date.UTC(2027, 11, 31);
  const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  /** An order without a refund or another open claim, seen at `now`: a case and a delivery, when there are any, in the past. */
  const order = fc
    .record({
      calendar: fc.constantFrom(LA, BERLIN),
      now: fc.integer({ min: FROM, max: TO }),
      deliveryDay: fc.integer({ min: -100, max: 10 }),
      contactAge: fc.option(fc.integer({ min: 0, max: 12 * DAY })),
      deliveredAge: fc.option(fc.integer({ min: 0, max: 20 * DAY })),
    })
    .map(({ calendar, now, deliveryDay, contactAge, deliveredAge }): EligibilityFacts => ({
      now: new Date(now),
      maxDeliveryDate: isoDate(now + deliveryDay * DAY),
      sellerCalendar: calendar,
      deliveredAt: deliveredAge === null ? null : new Date(now - deliveredAge),
      refundedAt: null,
      firstContactAt: contactAge === null ? null : new Date(now - contactAge),
      openClaim: false,
    }));

  it('an eligibleAt is later than now; 1 ms before it the same wait holds, at it a claim is possible', () => {
    fc.assert(
      fc.property(order, (input) => {
        for (const answer of eligibility(input, POLICY)) {
          if (!answer.eligibleAt) continue;
          const eligibleAt = answer.eligibleAt;
          expect(answer.eligible).toBe(false);
          expect(['contact_seller_first', 'too_early']).toContain(answer.rule);
          expect(eligibleAt.getTime()).toBeGreaterThan(input.now.getTime());
          const before = answers({ ...input, now: plus(eligibleAt, -1) })[answer.reason];
          expect(view(before)).toEqual(view(answer));
          expect(view(answers({ ...input, now: eligibleAt })[answer.reason])).toEqual(OK);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without a case there is never an eligibleAt; with one, contact_seller_first always has one', () => {
    fc.assert(
      fc.property(order, (input) => {
        for (const answer of eligibility(input, POLICY)) {
          if (input.firstContactAt === null) {
            expect(answer.eligible).toBe(false);
            expect(answer.eligibleAt).toBeUndefined();
            expect(['contact_seller_first', 'window_closed']).toContain(answer.rule);
          } else if (answer.rule === 'contact_seller_first' || answer.rule === 'too_early') {
            expect(answer.eligibleAt).toBeInstanceOf(Date);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the three reasons without a too_early rule always get the same answer, and item not received is never more open', () => {
    fc.assert(
      fc.property(order, (input) => {
        const result = answers(input);
        for (const reason of OTHER_REASONS) expect(view(result[reason])).toEqual(view(result.damaged_or_defective));
        if (result.item_not_received.eligible) expect(result.damaged_or_defective.eligible).toBe(true);
        if (result.item_not_received.eligibleAt && result.damaged_or_defective.eligibleAt) {
          expect(result.item_not_received.eligibleAt.getTime()).toBeGreaterThanOrEqual(
            result.damaged_or_defective.eligibleAt.getTime(),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('once eligible, a reason stays eligible until the window closes for good', () => {
    fc.assert(
      fc.property(order, fc.integer({ min: 1, max: 120 * DAY }), (input, later) => {
        const now = answers(input);
        const then = answers({ ...input, now: plus(input.now, later) });
        for (const reason of CLAIM_REASONS) {
          if (now[reason].eligible) expect([OK, never('window_closed')]).toContainEqual(view(then[reason]));
          if (now[reason].rule === 'window_closed') expect(view(then[reason])).toEqual(never('window_closed'));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a refund, then another open claim, decide every reason whatever else is true', () => {
    fc.assert(
      fc.property(order, fc.boolean(), fc.integer({ min: 0, max: 60 * DAY }), (input, refunded, refundAge) => {
        const withClaim = {
          ...input,
          openClaim: true,
          refundedAt: refunded ? new Date(input.now.getTime() - refundAge) : null,
        };
        expect(views(withClaim)).toEqual(all(never(refunded ? 'refunded' : 'open_claim_exists')));
      }),
      { numRuns: 200 },
    );
  });
});
