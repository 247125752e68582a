import { replyWindowPolicyAt, type ReplyWindowPolicy } from '../../config/policies.js';
import type { Money } from '../common/money.js';
import type { ClaimReason } from '../claims/claim.entity.js';
import type { MessageKey } from '../i18n/catalogues.js';
import type { I18n } from '../i18n/i18n.service.js';
import { englishMessages } from '../i18n/locales.js';
import type { Messages } from '../i18n/messages.js';
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
  /** The reader's language (English when not given). */
  i18n?: Messages;
  /** The reply window the notice is about, for the days it names. */
  replyWindow: Pick<ReplyWindowPolicy, 'atRiskAfterBusinessDays' | 'lateAfterBusinessDays'>;
}

/** Who reads the notice: the role its payload names, or, for a kind only one recipient ever gets (and rows written before the payload named it), that one. */
function readerOf(c: TemplateContext): Recipient | null {
  if (c.role === 'buyer' || c.role === 'seller' || c.role === 'agent') return c.role;
  const recipients = Object.keys(NOTICE_CATEGORIES[c.kind as CaseNoticeKind] ?? {}) as Recipient[];
  return recipients.length === 1 ? recipients[0] : null;
}

const REASONS: Readonly<Record<ClaimReason, MessageKey>> = {
  item_not_received: 'notice.reason.item_not_received',
  damaged_or_defective: 'notice.reason.damaged_or_defective',
  not_as_described: 'notice.reason.not_as_described',
  return_not_refunded: 'notice.reason.return_not_refunded',
};

/** A claim's reason in the reader's words, mid-sentence ("damaged or defective"); an unknown code as it is, without underscores. */
function reasonWords(i18n: Messages, reason: string): string {
  const key = REASONS[reason as ClaimReason];
  return key ? i18n.t(key) : reason.replace(/_/g, ' ');
}

