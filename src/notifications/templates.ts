import type { ReplyWindowPolicy } from '../../config/policies.js';

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
  /** The reply window the notice is about, for the days it names. */
  replyWindow: Pick<ReplyWindowPolicy, 'atRiskAfterBusinessDays' | 'lateAfterBusinessDays'>;
}

const businessDays = (n: number) => `${n} business day${n === 1 ? '' : 's'}`;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
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
  const about = c.caseSubject ? `“${headerSafe(c.caseSubject, 80)}”` : 'your case';
  const when = c.thresholdAt ? new Date(c.thresholdAt).toUTCString() : 'now';
  const atRisk = businessDays(c.replyWindow.atRiskAfterBusinessDays);
  const late = businessDays(c.replyWindow.lateAfterBusinessDays);
  switch (c.kind) {
    case 'case_opened':
      return { subject: `New question from a buyer: ${about}`, lines: ['A buyer opened a case with you:', c.messageExcerpt ?? '', `Please reply within ${late}.`] };
    case 'new_message':
      return { subject: `New message about ${about}`, lines: [`There is a new message in ${about}:`, c.messageExcerpt ?? ''] };
    case 'reply_window_at_risk':
      return {
        subject: `Reply soon: ${about} has waited ${atRisk}`,
        lines: [`A buyer has waited ${atRisk} for your reply in ${about} (since ${when}).`, 'Reply by the end of the next business day to stay on time.'],
      };
    case 'reply_window_late':
      return c.role === 'buyer'
        ? {
            subject: `The seller has not replied yet: ${about}`,
            lines: [
              `The seller has not replied to ${about} within ${late}.`,
              'You can ask our support team to step in from the case page, or file a claim if your order is eligible.',
            ],
          }
        : {
            subject: `Your reply is late: ${about}`,
            lines: [`You have not replied to ${about} within ${late}. Late replies count against your seller performance.`, 'Reply now to avoid an escalation to support.'],
          };
    case 'case_escalated':
      return {
        subject: `Support is now handling ${about}`,
        lines: [`${about} has been passed to our support team.`, 'An agent will be in touch; you can keep writing in the case.'],
      };
    case 'escalation_resolved':
      return { subject: `Support finished with ${about}`, lines: [`Our support team has finished with ${about}${c.outcome ? ` (${c.outcome.replace(/_/g, ' ')})` : ''}.`] };
    case 'broadcast':
      return { subject: headerSafe(c.broadcastSubject ?? 'News from the marketplace'), lines: [c.broadcastBody ?? ''] };
    default:
      return { subject: `An update on ${about}`, lines: ['There is an update on your case.'] };
  }
}

export function renderEmail(context: TemplateContext): RenderedEmail {
  const { subject, lines } = parts(context);
  const greeting = `Hello ${headerSafe(context.recipientName, 100)},`;
  const text = [greeting, '', ...lines.filter((line) => line !== ''), ''];
  const html = [`<p>${escapeHtml(greeting)}</p>`, ...lines.filter((line) => line !== '').map((line) => `<p>${escapeHtml(line).replace(/\n/g, '<br>')}</p>`)];
  if (context.caseUrl) {
    text.push(`Open the case: ${context.caseUrl}`);
    html.push(`<p><a href="${escapeHtml(context.caseUrl)}">Open the case</a></p>`);
  }
  if (context.unsubscribeUrl) {
    text.push('', `Unsubscribe from these emails: ${context.unsubscribeUrl}`);
    html.push(`<p style="font-size:small"><a href="${escapeHtml(context.unsubscribeUrl)}">Unsubscribe from these emails</a></p>`);
  }
  return {
    subject: headerSafe(subject, 200),
    text: text.join('\n'),
    html: `<!doctype html><html><body>${html.join('\n')}</body></html>`,
  };
}
