import { formatInstant } from '../common/instant-format.js';
import { replyWindowPolicyAt, type ReplyWindowPolicy } from '../../config/policies.js';
import { formatMoney, type Money } from '../common/money.js';
import { type CaseNoticeKind, NOTICE_CATEGORIES, type Recipient } from './categories.js';

/**
 * One template per notice kind, each with a subject that says what happened,
 * a plain-text and an HTML part, and a link back to the case. All text that
 * users wrote is escaped for HTML and kept to one line in the subject.
 */

export interface TemplateContext {
  kind: string;
  role: string;
  recipientName: string;
  caseId?: string | null;
  caseSubject?: string | null;
  caseUrl?: string | null;
  messageExcerpt?: string | null;
  thresholdAt?: string | null;
  outcome?: string | null;
  broadcastSubject?: string | null;
  broadcastBody?: string | null;
  unsubscribeUrl?: string | null;
  /** The Message Center item the notice also is. */
  itemUrl?: string | null;
  /** A claim notice: the claim's page, its reason, the deadline it names, the money it names. */
  claimUrl?: string | null;
  claimReason?: string | null;
  dueAt?: string | null;
  money?: Money | null;
  funding?: string | null;
  appealOutcome?: string | null;
  infoFrom?: string | null;
  /** An order event: the marketplace's order id and what happened. */
  orderRef?: string | null;
  orderEvent?: string | null;
  /** Who appealed, for a `claim_appealed` notice. */
  appealedBy?: string | null;
  /** The reader's time zone for the instants a notice names: the zone they chose, else a seller's calendar's; UTC when unknown. */
  readerZone?: string | null;
  /** The reply window the notice is about, for the days it names. */
  replyWindow: Pick<ReplyWindowPolicy, 'atRiskAfterBusinessDays' | 'lateAfterBusinessDays'>;
}

const words = (value: string | null | undefined) => (value ?? '').replace(/_/g, ' ');

/**
 * Who reads the notice: the role its payload names, or, for a kind only one
 * recipient ever gets (and rows written before the payload named it), that one.
 */
function readerOf(c: TemplateContext): Recipient | null {
  if (c.role === 'buyer' || c.role === 'seller' || c.role === 'agent') return c.role;
  const recipients = Object.keys(NOTICE_CATEGORIES[c.kind as CaseNoticeKind] ?? {}) as Recipient[];
  return recipients.length === 1 ? recipients[0] : null;
}

/** Each claim notice as its reader reads it: the buyer's claim is "your claim" to the buyer, "the claim" to the seller. */
function claimParts(c: TemplateContext): Parts | null {
  const reader = readerOf(c);
  const seller = reader === 'seller';
  const claim = c.claimReason ? `your claim (${words(c.claimReason)})` : 'your claim';
  const theClaim = c.claimReason ? `the claim (${words(c.claimReason)})` : 'the claim';
  const readersClaim = seller ? theClaim : claim;
  const due = c.dueAt ? formatInstant(c.dueAt, c.readerZone) : null;
  const money = c.money ? formatMoney(c.money) : null;
  const other = seller ? 'buyer' : 'seller';
  switch (c.kind) {
    case 'claim_filed':
      return seller
        ? {
            subject: 'A buyer filed a claim: please respond',
            lines: [
              `A buyer filed ${theClaim} about an order${money ? ` for ${money}` : ''}.`,
              `Respond or refund${due ? ` by ${due}` : ''}; without a response it goes to our team.`,
            ],
          }
        : {
            subject: 'Your claim was filed',
            lines: [
              `We received ${claim}.`,
              `The seller has${due ? ` until ${due}` : ' a few days'} to respond; we will keep you posted.`,
            ],
          };
    case 'claim_message':
      return {
        subject: `New message on ${readersClaim}`,
        lines: [`There is a new message on ${readersClaim}:`, c.messageExcerpt ?? ''],
      };
    case 'claim_info_requested': {
      if (c.infoFrom === reader)
        return {
          subject: 'We need more information about a claim',
          lines: [
            `Our team needs more information from you about ${readersClaim}.`,
            c.messageExcerpt ?? '',
            due ? `Please answer by ${due}.` : '',
          ],
        };
      const asked = c.infoFrom === 'buyer' || c.infoFrom === 'seller' ? `the ${c.infoFrom}` : 'the other party';
      return {
        subject: `Our team asked ${asked} for information`,
        lines: [`Our team asked ${asked} for more information about ${readersClaim}.`],
      };
    }
    case 'claim_no_seller_response':
      return c.outcome === 'granted'
        ? {
            subject: 'A claim was granted: no response from you',
            lines: [
              `You did not respond to ${theClaim} in time, so it was granted${money ? ` with a refund of ${money}` : ''}, funded by you.`,
            ],
          }
        : {
            subject: 'A claim went to our team: no response from you',
            lines: [`You did not respond to ${theClaim} in time; our team will now decide it.`],
          };
    case 'claim_decided': {
      const granted = c.outcome === 'granted';
      // The party the decision went against may appeal it: the seller a grant, the buyer a denial.
      const appellant = granted ? 'seller' : 'buyer';
      const funder = c.funding === 'marketplace' ? 'the marketplace' : seller ? 'you' : 'the seller';
      return {
        subject: `Decision on ${seller ? 'a claim' : 'your claim'}: ${granted ? 'granted' : 'denied'}`,
        lines: [
          `${seller ? 'The claim' : 'Your claim'} was ${granted ? 'granted' : 'denied'}.`,
          granted && money ? `Refund: ${money}, funded by ${funder}.` : '',
          due
            ? `${appellant === (seller ? 'seller' : 'buyer') ? 'You' : `The ${appellant}`} may appeal until ${due}.`
            : '',
        ],
      };
    }
    case 'claim_appealed': {
      const by = c.appealedBy === 'buyer' || c.appealedBy === 'seller' ? c.appealedBy : null;
      if (by === null)
        return {
          subject: `${seller ? 'A claim' : 'Your claim'} was appealed`,
          lines: [`The decision on ${readersClaim} was appealed; another agent will decide it.`],
        };
      const who = by === other ? `The ${other}` : 'You';
      return {
        subject: `${who} appealed the decision on ${seller ? 'a claim' : 'your claim'}`,
        lines: [`${who} appealed the decision on ${readersClaim}; another agent will decide it.`],
      };
    }
    case 'claim_appeal_decided':
      return {
        subject: `Appeal decided: ${c.appealOutcome === 'reversed' ? 'the decision was reversed' : 'the decision stands'}`,
        lines: [
          `The appeal on ${readersClaim} was decided: the decision was ${c.appealOutcome === 'reversed' ? 'reversed' : 'upheld'}${c.outcome ? `, so the claim is ${words(c.outcome)}` : ''}.`,
        ],
      };
    case 'claim_refunded_by_seller':
      return seller
        ? {
            subject: `You refunded the buyer${money ? ` ${money}` : ''}`,
            lines: [`A refund${money ? ` of ${money}` : ''} was issued to the buyer, so ${theClaim} is closed.`],
          }
        : {
            subject: `The seller refunded your order${money ? ` ${money}` : ''}`,
            lines: [`The seller refunded ${money ?? 'your order'}, so ${claim} is closed.`],
          };
    case 'claim_withdrawn':
      return {
        subject: seller ? 'A claim was withdrawn' : 'You withdrew your claim',
        lines: [
          `${seller ? 'The buyer withdrew the claim' : 'You withdrew your claim'}${c.claimReason ? ` (${words(c.claimReason)})` : ''}.`,
        ],
      };
    default:
      return null;
  }
}