/** Each claim notice as its reader reads it: the buyer's claim is "your claim" to the buyer, "the claim" to the seller. */
function claimParts(c: TemplateContext, i18n: Messages): Parts | null {
  const reader = readerOf(c);
  const seller = reader === 'seller';
  const reason = c.claimReason ? reasonWords(i18n, c.claimReason) : null;
  const claim = reason ? i18n.t('notice.claim.yoursWithReason', { reason }) : i18n.t('notice.claim.yours');
  const theClaim = reason ? i18n.t('notice.claim.theWithReason', { reason }) : i18n.t('notice.claim.the');
  const readersClaim = seller ? theClaim : claim;
  const due = c.dueAt ? i18n.dateTime(c.dueAt, c.readerZone) : null;
  const money = c.money ? i18n.money(c.money) : null;
  const other = seller ? 'buyer' : 'seller';
  const readerSide = seller ? 'seller' : 'buyer';
  switch (c.kind) {
    case 'claim_filed':
      return seller
        ? {
            subject: i18n.t('notice.claimFiled.seller.subject'),
            lines: [
              money
                ? i18n.t('notice.claimFiled.seller.filedWithMoney', { claim: theClaim, money })
                : i18n.t('notice.claimFiled.seller.filed', { claim: theClaim }),
              due ? i18n.t('notice.claimFiled.seller.respondBy', { due }) : i18n.t('notice.claimFiled.seller.respond'),
            ],
          }
        : {
            subject: i18n.t('notice.claimFiled.buyer.subject'),
            lines: [
              i18n.t('notice.claimFiled.buyer.received', { claim }),
              due
                ? i18n.t('notice.claimFiled.buyer.sellerHasUntil', { due })
                : i18n.t('notice.claimFiled.buyer.sellerHas'),
            ],
          };
    case 'claim_message':
      return {
        subject: i18n.t('notice.claimMessage.subject', { claim: readersClaim }),
        lines: [i18n.t('notice.claimMessage.line', { claim: readersClaim }), c.messageExcerpt ?? ''],
      };
    case 'claim_info_requested': {
      if (c.infoFrom === reader)
        return {
          subject: i18n.t('notice.claimInfo.fromYou.subject'),
          lines: [
            i18n.t('notice.claimInfo.fromYou.line', { claim: readersClaim }),
            c.messageExcerpt ?? '',
            due ? i18n.t('notice.claimInfo.fromYou.answerBy', { due }) : '',
          ],
        };
      const from = c.infoFrom === 'buyer' || c.infoFrom === 'seller' ? c.infoFrom : 'other';
      return {
        subject: i18n.t('notice.claimInfo.other.subject', { from }),
        lines: [i18n.t('notice.claimInfo.other.line', { from, claim: readersClaim })],
      };
    }
    case 'claim_no_seller_response':
      return c.outcome === 'granted'
        ? {
            subject: i18n.t('notice.claimNoResponse.granted.subject'),
            lines: [
              money
                ? i18n.t('notice.claimNoResponse.granted.lineWithMoney', { claim: theClaim, money })
                : i18n.t('notice.claimNoResponse.granted.line', { claim: theClaim }),
            ],
          }
        : {
            subject: i18n.t('notice.claimNoResponse.review.subject'),
            lines: [i18n.t('notice.claimNoResponse.review.line', { claim: theClaim })],
          };
    case 'claim_decided': {
      const outcome = c.outcome === 'granted' ? 'granted' : 'denied';
      // The party the decision went against may appeal it: the seller a grant, the buyer a denial.
      const appellant = outcome === 'granted' ? 'seller' : 'buyer';
      const funder = c.funding === 'marketplace' ? 'marketplace' : seller ? 'you' : 'seller';
      return {
        subject: i18n.t('notice.claimDecided.subject', { reader: readerSide, outcome }),
        lines: [
          i18n.t('notice.claimDecided.line', { reader: readerSide, outcome }),
          outcome === 'granted' && money ? i18n.t('notice.claimDecided.refund', { money, funder }) : '',
          due
            ? i18n.t('notice.claimDecided.appeal', { appellant: appellant === readerSide ? 'you' : appellant, due })
            : '',
        ],
      };
    }
    case 'claim_appealed': {
      const by = c.appealedBy === 'buyer' || c.appealedBy === 'seller' ? c.appealedBy : null;
      if (by === null)
        return {
          subject: i18n.t('notice.claimAppealed.unknown.subject', { reader: readerSide }),
          lines: [i18n.t('notice.claimAppealed.unknown.line', { claim: readersClaim })],
        };
      const who = by === other ? other : 'you';
      return {
        subject: i18n.t('notice.claimAppealed.subject', { who, reader: readerSide }),
        lines: [i18n.t('notice.claimAppealed.line', { who, claim: readersClaim })],
      };
    }
    case 'claim_appeal_decided': {
      const appeal = c.appealOutcome === 'reversed' ? 'reversed' : 'upheld';
      return {
        subject: i18n.t('notice.claimAppealDecided.subject', { appeal }),
        lines: [
          c.outcome
            ? i18n.t('notice.claimAppealDecided.lineWithOutcome', { claim: readersClaim, appeal, outcome: c.outcome })
            : i18n.t('notice.claimAppealDecided.line', { claim: readersClaim, appeal }),
        ],
      };
    }
    case 'claim_refunded_by_seller':
      return seller
        ? {
            subject: money
              ? i18n.t('notice.claimRefunded.seller.subjectWithMoney', { money })
              : i18n.t('notice.claimRefunded.seller.subject'),
            lines: [
              money
                ? i18n.t('notice.claimRefunded.seller.lineWithMoney', { money, claim: theClaim })
                : i18n.t('notice.claimRefunded.seller.line', { claim: theClaim }),
            ],
          }
        : {
            subject: money
              ? i18n.t('notice.claimRefunded.buyer.subjectWithMoney', { money })
              : i18n.t('notice.claimRefunded.buyer.subject'),
            lines: [
              money
                ? i18n.t('notice.claimRefunded.buyer.lineWithMoney', { money, claim })
                : i18n.t('notice.claimRefunded.buyer.line', { claim }),
            ],
          };
    case 'claim_withdrawn':
      return {
        subject: i18n.t(seller ? 'notice.claimWithdrawn.seller.subject' : 'notice.claimWithdrawn.buyer.subject'),
        lines: [
          seller
            ? reason
              ? i18n.t('notice.claimWithdrawn.seller.lineWithReason', { reason })
              : i18n.t('notice.claimWithdrawn.seller.line')
            : reason
              ? i18n.t('notice.claimWithdrawn.buyer.lineWithReason', { reason })
              : i18n.t('notice.claimWithdrawn.buyer.line'),
        ],
      };
    default:
      return null;
  }
}

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
  const i18n = c.i18n ?? englishMessages();
  const claim = claimParts(c, i18n);
  if (claim) return claim;
  const reader = readerOf(c);
  // The case is the buyer's own; to the seller and to an agent it is "the case".
  const about = c.caseSubject
    ? i18n.t('notice.case.quoted', { subject: headerSafe(c.caseSubject, 80) })
    : i18n.t(reader === 'buyer' ? 'notice.case.yours' : 'notice.case.the');
  const aboutAtStart = c.caseSubject
    ? about
    : i18n.t(reader === 'buyer' ? 'notice.case.yoursCapital' : 'notice.case.theCapital');
  const since = c.thresholdAt ? i18n.dateTime(c.thresholdAt, c.readerZone) : null;
  const atRisk = i18n.t('notice.businessDays', { days: c.replyWindow.atRiskAfterBusinessDays });
  const late = i18n.t('notice.businessDays', { days: c.replyWindow.lateAfterBusinessDays });
  switch (c.kind) {
    case 'case_opened':
      return {
        subject: i18n.t('notice.caseOpened.subject', { case: about }),
        lines: [
          i18n.t('notice.caseOpened.line'),
          c.messageExcerpt ?? '',
          i18n.t('notice.caseOpened.replyWithin', { late }),
        ],
      };
    case 'new_message':
      return {
        subject: i18n.t('notice.newMessage.subject', { case: about }),
        lines: [
          i18n.t('notice.newMessage.line', { writer: reader === 'seller' ? 'buyer' : 'seller', case: about }),
          c.messageExcerpt ?? '',
        ],
      };
    case 'support_message':
      return {
        subject: i18n.t('notice.supportMessage.subject', { case: about }),
        lines: [i18n.t('notice.supportMessage.line', { case: about }), c.messageExcerpt ?? ''],
      };
    case 'reply_window_at_risk':
      return {
        subject: i18n.t('notice.atRisk.subject', { case: about, atRisk }),
        lines: [
          since
            ? i18n.t('notice.atRisk.lineSince', { atRisk, case: about, time: since })
            : i18n.t('notice.atRisk.line', { atRisk, case: about }),
          i18n.t('notice.atRisk.advice'),
        ],
      };
    case 'reply_window_late':
      return reader === 'buyer'
        ? {
            subject: i18n.t('notice.late.buyer.subject', { case: about }),
            lines: [i18n.t('notice.late.buyer.line', { case: about, late }), i18n.t('notice.late.buyer.advice')],
          }
        : {
            subject: i18n.t('notice.late.seller.subject', { case: about }),
            lines: [i18n.t('notice.late.seller.line', { case: about, late }), i18n.t('notice.late.seller.advice')],
          };
    case 'case_escalated':
      return {
        subject: i18n.t('notice.escalated.subject', { case: about }),
        lines: [i18n.t('notice.escalated.line', { case: aboutAtStart }), i18n.t('notice.escalated.advice')],
      };
    case 'escalation_resolved':
      return {
        subject: i18n.t('notice.escalationResolved.subject', { case: about }),
        lines: [
          c.outcome
            ? i18n.t('notice.escalationResolved.lineWithOutcome', { case: about, outcome: c.outcome })
            : i18n.t('notice.escalationResolved.line', { case: about }),
        ],
      };
    case 'escalation_assigned':
      return {
        subject: i18n.t('notice.escalationAssigned.subject', { case: about }),
        lines: [
          i18n.t('notice.escalationAssigned.line', { case: about }),
          c.dueAt ? i18n.t('notice.escalationAssigned.due', { due: i18n.dateTime(c.dueAt, c.readerZone) }) : '',
        ],
      };
    case 'order_event': {
      const order = c.orderRef
        ? i18n.t('notice.order.ref', { ref: headerSafe(c.orderRef, 60) })
        : i18n.t('notice.order.plain');
      const subject = i18n.t('notice.order.event', { event: c.orderEvent ?? 'other', order });
      return {
        subject,
        lines: [
          since
            ? i18n.t('notice.order.lineAt', { what: subject, time: since })
            : i18n.t('notice.order.line', { what: subject }),
        ],
      };
    }
    case 'broadcast':
      return {
        subject: headerSafe(c.broadcastSubject ?? i18n.t('notice.broadcast.subject')),
        lines: [c.broadcastBody ?? ''],
      };
    default:
      return {
        subject: i18n.t('notice.update.subject', { case: about }),
        lines: [i18n.t('notice.update.line', { case: about })],
      };
  }
}

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

