import type { CaseAllowedAction } from '../../cases/case-actions.js';
import type { CaseDetailView, CasePageView, MessageView, SlaDetailView } from '../../cases/cases.dto.js';
import { TOPICS } from '../../cases/case.entity.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { formatMoney } from '../../common/money.js';
import { EscalationPanel } from './support.js';
import type { EscalationItem } from './support.js';
import { Conversation, MessageForm } from './conversation.js';
import {
  Countdown,
  Csrf,
  Pager,
  PostButton,
  humanise,
  Layout,
  StateBadge,
  TableHead,
  Time,
  formatIn,
} from './layout.js';
import type { PageContext } from './layout.js';

const TOPIC_NAMES: Record<string, string> = {
  question: 'A question',
  item_not_received: 'Item not received',
  damaged_or_defective: 'Damaged or defective',
  not_as_described: 'Not as described',
  return_request: 'Return request',
  refund_not_received: 'Refund not received',
  other: 'Something else',
};

const STATUS_NAMES: Record<string, string> = {
  awaiting_seller: 'Waiting for the seller',
  awaiting_buyer: 'Waiting for the buyer',
  escalated: 'With customer service',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const statusName = (status: string): string => STATUS_NAMES[status] ?? humanise(status);

export function CaseListPage(props: {
  ctx: PageContext;
  page: CasePageView;
  names: Map<string, string>;
  status?: string;
  /** What the list was searched for, if anything. */
  q?: string;
  title: string;
  section: string;
  base: string;
}): JSX.Element {
  const { ctx, page, names, q } = props;
  const seller = ctx.viewer!.role === 'seller';
  const params = { status: props.status, q };
  return (
    <Layout ctx={ctx} title={q ? `${props.title}: “${q}”` : props.title}>
      <h1 safe>{props.title}</h1>
      {seller && props.section === 'dashboard' && (
        <p class="muted">
          Open conversations, the nearest reply deadline first. Deadlines count business time on your calendar.
        </p>
      )}
      <form method="get" action={props.base} class="card case-search" role="search">
        <div>
          <label for="case-q">Search by subject or order number</label>
          <input id="case-q" name="q" type="search" maxlength="200" value={q ?? ''} />
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            {[['', seller ? 'Open' : 'All'], ...Object.entries(STATUS_NAMES)].map(([value, text]) => (
              <option value={value} selected={props.status === value && value !== ''} safe>
                {text}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      {page.items.length === 0 ? (
        <EmptyList q={q} status={props.status} seller={seller} base={props.base} />
      ) : (
        <>
          {!!q && (
            <p class="muted" safe>
              {`Cases whose subject, listing or order number contains “${q}”${props.status ? ` (${statusName(props.status).toLowerCase()})` : ''}.`}
            </p>
          )}
          <CaseTable ctx={ctx} page={page} names={names} />
        </>
      )}
      <Pager
        base={props.base}
        label="Pages of cases"
        params={params}
        previous={{ param: 'before', cursor: page.prevCursor, text: '← Previous page' }}
        next={{ param: 'cursor', cursor: page.nextCursor, text: 'Next page →' }}
      />
    </Layout>
  );
}

/** What an empty list means: nothing matched what was asked for (said back, with a way out), or no cases at all. */
function EmptyList(props: { q?: string; status?: string; seller: boolean; base: string }): JSX.Element {
  const { q, status } = props;
  const among = status
    ? ` among the ${statusName(status).toLowerCase()} cases`
    : props.seller
      ? ' among the open cases'
      : '';
  if (!q)
    return (
      <p class="muted">{status ? 'No cases with this status.' : props.seller ? 'No open cases.' : 'No cases here.'}</p>
    );
  return (
    <div class="card" role="status">
      <p safe>{`No case matches “${q}”: searched the subjects, listing references and order numbers${among}.`}</p>
      <p>
        <a href={props.base}>Show all cases</a>
      </p>
    </div>
  );
}

function CaseTable(props: { ctx: PageContext; page: CasePageView; names: Map<string, string> }): JSX.Element {
  const { ctx, page, names } = props;
  const role = ctx.viewer!.role;
  const seller = role === 'seller';
  const party = seller ? 'Buyer' : role === 'buyer' ? 'Seller' : 'Parties';
  return (
    <table class="stack">
      <TableHead columns={['Subject', party, 'Status', 'Reply due']} />
      <tbody>
        {page.items.map((item) => (
          <tr>
            <td data-label="Subject">
              <a href={`/app/cases/${item.id}`} safe>
                {item.subject}
              </a>
            </td>
            <td data-label={party} safe>
              {seller
                ? (names.get(item.buyerId) ?? '')
                : role === 'buyer'
                  ? (names.get(item.sellerId) ?? '')
                  : `${names.get(item.buyerId) ?? ''} → ${names.get(item.sellerId) ?? ''}`}
            </td>
            <td data-label="Status">
              <span safe>{statusName(item.status)}</span> <StateBadge state={item.sla.state} />
            </td>
            <td data-label="Reply due">
              {item.sla.dueAt ? (
                <>
                  <Countdown until={item.sla.dueAt} now={ctx.now} />
                  <br />
                  <Time at={item.sla.dueAt} />
                  {seller && (
                    <details
                      hx-get={`/app/cases/${item.id}/why`}
                      hx-trigger="toggle once"
                      hx-target="find .why"
                      hx-swap="innerHTML"
                    >
                      <summary>Why this deadline</summary>
                      <div class="why">
                        <a href={`/app/cases/${item.id}#why`}>See the explanation</a>
                      </div>
                    </details>
                  )}
                </>
              ) : (
                <span class="muted">No reply due</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const REASON_NAMES: Record<string, string> = {
  weekend: 'Weekend',
  holiday: 'Public holiday',
  closure: 'Closed',
  outside_hours: 'Outside business hours',
  paused: 'Clock paused',
};

/** Why a deadline falls where it does: the stretches of time that counted and those that did not, in the seller's zone. */
export function Why(props: { sla: SlaDetailView }): JSX.Element {
  const { sla } = props;
  if (!sla.dueAt || !sla.basis) return <p class="muted">No reply is due, so no clock is running.</p>;
  const zone = sla.basis.timeZone;
  const skipped = sla.explanation.segments.filter((segment) => !segment.counted);
  return (
    <div>
      <p>
        The reply window counts business time on the seller’s calendar (<span safe>{zone}</span>) from{' '}
        <time datetime={sla.basis.openedAt} safe>
          {formatIn(new Date(sla.basis.openedAt), zone)}
        </time>{' '}
        to{' '}
        <time datetime={sla.dueAt} safe>
          {formatIn(new Date(sla.dueAt), zone)}
        </time>
        .{skipped.length === 0 ? ' No time was skipped.' : ' These stretches did not count:'}
      </p>
      {skipped.length > 0 && (
        <ul class="segments">
          {skipped.map((segment) => (
            <li class="skipped">
              <strong safe>
                {segment.name
                  ? `${REASON_NAMES[segment.reason ?? ''] ?? ''}: ${segment.name}`
                  : (REASON_NAMES[segment.reason ?? ''] ?? 'Not counted')}
              </strong>{' '}
              <span safe>{`${formatIn(new Date(segment.from), zone)} – ${formatIn(new Date(segment.to), zone)}`}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CasePage(props: {
  ctx: PageContext;
  view: CaseDetailView;
  sla: SlaDetailView;
  messages: MessageView[];
  names: Map<string, string>;
  /** The order the case is about, if it is about one (a question before buying names a listing instead). */
  order?: OrderView;
  /** Where the viewer may file a claim about the case's order now (the claim form), if anywhere. */
  fileClaimHref?: string;
  escalations?: EscalationItem[];
}): JSX.Element {
  const { ctx, view, sla, messages, names, order } = props;
  const viewer = ctx.viewer!;
  const role = viewer.role;
  return (
    <Layout ctx={ctx} title={view.subject}>
      <p>
        <a href={role === 'seller' ? '/app/dashboard' : role === 'agent' ? '/app/queue' : '/app/cases'}>← Back</a>
      </p>
      <h1 safe>{view.subject}</h1>
      <AboutOrder order={order} listingRef={view.listingRef} buyer={role === 'buyer'} />
      <div class="grid two">
        <section aria-label="Conversation">
          <Conversation viewer={viewer} messages={messages} names={names} />
          {!!view.claimId && (
            <p class="notice">
              A claim was filed from this conversation: <a href={`/app/claims/${view.claimId}`}>open the claim</a>.
            </p>
          )}
          <MessageForm
            viewer={viewer}
            action={`/app/cases/${view.id}/messages`}
            label="Reply"
            fileLabel="Attach photos or PDF (up to 5, 10 MB each)"
            message={view.allowedActions.includes('message')}
            note={view.allowedActions.includes('note')}
          />
        </section>
        <aside class="card" aria-label="About this case">
          <dl class="facts">
            <dt>Status</dt>
            <dd safe>{statusName(view.status)}</dd>
            <dt>Reply window</dt>
            <dd>
              <StateBadge state={view.sla.state} />
            </dd>
            <dt>Topic</dt>
            <dd safe>{TOPIC_NAMES[view.topic] ?? humanise(view.topic)}</dd>
            <dt>Buyer</dt>
            <dd safe>{names.get(view.buyerId) ?? ''}</dd>
            <dt>Seller</dt>
            <dd safe>{names.get(view.sellerId) ?? ''}</dd>
            {!!view.sla.dueAt && (
              <>
                <dt>Reply due</dt>
                <dd>
                  <Time at={view.sla.dueAt} />
                  <br />
                  <Countdown until={view.sla.dueAt} now={ctx.now} />
                </dd>
              </>
            )}
            <dt>Opened</dt>
            <dd>
              <Time at={view.createdAt} />
            </dd>
          </dl>
          {!!view.sla.dueAt && (
            <>
              <h2 id="why">Why this deadline</h2>
              <Why sla={sla} />
            </>
          )}
          <CaseActions ctx={ctx} view={view} fileClaimHref={props.fileClaimHref} />
          {!!props.escalations && <EscalationPanel ctx={ctx} escalations={props.escalations} />}
        </aside>
      </div>
    </Layout>
  );
}

/** What a buyer bought, as the order's lines read ("2 × Laptop sleeve, Charger"). */
export const orderTitle = (order: OrderView): string =>
  order.items.map((item) => (item.quantity > 1 ? `${item.quantity} × ${item.title}` : item.title)).join(', ');

/** The order a case is about: its number, what was bought and its total; for its buyer, a link to it on the orders page (found by its number). */
function AboutOrder(props: { order?: OrderView; listingRef: string | null; buyer: boolean }): JSX.Element {
  const { order } = props;
  if (!order)
    return props.listingRef ? (
      <p class="case-order">
        About listing <strong safe>{props.listingRef}</strong>, before an order
      </p>
    ) : (
      <></>
    );
  const title = orderTitle(order);
  return (
    <p class="case-order">
      About order <strong safe>{order.externalId}</strong>
      {title ? <span safe>{` · ${title}`}</span> : ''}
      <span safe>{` · ${formatMoney(order.total)}`}</span>
      {props.buyer && (
        <>
          {' · '}
          <a href={`/app/orders?q=${encodeURIComponent(order.externalId)}#order-${order.id}`}>See the order</a>
        </>
      )}
    </p>
  );
}

/** The buttons for the case's actions without a form of their own, labelled for people, each posting to the portal's route of the API's action. */
const BUTTONS: Partial<Record<CaseAllowedAction, { path: string; label: string; secondary?: boolean }>> = {
  noResponseNeeded: { path: 'no-response-needed', label: 'No response needed', secondary: true },
  resolve: { path: 'resolve', label: 'Mark as resolved', secondary: true },
  reopen: { path: 'reopen', label: 'Reopen', secondary: true },
  escalate: { path: 'escalate', label: 'Ask customer service' },
};

function CaseActions(props: { ctx: PageContext; view: CaseDetailView; fileClaimHref?: string }): JSX.Element {
  const { ctx, view } = props;
  const buttons: JSX.Element[] = view.allowedActions.flatMap((action) => {
    const button = BUTTONS[action];
    if (!button) return [];
    return [
      <PostButton
        viewer={ctx.viewer!}
        action={`/app/cases/${view.id}/${button.path}`}
        label={button.label}
        look={button.secondary ? 'secondary' : undefined}
        data={{ action }}
      />,
    ];
  });
  if (props.fileClaimHref)
    buttons.push(
      <a class="button secondary" href={props.fileClaimHref}>
        File a claim
      </a>,
    );
  if (buttons.length === 0) return <></>;
  return <div class="actions">{buttons}</div>;
}

export function NewCasePage(props: {
  ctx: PageContext;
  order?: OrderView;
  sellerId: string;
  sellerName: string;
}): JSX.Element {
  const { ctx, order } = props;
  return (
    <Layout ctx={ctx} title="Contact the seller">
      <h1>Contact the seller</h1>
      <p>
        Write to <strong safe>{props.sellerName}</strong>
        {order ? (
          <>
            {' about order '}
            <span safe>{order.externalId}</span>
          </>
        ) : (
          ''
        )}
        . Sellers reply within 2 business days.
      </p>
      <form method="post" action="/app/cases" class="card">
        <Csrf viewer={ctx.viewer!} />
        <input type="hidden" name="sellerId" value={props.sellerId} />
        {!!order && <input type="hidden" name="orderId" value={order.id} />}
        <label for="topic">Topic</label>
        <select id="topic" name="topic">
          {TOPICS.map((topic) => (
            <option value={topic} safe>
              {TOPIC_NAMES[topic]}
            </option>
          ))}
        </select>
        <label for="subject">Subject</label>
        <input id="subject" name="subject" type="text" required maxlength="200" />
        <label for="body">Message</label>
        <textarea id="body" name="body" required maxlength="10000"></textarea>
        <p class="actions">
          <button type="submit">Send to seller</button>
        </p>
      </form>
    </Layout>
  );
}
