import type { ReportView } from '../../inbox/inbox.dto.js';
import type { EscalationPriority, EscalationReason } from '../../escalations/escalation.entity.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import { Html, type Messages } from '../../i18n/messages.js';
import type { EscalationAllowedAction } from '../../support/escalation-actions.js';
import type { EscalationOutcome, EscalationView } from '../../support/support.dto.js';
import { ESCALATION_OUTCOMES } from '../../support/support.dto.js';
import type { EscalationAbout, ReportAbout } from '../../support/support-context.service.js';
import { Countdown, Csrf, Layout, Pager, PostButton, TableHead, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';

export const QUEUE_TABS = {
  open: { label: 'support.queue.tab.open', status: 'open' },
  mine: { label: 'support.queue.tab.mine', status: 'assigned' },
  assigned: { label: 'support.queue.tab.assigned', status: 'assigned' },
  resolved: { label: 'support.queue.tab.resolved', status: 'resolved' },
} as const satisfies Record<string, { label: MessageKey; status: string }>;
export type QueueTab = keyof typeof QUEUE_TABS;

/** What an agent may choose when resolving, in words. */
const OUTCOME_NAMES: Record<EscalationOutcome, MessageKey> = {
  returned_to_seller: 'support.outcome.returnedToSeller',
  answered_by_support: 'support.outcome.answeredBySupport',
  case_resolved: 'support.outcome.caseResolved',
};

/** How a resolved escalation ended: an agent's outcome, or the step of the case, claim or report that ended it. */
const RESOLVED_NAMES: Record<string, MessageKey> = {
  returned_to_seller: 'support.resolved.returnedToSeller',
  answered_by_support: 'support.resolved.answeredBySupport',
  case_resolved: 'support.resolved.caseResolved',
  case_closed: 'support.resolved.caseClosed',
  claim_filed: 'support.resolved.claimFiled',
  claim_withdrawn: 'support.resolved.claimWithdrawn',
  claim_refunded_by_seller: 'support.resolved.claimRefundedBySeller',
  claim_granted: 'support.resolved.claimGranted',
  claim_denied: 'support.resolved.claimDenied',
  appeal_upheld: 'support.resolved.appealUpheld',
  appeal_reversed: 'support.resolved.appealReversed',
  phishing_confirmed: 'support.resolved.phishingConfirmed',
  phishing_dismissed: 'support.resolved.phishingDismissed',
};

const REASON_NAMES: Record<EscalationReason, MessageKey> = {
  missed_reply_window: 'support.reason.missedReplyWindow',
  buyer_request: 'support.reason.buyerRequest',
  claim: 'support.reason.claim',
  quarantined_message: 'support.reason.quarantinedMessage',
  phishing_report: 'support.reason.phishingReport',
};

const PRIORITY_NAMES: Record<EscalationPriority, MessageKey> = {
  normal: 'support.priority.normal',
  high: 'support.priority.high',
  urgent: 'support.priority.urgent',
};

const REPORT_STATUSES = {
  open: 'support.reports.status.open',
  confirmed: 'support.reports.status.confirmed',
  dismissed: 'support.reports.status.dismissed',
} as const satisfies Record<ReportView['status'], MessageKey>;

/** An escalation's priority as a badge: its class gives its colour, its words say the same without colour. */
function PriorityBadge(props: { priority: EscalationPriority; i18n: Messages }): JSX.Element {
  return (
    <span class={`state state-${props.priority}`} safe>
      {props.i18n.t(PRIORITY_NAMES[props.priority])}
    </span>
  );
}

/** What an escalation is about, linked to where the agent works on it. */
function Subject(props: { escalation: EscalationView; about?: EscalationAbout; i18n: Messages }): JSX.Element {
  const { escalation, i18n } = props;
  const subject: string | null = props.about?.subject ?? null;
  const [href, text] = escalation.claimId
    ? [
        `/app/claims/${escalation.claimId}`,
        subject === null ? i18n.t('support.about.claim') : i18n.t('support.about.claimSubject', { subject }),
      ]
    : escalation.reportId
      ? [
          '/app/reports',
          subject === null ? i18n.t('support.about.report') : i18n.t('support.about.reportSubject', { subject }),
        ]
      : escalation.caseId
        ? [`/app/cases/${escalation.caseId}`, subject ?? i18n.t('support.about.case')]
        : [null, '—'];
  if (href === null) return <span>—</span>;
  return (
    <a href={href} safe>
      {text}
    </a>
  );
}

/** The order an escalation is about (number and total), or the listing a question before buying names. */
function OrderCell(props: { about?: EscalationAbout; i18n: Messages }): JSX.Element {
  const { about, i18n } = props;
  if (about?.order)
    return (
      <>
        <span safe>{about.order.externalId}</span>
        <br />
        <span class="muted" safe>
          {i18n.money(about.order.total)}
        </span>
      </>
    );
  if (about?.listingRef) return <span safe>{i18n.t('support.about.listing', { ref: about.listingRef })}</span>;
  return <span class="muted">—</span>;
}

/** An escalation with what the viewer may do to it now (support-queue `escalationAllowedActions`). */
export type EscalationItem = EscalationView & { allowedActions: readonly EscalationAllowedAction[] };

export function ResolveForm(props: { viewer: Viewer; escalation: EscalationView; i18n: Messages }): JSX.Element {
  const { i18n } = props;
  const id = props.escalation.id;
  return (
    <form method="post" action={`/app/escalations/${id}/resolve`} data-escalation-action="resolve">
      <Csrf viewer={props.viewer} />
      <label for={`outcome-${id}`} safe>
        {i18n.t('support.resolve.outcome')}
      </label>
      <select id={`outcome-${id}`} name="outcome">
        {ESCALATION_OUTCOMES.map((outcome) => (
          <option value={outcome} safe>
            {i18n.t(OUTCOME_NAMES[outcome])}
          </option>
        ))}
      </select>
      <label for={`note-${id}`} safe>
        {i18n.t('support.resolve.note')}
      </label>
      <input id={`note-${id}`} name="note" type="text" maxlength="2000" />
      <p class="actions">
        <button type="submit" safe>
          {i18n.t('support.resolve.submit')}
        </button>
      </p>
    </form>
  );
}

/** "Assign to me" or "Take over", whichever the escalation's allowed actions hold; nothing otherwise. */
export function AssignButton(props: { viewer: Viewer; escalation: EscalationItem; i18n: Messages }): JSX.Element {
  const { escalation, viewer, i18n } = props;
  const takeOver = escalation.allowedActions.includes('takeOver');
  if (!takeOver && !escalation.allowedActions.includes('assign')) return <></>;
  return (
    <PostButton
      viewer={viewer}
      action={`/app/escalations/${escalation.id}/assign`}
      label={i18n.t(takeOver ? 'support.assign.takeOver' : 'support.assign.toMe')}
      look="secondary"
      fields={takeOver ? { reassign: 'true' } : {}}
      data={{ 'escalation-action': takeOver ? 'takeOver' : 'assign' }}
    />
  );
}

export function QueuePage(props: {
  ctx: PageContext;
  tab: QueueTab;
  page: { items: EscalationItem[]; nextCursor: string | null; prevCursor: string | null };
  /** Each escalation's case, parties and order, by escalation id. */
  about: Map<string, EscalationAbout>;
  names: Map<string, string>;
}): JSX.Element {
  const { ctx, tab, page, about, names } = props;
  const { i18n } = ctx;
  const name = (id: string | null | undefined) => (id ? (names.get(id) ?? '') : '—');
  const viewer = ctx.viewer!;
  const columns = {
    about: i18n.t('support.queue.column.about'),
    buyer: i18n.t('support.queue.column.buyer'),
    seller: i18n.t('support.queue.column.seller'),
    order: i18n.t('support.queue.column.order'),
    reason: i18n.t('support.queue.column.reason'),
    due: i18n.t('support.queue.column.due'),
    holder: i18n.t('support.queue.column.holder'),
    act: i18n.t('support.queue.column.act'),
  };
  const title = i18n.t('support.queue.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <nav aria-label={i18n.t('support.queue.views')} class="actions">
        {Object.entries(QUEUE_TABS).map(([key, value]) => (
          <a
            href={`/app/queue?view=${key}`}
            aria-current={key === tab ? 'page' : undefined}
            class={key === tab ? 'button' : 'button secondary'}
            safe
          >
            {i18n.t(value.label)}
          </a>
        ))}
      </nav>
      {page.items.length === 0 ? (
        <p class="muted" safe>
          {i18n.t('support.queue.empty')}
        </p>
      ) : (
        <table class="stack">
          <TableHead columns={Object.values(columns)} />
          <tbody>
            {page.items.map((escalation) => (
              <tr>
                <td data-label={columns.about}>
                  <Subject escalation={escalation} about={about.get(escalation.id)} i18n={i18n} />
                </td>
                <td data-label={columns.buyer} safe>
                  {name(about.get(escalation.id)?.buyerId)}
                </td>
                <td data-label={columns.seller} safe>
                  {name(about.get(escalation.id)?.sellerId)}
                </td>
                <td data-label={columns.order}>
                  <OrderCell about={about.get(escalation.id)} i18n={i18n} />
                </td>
                <td data-label={columns.reason}>
                  <span safe>{i18n.t(REASON_NAMES[escalation.reason])}</span>{' '}
                  <PriorityBadge priority={escalation.priority} i18n={i18n} />
                  {escalation.waitingOn ? (
                    <span class="muted" safe>
                      {i18n.t('support.queue.waitingOn', { party: escalation.waitingOn })}
                    </span>
                  ) : (
                    ''
                  )}
                </td>
                <td data-label={columns.due}>
                  {escalation.dueAt ? (
                    <>
                      <Countdown until={escalation.dueAt} now={ctx.now} i18n={i18n} />
                      <br />
                      <Time at={escalation.dueAt} i18n={i18n} />
                    </>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td data-label={columns.holder} safe>
                  {escalation.assigneeId
                    ? escalation.assigneeId === viewer.id
                      ? i18n.t('support.queue.holderYou')
                      : (names.get(escalation.assigneeId) ?? '')
                    : i18n.t('support.queue.holderNobody')}
                </td>
                <td data-label={columns.act}>
                  <AssignButton viewer={viewer} escalation={escalation} i18n={i18n} />
                  {escalation.status === 'resolved' && (
                    <span safe>{i18n.t(RESOLVED_NAMES[escalation.outcome ?? ''] ?? 'support.resolved.other')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        base="/app/queue"
        label={i18n.t('support.queue.pager')}
        params={{ view: tab }}
        previous={{ param: 'before', cursor: page.prevCursor, text: i18n.t('support.queue.previous') }}
        next={{ param: 'cursor', cursor: page.nextCursor, text: i18n.t('support.queue.next') }}
        i18n={i18n}
      />
    </Layout>
  );
}

/** On a case page, for support: the case's escalations it may still act on, to take and resolve (a claim's are worked on the claim's page). */
export function EscalationPanel(props: { ctx: PageContext; escalations: EscalationItem[] }): JSX.Element {
  const { i18n } = props.ctx;
  const viewer = props.ctx.viewer!;
  const open = props.escalations.filter(
    (escalation) => escalation.reason !== 'claim' && escalation.allowedActions.length > 0,
  );
  if (open.length === 0) return <></>;
  return (
    <section class="card" aria-label={i18n.t('support.panel.label')}>
      <h2 safe>{i18n.t('support.panel.title')}</h2>
      {open.map((escalation) => {
        const safeDue = i18n.html('support.panel.due', {
          reason: new Html(<span safe>{i18n.t(REASON_NAMES[escalation.reason])}</span>),
          time: new Html(<Time at={escalation.dueAt} i18n={i18n} />),
        });
        return (
          <div>
            <p>{safeDue}</p>
            <AssignButton viewer={viewer} escalation={escalation} i18n={i18n} />
            {escalation.allowedActions.includes('resolve') && (
              <ResolveForm viewer={viewer} escalation={escalation} i18n={i18n} />
            )}
          </div>
        );
      })}
    </section>
  );
}

/** Who sent a reported message: a user, or the marketplace itself for a notice. */
const senderName = (report: ReportView, names: Map<string, string>, i18n: Messages): string =>
  report.senderId ? (names.get(report.senderId) ?? '') : i18n.t('support.reports.marketplace');

/** A phishing report with who sent the message, who reported it, where the message is and what it said. */
export type ReportItem = ReportView & { about?: ReportAbout };

export function ReportsPage(props: {
  ctx: PageContext;
  reports: ReportItem[];
  status: ReportView['status'];
  names: Map<string, string>;
}): JSX.Element {
  const { ctx, reports, names } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const title = i18n.t('support.reports.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <nav aria-label={i18n.t('support.reports.views')} class="actions">
        {Object.entries(REPORT_STATUSES).map(([status, label]) => (
          <a
            href={`/app/reports?status=${status}`}
            class={status === props.status ? 'button' : 'button secondary'}
            aria-current={status === props.status ? 'page' : undefined}
            safe
          >
            {i18n.t(label)}
          </a>
        ))}
      </nav>
      {reports.length === 0 && (
        <p class="muted" safe>
          {i18n.t('support.reports.empty')}
        </p>
      )}
      {reports.map((report) => {
        const conversation = report.about?.conversation;
        const body = report.about?.messageBody ?? report.body;
        const safeHeading = report.about?.sentAt
          ? i18n.html('support.reports.messageSent', {
              time: new Html(<Time at={report.about.sentAt} i18n={i18n} />),
            })
          : i18n.html('support.reports.message');
        return (
          <article class="card report" aria-labelledby={`report-${report.id}`}>
            <h2 id={`report-${report.id}`} safe>
              {report.subject || i18n.t('support.reports.untitled')}
            </h2>
            <dl class="facts">
              <dt safe>{i18n.t('support.reports.sentBy')}</dt>
              <dd safe>{senderName(report, names, i18n)}</dd>
              <dt safe>{i18n.t('support.reports.reportedBy')}</dt>
              <dd safe>{names.get(report.reporterId) ?? ''}</dd>
              <dt safe>{i18n.t('support.reports.reported')}</dt>
              <dd>
                <Time at={report.createdAt} i18n={i18n} />
              </dd>
              {!!report.reason && (
                <>
                  <dt safe>{i18n.t('support.reports.why')}</dt>
                  <dd safe>{i18n.t('support.reports.quoted', { reason: report.reason })}</dd>
                </>
              )}
              <dt safe>{i18n.t('support.reports.conversation')}</dt>
              <dd>
                {conversation ? (
                  <a href={`/app/${conversation.kind === 'claim' ? 'claims' : 'cases'}/${conversation.id}`} safe>
                    {i18n.t(conversation.kind === 'claim' ? 'support.reports.openClaim' : 'support.reports.openCase')}
                  </a>
                ) : (
                  <span class="muted" safe>
                    {i18n.t('support.reports.noConversation')}
                  </span>
                )}
              </dd>
            </dl>
            <h3 class="report-message-heading">{safeHeading}</h3>
            {body ? (
              <blockquote class="body report-message" safe>
                {body}
              </blockquote>
            ) : (
              <p class="muted" safe>
                {i18n.t('support.reports.gone')}
              </p>
            )}
            {report.status === 'open' && (
              <div class="actions">
                {(['confirm', 'dismiss'] as const).map((decision) => (
                  <PostButton
                    viewer={viewer}
                    action={`/app/reports/${report.id}/${decision}`}
                    label={i18n.t(decision === 'confirm' ? 'support.reports.confirm' : 'support.reports.dismiss')}
                    look={decision === 'confirm' ? 'danger' : 'secondary'}
                  />
                ))}
              </div>
            )}
          </article>
        );
      })}
    </Layout>
  );
}