/** A notice as a Message Center item in the reader's language: its title and its text (the email's subject and lines, without greeting or links). */
export function noticeText(
  kind: string,
  payload: Record<string, unknown>,
  createdAt: Date,
  onCase: boolean,
  i18n: Messages = englishMessages(),
): { title: string; text: string } {
  const { subject, lines } = parts({
    ...payloadContext(kind, payload, createdAt),
    i18n,
    recipientName: '',
    caseSubject: onCase ? CASE_SUBJECT_SLOT : null,
  });
  return { title: headerSafe(subject, 200), text: lines.filter((line) => line !== '').join('\n') };
}

/**
 * A notice's Message Center title and text in every served language, keyed
 * by locale, with the default language also under `''`: the statement that
 * writes the item picks the recipient's (`users.locale`), else the default.
 */
export function noticeTexts(
  kind: string,
  payload: Record<string, unknown>,
  createdAt: Date,
  onCase: boolean,
  i18n: I18n,
): { titles: Record<string, string>; texts: Record<string, string> } {
  const titles: Record<string, string> = {};
  const texts: Record<string, string> = {};
  for (const tag of i18n.tags) {
    const { title, text } = noticeText(kind, payload, createdAt, onCase, i18n.locales.messages(tag));
    titles[tag] = title;
    texts[tag] = text;
  }
  titles[''] = titles[i18n.defaultLocale];
  texts[''] = texts[i18n.defaultLocale];
  return { titles, texts };
}