const businessDays = (n: number) => `${n} business day${n === 1 ? '' : 's'}`;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/** One line, no control characters, at most `max` characters: safe for a header. */
export function headerSafe(text: string, max = 150): string {
  const line = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a header must not carry
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

interface Parts {
  subject: string;
  lines: string[];
}

function parts(c: TemplateContext): Parts {
  const claim = claimParts(c);
  if (claim) return claim;
  const reader = readerOf(c);
  // The case is the buyer's own; to the seller and to an agent it is "the case".
  const about = c.caseSubject ? `“${headerSafe(c.caseSubject, 80)}”` : reader === 'buyer' ? 'your case' : 'the case';
  const since = c.thresholdAt ? ` (since ${formatInstant(c.thresholdAt, c.readerZone)})` : '';
  const atRisk = businessDays(c.replyWindow.atRiskAfterBusinessDays);
  const late = businessDays(c.replyWindow.lateAfterBusinessDays);
  switch (c.kind) {
    case 'case_opened':
      return {
        subject: `New question from a buyer: ${about}`,
        lines: ['A buyer opened a case with you:', c.messageExcerpt ?? '', `Please reply within ${late}.`],
      };
    case 'new_message':
      return {
        subject: `New message about ${about}`,
        lines: [`The ${reader === 'seller' ? 'buyer' : 'seller'} wrote in ${about}:`, c.messageExcerpt ?? ''],
      };
    case 'support_message':
      return {
        subject: `Customer service wrote about ${about}`,
        lines: [`Our customer service team wrote in ${about}:`, c.messageExcerpt ?? ''],
      };
    case 'reply_window_at_risk':
      return {
        subject: `Reply soon: ${about} has waited ${atRisk}`,
        lines: [
          `A buyer has waited ${atRisk} for your reply in ${about}${since}.`,
          'Reply by the end of the next business day to stay on time.',
        ],
      };
    case 'reply_window_late':
      return reader === 'buyer'
        ? {
            subject: `The seller has not replied yet: ${about}`,
            lines: [
              `The seller has not replied to ${about} within ${late}.`,
              'You can ask our support team to step in from the case page, or file a claim if your order is eligible.',
            ],
          }
        : {
            subject: `Your reply is late: ${about}`,
            lines: [
              `You have not replied to ${about} within ${late}. Late replies count against your seller performance.`,
              'Reply now to avoid an escalation to support.',
            ],
          };
    case 'case_escalated':
      return {
        subject: `Support is now handling ${about}`,
        lines: [
          `${capitalised(about)} has been passed to our support team.`,
          'An agent will be in touch; you can keep writing in the case.',
        ],
      };
    case 'escalation_resolved':
      return {
        subject: `Support finished with ${about}`,
        lines: [`Our support team has finished with ${about}${c.outcome ? ` (${words(c.outcome)})` : ''}.`],
      };
    case 'escalation_assigned':
      return {
        subject: `An escalation was assigned to you: ${about}`,
        lines: [
          `You now hold the escalation of ${about}.`,
          c.dueAt ? `First action due ${formatInstant(c.dueAt, c.readerZone)}.` : '',
        ],
      };
    case 'order_event': {
      const order = c.orderRef ? `order ${headerSafe(c.orderRef, 60)}` : 'order';
      const said: Record<string, string> = {
        shipped: `Your ${order} has shipped`,
        delivered: `Your ${order} was delivered`,
        refunded: `Your ${order} was refunded`,
        return_received: `The seller received your return of ${order}`,
      };
      const subject = said[c.orderEvent ?? ''] ?? `Your ${order} was updated`;
      return {
        subject,
        lines: [`${subject}${c.thresholdAt ? ` (${formatInstant(c.thresholdAt, c.readerZone)})` : ''}.`],
      };
    }
    case 'broadcast':
      return { subject: headerSafe(c.broadcastSubject ?? 'News from the marketplace'), lines: [c.broadcastBody ?? ''] };
    default:
      return { subject: `An update on ${about}`, lines: [`There is an update on ${about}.`] };
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
/** Money in a stored payload, only when it is what the API counts in (whole minor units of an ISO 4217 code), so a template can always format it. */
const isMoney = (value: unknown): value is Money =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as { amount?: unknown }).amount) &&
  /^[A-Z]{3}$/.test(String((value as { currency?: unknown }).currency));

/** What a notice's stored payload says, as template context (the email and the Message Center item read the same). */
export function payloadContext(
  kind: string,
  payload: Record<string, unknown>,
  createdAt: Date,
): Omit<TemplateContext, 'recipientName'> {
  return {
    kind,
    role: text(payload.role) ?? '',
    thresholdAt: text(payload.thresholdAt),
    outcome: text(payload.outcome),
    claimReason: text(payload.reason),
    dueAt: text(payload.dueAt),
    money: isMoney(payload.money) ? payload.money : null,
    funding: text(payload.funding),
    appealOutcome: text(payload.appealOutcome),
    infoFrom: text(payload.infoFrom),
    appealedBy: text(payload.by),
    orderRef: text(payload.externalId),
    orderEvent: text(payload.event),
    broadcastSubject: text(payload.subject),
    broadcastBody: text(payload.body),
    replyWindow: replyWindowPolicyAt(createdAt),
  };
}

/** Where a Message Center item's title and text put the case's subject; the database fills in the recipient's view of it. */
export const CASE_SUBJECT_SLOT = '{{case}}';

/** A notice as a Message Center item: its title and its text (the email's subject and lines, without greeting or links). */
export function noticeText(
  kind: string,
  payload: Record<string, unknown>,
  createdAt: Date,
  onCase: boolean,
): { title: string; text: string } {
  const { subject, lines } = parts({
    ...payloadContext(kind, payload, createdAt),
    recipientName: '',
    caseSubject: onCase ? CASE_SUBJECT_SLOT : null,
  });
  return { title: headerSafe(subject, 200), text: lines.filter((line) => line !== '').join('\n') };
}

export function renderEmail(context: TemplateContext): RenderedEmail {
  const { subject, lines } = parts(context);
  const greeting = `Hello ${headerSafe(context.recipientName, 100)},`;
  const text = [greeting, '', ...lines.filter((line) => line !== ''), ''];
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...lines.filter((line) => line !== '').map((line) => `<p>${escapeHtml(line).replace(/\n/g, '<br>')}</p>`),
  ];
  if (context.claimUrl) {
    text.push(`Open the claim: ${context.claimUrl}`);
    html.push(`<p><a href="${escapeHtml(context.claimUrl)}">Open the claim</a></p>`);
  } else if (context.caseUrl) {
    text.push(`Open the case: ${context.caseUrl}`);
    html.push(`<p><a href="${escapeHtml(context.caseUrl)}">Open the case</a></p>`);
  }
  if (context.itemUrl) {
    text.push(`In your Message Center: ${context.itemUrl}`);
    html.push(`<p><a href="${escapeHtml(context.itemUrl)}">See it in your Message Center</a></p>`);
  }
  if (context.unsubscribeUrl) {
    text.push('', `Unsubscribe from these emails: ${context.unsubscribeUrl}`);
    html.push(
      `<p style="font-size:small"><a href="${escapeHtml(context.unsubscribeUrl)}">Unsubscribe from these emails</a></p>`,
    );
  }
  return {
    subject: headerSafe(subject, 200),
    text: text.join('\n'),
    html: `<!doctype html><html><body>${html.join('\n')}</body></html>`,
  };
}
