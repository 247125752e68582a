import { NOTICE_CATEGORIES, type NoticeKind } from './categories.js';
import { CASE_SUBJECT_SLOT, noticeText, payloadContext, renderEmail } from './templates.js';
import { englishMessages } from '../i18n/locales.js';

/** An instant as the notices write it for an English reader in `zone`. */
const formatInstant = (at: string | Date, zone: string | null) => englishMessages().dateTime(at, zone);

/**
 * Every notice kind, rendered for every role that receives it, reads as
 * written to that reader: the email (subject and text) and the Message
 * Center item (title and text) alike.
 */

type Reader = 'buyer' | 'seller' | 'agent' | 'admin';

interface Case {
  kind: NoticeKind;
  role: Reader;
  /** What the notice's stored payload holds, besides the role. */
  payload?: Record<string, unknown>;
  /** Each must appear in the email's subject or text. */
  says?: (string | RegExp)[];
  /** None may appear anywhere in the email or the item. */
  never?: (string | RegExp)[];
}

const createdAt = new Date('2026-03-02T09:00:00Z');
const dueAt = '2026-03-08T18:00:00.000Z';
const money = { amount: 3900, currency: 'USD' };
const claim = { reason: 'damaged_or_defective', claimId: 'c-1' };

/** What a reader must never read about itself: its own side named as a third party, or the other side's claim as its own. */
const ABOUT_SOMEONE_ELSE: Record<Reader, RegExp[]> = {
  buyer: [/\b(the|a) buyer\b/i, /\bthe buyer['’]s\b/i],
  seller: [/\b(the|a) seller\b/i, /\byour (claim|order)\b/i],
  agent: [/\b(the|a) agent\b/i, /\byour (claim|order|case)\b/i],
  admin: [],
};

const CASES: Case[] = [
  { kind: 'case_opened', role: 'seller', says: ['New question from a buyer', 'A buyer opened a case with you'] },
  { kind: 'new_message', role: 'buyer', says: ['The seller wrote in'] },
  { kind: 'new_message', role: 'seller', says: ['The buyer wrote in'] },
  { kind: 'support_message', role: 'buyer', says: ['Customer service wrote about'] },
  { kind: 'support_message', role: 'seller', says: ['Customer service wrote about'] },
  { kind: 'reply_window_at_risk', role: 'seller', payload: { thresholdAt: dueAt }, says: ['for your reply'] },
  { kind: 'reply_window_late', role: 'buyer', says: ['The seller has not replied yet'] },
  { kind: 'reply_window_late', role: 'seller', says: ['Your reply is late', 'You have not replied'] },
  { kind: 'case_escalated', role: 'buyer', says: ['Support is now handling'] },
  { kind: 'case_escalated', role: 'seller', says: ['Support is now handling'] },
  {
    kind: 'escalation_resolved',
    role: 'buyer',
    payload: { outcome: 'answered_by_support' },
    says: ['Support finished'],
  },
  {
    kind: 'escalation_resolved',
    role: 'seller',
    payload: { outcome: 'answered_by_support' },
    says: ['Support finished'],
  },
  { kind: 'escalation_assigned', role: 'agent', payload: { dueAt }, says: ['assigned to you', 'You now hold'] },
  ...['shipped', 'delivered', 'refunded', 'return_received', 'cancelled'].map((event): Case => ({
    kind: 'order_event',
    role: 'buyer',
    payload: { externalId: 'A-17', event, thresholdAt: dueAt },
    says: [/Your order A-17|your return of order A-17/],
  })),
  {
    kind: 'claim_filed',
    role: 'buyer',
    payload: { ...claim, dueAt, money },
    says: ['Your claim was filed', 'The seller has until'],
  },
  {
    kind: 'claim_filed',
    role: 'seller',
    payload: { ...claim, dueAt, money },
    says: ['A buyer filed the claim (damaged or defective) about an order for $39.00', 'Respond or refund by'],
  },
  { kind: 'claim_message', role: 'buyer', payload: claim, says: ['New message on your claim'] },
  { kind: 'claim_message', role: 'seller', payload: claim, says: ['New message on the claim'] },
  ...(['buyer', 'seller'] as const).flatMap((infoFrom): Case[] => [
    {
      kind: 'claim_info_requested',
      role: infoFrom,
      payload: { ...claim, infoFrom, dueAt },
      says: ['needs more information from you', 'Please answer by'],
    },
    {
      kind: 'claim_info_requested',
      role: infoFrom === 'buyer' ? 'seller' : 'buyer',
      payload: { ...claim, infoFrom, dueAt },
      says: [`Our team asked the ${infoFrom} for more information`],
      never: ['Please answer by'],
    },
  ]),
  {
    kind: 'claim_no_seller_response',
    role: 'seller',
    payload: { ...claim, outcome: 'granted', money },
    says: ['You did not respond', 'funded by you'],
  },
  {
    kind: 'claim_no_seller_response',
    role: 'seller',
    payload: { ...claim, outcome: 'under_review' },
    says: ['You did not respond', 'our team will now decide it'],
  },
  {
    kind: 'claim_decided',
    role: 'buyer',
    payload: { ...claim, outcome: 'granted', funding: 'seller', money, dueAt },
    says: ['Your claim was granted', 'funded by the seller', 'The seller may appeal until'],
    never: ['You may appeal'],
  },
  {
    kind: 'claim_decided',
    role: 'buyer',
    payload: { ...claim, outcome: 'denied', dueAt },
    says: ['Your claim was denied', 'You may appeal until'],
    never: ['Refund'],
  },
  {
    kind: 'claim_decided',
    role: 'seller',
    payload: { ...claim, outcome: 'granted', funding: 'seller', money, dueAt },
    says: ['The claim was granted', 'Refund: $39.00, funded by you.', 'You may appeal until'],
  },
  {
    kind: 'claim_decided',
    role: 'seller',
    payload: { ...claim, outcome: 'granted', funding: 'marketplace', money, dueAt },
    says: ['Refund: $39.00, funded by the marketplace.', 'You may appeal until'],
  },
  {
    kind: 'claim_decided',
    role: 'seller',
    payload: { ...claim, outcome: 'denied', dueAt },
    says: ['The claim was denied', 'The buyer may appeal until'],
    never: ['You may appeal'],
  },
  {
    kind: 'claim_appealed',
    role: 'buyer',
    payload: { ...claim, by: 'buyer' },
    says: ['You appealed the decision on your claim'],
  },
  {
    kind: 'claim_appealed',
    role: 'seller',
    payload: { ...claim, by: 'buyer' },
    says: ['The buyer appealed the decision on the claim'],
  },
  {
    kind: 'claim_appealed',
    role: 'buyer',
    payload: { ...claim, by: 'seller' },
    says: ['The seller appealed the decision on your claim'],
  },
  {
    kind: 'claim_appealed',
    role: 'seller',
    payload: { ...claim, by: 'seller' },
    says: ['You appealed the decision on the claim'],
  },
  { kind: 'claim_appealed', role: 'buyer', payload: claim, says: ['Your claim was appealed'] },
  { kind: 'claim_appealed', role: 'seller', payload: claim, says: ['A claim was appealed'] },
  ...(['buyer', 'seller'] as const).flatMap((role) =>
    (['upheld', 'reversed'] as const).map((appealOutcome): Case => ({
      kind: 'claim_appeal_decided',
      role,
      payload: { ...claim, appealOutcome, outcome: 'granted' },
      says: ['Appeal decided', `the decision was ${appealOutcome}`],
    })),
  ),
  {
    kind: 'claim_refunded_by_seller',
    role: 'buyer',
    payload: { ...claim, money },
    says: ['The seller refunded your order $39.00', 'your claim (damaged or defective) is closed'],
  },
  {
    kind: 'claim_refunded_by_seller',
    role: 'seller',
    payload: { ...claim, money },
    says: ['You refunded the buyer $39.00', 'A refund of $39.00 was issued to the buyer'],
    never: ['refunded your order'],
  },
  { kind: 'claim_withdrawn', role: 'seller', payload: claim, says: ['The buyer withdrew the claim'] },
  { kind: 'claim_withdrawn', role: 'buyer', payload: claim, says: ['You withdrew your claim (damaged or defective)'] },
  ...(['buyer', 'seller', 'agent', 'admin'] as const).map((role): Case => ({
    kind: 'broadcast',
    role,
    payload: { subject: 'Spring sale', body: 'Fees drop in April.' },
    says: ['Spring sale', 'Fees drop in April.'],
  })),
];

/** The email and the Message Center item of a notice, from its payload as stored. */
function render({ kind, role, payload = {} }: Case, readerZone?: string) {
  const stored = { role, ...payload };
  const email = renderEmail({
    ...payloadContext(kind, stored, createdAt),
    recipientName: 'Ana',
    caseSubject: 'Broken lamp',
    readerZone,
  });
  const slotted = noticeText(kind, stored, createdAt, kind !== 'order_event' && kind !== 'broadcast');
  // The database puts the case's subject where the item's text holds its slot.
  const item = {
    title: slotted.title.replaceAll(CASE_SUBJECT_SLOT, 'Broken lamp'),
    text: slotted.text.replaceAll(CASE_SUBJECT_SLOT, 'Broken lamp'),
  };
  return { email, item, all: [email.subject, email.text, item.title, item.text].join('\n') };
}

describe('notice texts', () => {
  it('cover every kind of notice there is, for every recipient each kind is sent to', () => {
    const sent = Object.entries(NOTICE_CATEGORIES).flatMap(([kind, recipients]) =>
      Object.keys(recipients).map((role) => `${kind}:${role}`),
    );
    const broadcast = ['buyer', 'seller', 'agent', 'admin'].map((role) => `broadcast:${role}`);
    const covered = new Set(CASES.map(({ kind, role }) => `${kind}:${role}`));
    expect([...covered].sort()).toEqual([...sent, ...broadcast].sort());
  });

  it.each(CASES.map((c) => [`${c.kind} to the ${c.role} ${JSON.stringify(c.payload ?? {})}`, c] as const))(
    '%s: written to its reader',
    (_, c) => {
      const { email, item, all } = render(c);
      const said = `${email.subject}\n${email.text}`;
      for (const expected of c.says ?? []) expect(said).toMatch(expected);
      for (const pattern of [...ABOUT_SOMEONE_ELSE[c.role], ...(c.never ?? [])]) expect(all).not.toMatch(pattern);
      // A kind without texts of its own falls through to a generic "An update on …".
      expect(all).not.toContain('An update on');
      expect(all).not.toContain('{{');
      expect(item.title).toBe(email.subject);
    },
  );

  it('names the instants in the reader’s zone, in UTC when it has none', () => {
    const decided = (role: 'buyer' | 'seller', outcome: string, zone?: string) =>
      render({ kind: 'claim_decided', role, payload: { ...claim, outcome, money, dueAt } }, zone).email.text;
    expect(decided('buyer', 'denied')).toMatch(/You may appeal until Sun,? 8 Mar 2026,? 18:00 UTC\./);
    expect(decided('seller', 'denied', 'Europe/Berlin')).toMatch(
      /The buyer may appeal until Sun,? 8 Mar 2026,? 19:00 CET\./,
    );
    expect(decided('seller', 'granted', 'Asia/Tokyo')).toContain(
      `You may appeal until ${formatInstant(dueAt, 'Asia/Tokyo')}.`,
    );
    expect(formatInstant(dueAt, 'Asia/Tokyo')).toMatch(/9 Mar 2026,? 03:00/);
    // A zone the runtime does not know still names the instant, in UTC.
    expect(formatInstant(dueAt, 'Mars/Olympus_Mons')).toBe(formatInstant(dueAt, null));
  });

  it('reads a row written before its payload named the reader as the only recipient its kind has', () => {
    const { email } = render({ kind: 'escalation_assigned', role: '' as Reader, payload: { dueAt } });
    expect(email.subject).toBe('An escalation was assigned to you: “Broken lamp”');
  });
});