export function renderEmail(context: TemplateContext): RenderedEmail {
  const i18n = context.i18n ?? englishMessages();
  const { subject, lines } = parts(context);
  const greeting = i18n.t('email.greeting', { name: headerSafe(context.recipientName, 100) });
  const text = [greeting, '', ...lines.filter((line) => line !== ''), ''];
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...lines.filter((line) => line !== '').map((line) => `<p>${escapeHtml(line).replace(/\n/g, '<br>')}</p>`),
  ];
  const link = (url: string, words: MessageKey, textKey: MessageKey, style = '') => {
    text.push(i18n.t(textKey, { url }));
    html.push(`<p${style}><a href="${escapeHtml(url)}">${escapeHtml(i18n.t(words))}</a></p>`);
  };
  if (context.claimUrl) link(context.claimUrl, 'email.openClaim', 'email.openClaim.text');
  else if (context.caseUrl) link(context.caseUrl, 'email.openCase', 'email.openCase.text');
  if (context.itemUrl) link(context.itemUrl, 'email.item', 'email.item.text');
  if (context.unsubscribeUrl) {
    text.push('');
    link(context.unsubscribeUrl, 'email.unsubscribe', 'email.unsubscribe.text', ' style="font-size:small"');
  }
  return {
    subject: headerSafe(subject, 200),
    text: text.join('\n'),
    html: `<!doctype html><html lang="${escapeHtml(i18n.locale)}" dir="${i18n.direction}"><body>${html.join('\n')}</body></html>`,
  };
}
