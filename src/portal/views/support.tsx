import type { ReportView } from '../../inbox/inbox.dto.js';
import type { EscalationAllowedAction } from '../../support/escalation-actions.js';
import type { EscalationView } from '../../support/support.dto.js';
import { ESCALATION_OUTCOMES } from '../../support/support.dto.js';
import type { EscalationAbout, ReportAbout } from '../../support/support-context.service.js';
import { formatMoney } from '../../common/money.js';
import { Countdown, Csrf, humanise, Layout, Pager, PostButton, StateBadge, TableHead, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';

export const QUEUE_TABS = {
  open: { label: 'Unassigned', status: 'open' },
  mine: { label: 'Assigned to me', status: 'assigned' },
  assigned: { label: 'All assigned', status: 'assigned' },
  resolved: { label: 'Resolved', status: 'resolved' },
} as const;
export type QueueTab = keyof typeof QUEUE_TABS;

const OUTCOME_NAMES: Record<string, string> = {
  returned_to_seller: 'Back to the seller: they owe a reply',
  answered_by_support: 'Answered by support',
  case_resolved: 'Case resolved',
};

/** What an escalation is about, linked to where the agent works on it. */
function Subject(props: { escalation: EscalationView; about?: EscalationAbout }): JSX.Element {
  const { escalation } = props;
  const subject: string | null = props.about?.subject ?? null;
  const [href, text] = escalation.claimId
    ? [`/app/claims/${escalation.claimId}`, subject === null ? 'Claim' : `Claim: ${subject}`]
    : escalation.reportId
      ? ['/app/reports', subject === null ? 'Phishing report' : `Phishing report: ${subject}`]
      : escalation.caseId
        ? [`/app/cases/${escalation.caseId}`, subject ?? 'Case']
        : [null, '—'];
  if (href === null) return <span>—</span>;
  return (
    <a href={href} safe>
      {text}
    </a>
  );
}

/** The order an escalation is about (number and total), or the listing a question before buying names. */
function OrderCell(props: { about?: EscalationAbout }): JSX.Element {
  const { about } = props;
  if (about?.order)
    return (
      <>
        <span safe>{about.order.externalId}</span>
        <br />
        <span class="muted" safe>
          {formatMoney(about.order.total)}
        </span>
      </>
    );
  if (about?.listingRef) return <span safe>{`Listing ${about.listingRef}`}</span>;
  return <span class="muted">—</span>;
}

/** An escalation with what the viewer may do to it now (support-queue `escalationAllowedActions`). */
export type EscalationItem = EscalationView & { allowedActions: readonly EscalationAllowedAction[] };

export function ResolveForm(props: { viewer: Viewer; escalation: EscalationView }): JSX.Element {
  const id = props.escalation.id;
  return (
    <form method="post" action={`/app/escalations/${id}/resolve`} data-escalation-action="resolve">
      <Csrf viewer={props.viewer} />
      <label for={`outcome-${id}`}>Outcome</label>
      <select id={`outcome-${id}`} name="outcome">
        {ESCALATION_OUTCOMES.map((outcome) => (
          <option value={outcome} safe>
            {OUTCOME_NAMES[outcome]}
          </option>
        ))}
      </select>
      <label for={`note-${id}`}>Note (optional)</label>
      <input id={`note-${id}`} name="note" type="text" maxlength="2000" />
      <p class="actions">
        <button type="submit">Resolve</button>
      </p>
    </form>
  );
}

/** "Assign to me" or "Take over", whichever the escalation's allowed actions hold; nothing otherwise. */
export function AssignButton(props: { viewer: Viewer; escalation: EscalationItem }): JSX.Element {
  const { escalation, viewer } = props;
  const takeOver = escalation.allowedActions.includes('takeOver');
  if (!takeOver && !escalation.allowedActions.includes('assign')) return <></>;
  return (
    <PostButton
      viewer={viewer}
      action={`/app/escalations/${escalation.id}/assign`}
      label={takeOver ? 'Take over' : 'Assign to me'}
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
  const name = (id: string | null | undefined) => (id ? (names.get(id) ?? '') : '—');
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title="Support queue">
      <h1>Support queue</h1>
      <nav aria-label="Queue views" class="actions">
        {Object.entries(QUEUE_TABS).map(([key, value]) => (
          <a
            href={`/app/queue?view=${key}`}
            aria-current={key === tab ? 'page' : undefined}
            class={key === tab ? 'button' : 'button secondary'}
          >
            {value.label}
          </a>
        ))}
      </nav>
      {page.items.length === 0 ? (
        <p class="muted">Nothing here.</p>
      ) : (
        <table class="stack">
          <TableHead columns={['About', 'Buyer', 'Seller', 'Order', 'Reason', 'Due', 'Holder', 'Act']} />
          <tbody>
            {page.items.map((escalation) => (
              <tr>
                <td data-label="About">
                  <Subject escalation={escalation} about={about.get(escalation.id)} />
                </td>
                <td data-label="Buyer" safe>
                  {name(about.get(escalation.id)?.buyerId)}
                </td>
                <td data-label="Seller" safe>
                  {name(about.get(escalation.id)?.sellerId)}
                </td>
                <td data-label="Order">
                  <OrderCell about={about.get(escalation.id)} />
                </td>
                <td data-label="Reason">
                  <span safe>{humanise(escalation.reason)}</span> <StateBadge state={escalation.priority} />
                  {escalation.waitingOn ? (
                    <span class="muted" safe>{` · waiting on the ${escalation.waitingOn}`}</span>
                  ) : (
                    ''
                  )}
                </td>
                <td data-label="Due">
                  {escalation.dueAt ? (
                    <>
                      <Countdown until={escalation.dueAt} now={ctx.now} />
                      <br />
                      <Time at={escalation.dueAt} />
                    </>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td data-label="Holder">
                  {escalation.assigneeId
                    ? escalation.assigneeId === viewer.id
                      ? 'You'
                      : (names.get(escalation.assigneeId) ?? '')
                    : 'Nobody yet'}
                </td>
                <td data-label="Act">
                  <AssignButton viewer={viewer} escalation={escalation} />
                  {escalation.status === 'resolved' && <span safe>{humanise(escalation.outcome ?? 'resolved')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        base="/app/queue"
        label="Pages of the queue"
        params={{ view: tab }}
        previous={{ param: 'before', cursor: page.prevCursor, text: '← Previous page' }}
        next={{ param: 'cursor', cursor: page.nextCursor, text: 'Next page →' }}
      />
    </Layout>
  );
}

/** On a case page, for support: the case's escalations it may still act on, to take and resolve (a claim's are worked on the claim's page). */
export function EscalationPanel(props: { ctx: PageContext; escalations: EscalationItem[] }): JSX.Element {
  const viewer = props.ctx.viewer!;
  const open = props.escalations.filter(
    (escalation) => escalation.reason !== 'claim' && escalation.allowedActions.length > 0,
  );
  if (open.length === 0) return <></>;
  return (
    <section class="card" aria-label="Escalations">
      <h2>Escalation</h2>
      {open.map((escalation) => (
        <div>
          <p>
            <span safe>{humanise(escalation.reason)}</span>, due <Time at={escalation.dueAt} />
          </p>
          <AssignButton viewer={viewer} escalation={escalation} />
          {escalation.allowedActions.includes('resolve') && <ResolveForm viewer={viewer} escalation={escalation} />}
        </div>
      ))}
    </section>
  );
}

/** Who sent a reported message: a user, or the marketplace itself for a notice. */
const senderName = (report: ReportView, names: Map<string, string>): string =>
  report.senderId ? (names.get(report.senderId) ?? '') : 'The marketplace (a notice)';

/** A phishing report with who sent the message, who reported it, where the message is and what it said. */
export type ReportItem = ReportView & { about?: ReportAbout };

export function ReportsPage(props: {
  ctx: PageContext;
  reports: ReportItem[];
  status: string;
  names: Map<string, string>;
}): JSX.Element {
  const { ctx, reports, names } = props;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title="Phishing reports">
      <h1>Phishing reports</h1>
      <nav aria-label="Report views" class="actions">
        {['open', 'confirmed', 'dismissed'].map((status) => (
          <a
            href={`/app/reports?status=${status}`}
            class={status === props.status ? 'button' : 'button secondary'}
            aria-current={status === props.status ? 'page' : undefined}
            safe
          >
            {humanise(status)}
          </a>
        ))}
      </nav>
      {reports.length === 0 && <p class="muted">No reports here.</p>}
      {reports.map((report) => {
        const conversation = report.about?.conversation;
        const body = report.about?.messageBody ?? report.body;
        return (
          <article class="card report" aria-labelledby={`report-${report.id}`}>
            <h2 id={`report-${report.id}`} safe>
              {report.subject || 'Reported message'}
            </h2>
            <dl class="facts">
              <dt>Sent by</dt>
              <dd safe>{senderName(report, names)}</dd>
              <dt>Reported by</dt>
              <dd safe>{names.get(report.reporterId) ?? ''}</dd>
              <dt>Reported</dt>
              <dd>
                <Time at={report.createdAt} />
              </dd>
              {!!report.reason && (
                <>
                  <dt>Why</dt>
                  <dd safe>{`“${report.reason}”`}</dd>
                </>
              )}
              <dt>Conversation</dt>
              <dd>
                {conversation ? (
                  <a href={`/app/${conversation.kind === 'claim' ? 'claims' : 'cases'}/${conversation.id}`}>
                    {conversation.kind === 'claim' ? 'Open the claim' : 'Open the case'}
                  </a>
                ) : (
                  <span class="muted">None: a marketplace notice</span>
                )}
              </dd>
            </dl>
            <h3 class="report-message-heading">
              The reported message
              {report.about?.sentAt ? (
                <>
                  {', sent '}
                  <Time at={report.about.sentAt} />
                </>
              ) : (
                ''
              )}
            </h3>
            {body ? (
              <blockquote class="body report-message" safe>
                {body}
              </blockquote>
            ) : (
              <p class="muted">The message is no longer there.</p>
            )}
            {report.status === 'open' && (
              <div class="actions">
                {(['confirm', 'dismiss'] as const).map((decision) => (
                  <PostButton
                    viewer={viewer}
                    action={`/app/reports/${report.id}/${decision}`}
                    label={decision === 'confirm' ? 'Confirm: quarantine it' : 'Dismiss: it is fine'}
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
