import { escapeHtml } from '@kitajs/html';
import type { CaseAllowedAction } from '../../cases/case-actions.js';
import type { CaseDetailView, CasePageView, MessageView, SlaDetailView } from '../../cases/cases.dto.js';
import { TOPICS } from '../../cases/case.entity.js';
import type { Topic } from '../../cases/case.entity.js';
import type { CaseStatus } from '../../cases/case-status.js';
import type { ExclusionReason } from '../../calendar/business-calendar.js';
import type { SegmentView } from '../../calendar/calendar.dto.js';
import { holidayName } from '../../calendar/holiday-source.js';
import { localInputValue } from '../../calendar/local-time.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import { Html } from '../../i18n/messages.js';
import type { Messages } from '../../i18n/messages.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { EscalationPanel } from './support.js';
import type { EscalationItem } from './support.js';
import { Conversation, MessageForm } from './conversation.js';
import {
  Countdown,
  countdownHtml,
  Csrf,
  Pager,
  PostButton,
  Layout,
  StateBadge,
  stateBadgeHtml,
  TableHead,
  Time,
  timeHtml,
} from './layout.js';
import type { PageContext } from './layout.js';

const TOPIC_NAMES: Record<Topic, MessageKey> = {
  question: 'cases.topic.question',
  item_not_received: 'cases.topic.itemNotReceived',
  damaged_or_defective: 'cases.topic.damagedOrDefective',
  not_as_described: 'cases.topic.notAsDescribed',
  return_request: 'cases.topic.returnRequest',
  refund_not_received: 'cases.topic.refundNotReceived',
  other: 'cases.topic.other',
};

const STATUS_NAMES: Record<CaseStatus, MessageKey> = {
  awaiting_seller: 'cases.status.awaitingSeller',
  awaiting_buyer: 'cases.status.awaitingBuyer',
  escalated: 'cases.status.escalated',
  resolved: 'cases.status.resolved',
  closed: 'cases.status.closed',
};

/** A case's status in the reader's words. */
export const statusName = (i18n: Messages, status: CaseStatus): string => i18n.t(STATUS_NAMES[status]);

export function CaseListPage(props: {
  ctx: PageContext;
  page: CasePageView;
  names: Map<string, string>;
  status?: CaseStatus;
  /** What the list was searched for, if anything. */
  q?: string;
  title: string;
  section: string;
  base: string;
}): JSX.Element {
  const { ctx, page, names, q } = props;
  const { i18n } = ctx;
  const seller = ctx.viewer!.role === 'seller';
  const params = { status: props.status, q };
  const statuses = Object.entries(STATUS_NAMES).map(([value, key]): [string, string] => [value, i18n.t(key)]);
  return (
    <Layout ctx={ctx} title={q ? i18n.t('cases.list.titleSearched', { title: props.title, q }) : props.title}>
      <h1 safe>{props.title}</h1>
      {seller && props.section === 'dashboard' && (
        <p class="muted" safe>
          {i18n.t('cases.list.dashboardIntro')}
        </p>
      )}
      <form method="get" action={props.base} class="card case-search" role="search">
        <div>
          <label for="case-q" safe>
            {i18n.t('cases.list.searchLabel')}
          </label>
          <input id="case-q" name="q" type="search" maxlength="200" value={q ?? ''} />
        </div>
        <div>
          <label for="status" safe>
            {i18n.t('cases.list.statusLabel')}
          </label>
          <select id="status" name="status">
            {[['', i18n.t(seller ? 'cases.list.statusOpen' : 'cases.list.statusAll')], ...statuses].map(
              ([value, text]) => (
                <option value={value} selected={props.status === value} safe>
                  {text}
                </option>
              ),
            )}
          </select>
        </div>
        <button type="submit" class="secondary" safe>
          {i18n.t('cases.list.searchButton')}
        </button>
      </form>
      {page.items.length === 0 ? (
        <EmptyList i18n={i18n} q={q} status={props.status} seller={seller} base={props.base} />
      ) : (
        <>
          {!!q && (
            <p class="muted" safe>
              {i18n.t('cases.list.searchedFor', { q, status: props.status ?? '' })}
            </p>
          )}
          <CaseTable ctx={ctx} page={page} names={names} />
        </>
      )}
      <Pager
        base={props.base}
        label={i18n.t('cases.list.pages')}
        params={params}
        previous={{ param: 'before', cursor: page.prevCursor, text: i18n.t('cases.list.previousPage') }}
        next={{ param: 'cursor', cursor: page.nextCursor, text: i18n.t('cases.list.nextPage') }}
        i18n={i18n}
      />
    </Layout>
  );
}

/** What an empty list means: nothing matched what was asked for (said back, with a way out), or no cases at all. */
function EmptyList(props: {
  i18n: Messages;
  q?: string;
  status?: CaseStatus;
  seller: boolean;
  base: string;
}): JSX.Element {
  const { i18n, q, status } = props;
  if (!q)
    return (
      <p class="muted" safe>
        {i18n.t(
          status ? 'cases.list.empty.withStatus' : props.seller ? 'cases.list.empty.open' : 'cases.list.empty.none',
        )}
      </p>
    );
  return (
    <div class="card" role="status">
      <p safe>{i18n.t('cases.list.noMatch', { q, scope: status ?? (props.seller ? 'open' : '') })}</p>
      <p>
        <a href={props.base} safe>
          {i18n.t('cases.list.showAll')}
        </a>
      </p>
    </div>
  );
}

function CaseTable(props: { ctx: PageContext; page: CasePageView; names: Map<string, string> }): JSX.Element {
  const { ctx, page, names } = props;
  const { i18n } = ctx;
  const role = ctx.viewer!.role;
  const seller = role === 'seller';
  const party = i18n.t(seller ? 'cases.table.buyer' : role === 'buyer' ? 'cases.table.seller' : 'cases.table.parties');
  const [subject, status, replyDue] = [
    i18n.t('cases.table.subject'),
    i18n.t('cases.table.status'),
    i18n.t('cases.table.replyDue'),
  ];
  // The rows as template strings, every value escaped: a list page renders many, and JSX's attribute handling was most of its cost.
  const [subjectLabel, partyLabel, statusLabel, replyDueLabel] = [subject, party, status, replyDue].map(escapeHtml);
  const [safeWhy, safeExplanation, safeNoReplyDue] = [
    escapeHtml(i18n.t('cases.table.whyThisDeadline')),
    escapeHtml(i18n.t('cases.table.seeExplanation')),
    `<span class="muted">${escapeHtml(i18n.t('cases.table.noReplyDue'))}</span>`,
  ];
  const partyOf = (item: CasePageView['items'][number]): string =>
    seller
      ? (names.get(item.buyerId) ?? '')
      : role === 'buyer'
        ? (names.get(item.sellerId) ?? '')
        : i18n.t('cases.table.buyerToSeller', {
            buyer: names.get(item.buyerId) ?? '',
            seller: names.get(item.sellerId) ?? '',
          });
  const safeRows = page.items.map((item) => {
    const href = `/app/cases/${escapeHtml(item.id)}`;
    const safeDue = !item.sla.dueAt
      ? safeNoReplyDue
      : countdownHtml(i18n, item.sla.dueAt, ctx.now) +
        '<br/>' +
        timeHtml(i18n, item.sla.dueAt) +
        (seller
          ? `<details data-why="${href}/why">` +
            `<summary>${safeWhy}</summary><div class="why"><a href="${href}#why">${safeExplanation}</a></div></details>`
          : '');
    return (
      `<tr><td data-label="${subjectLabel}"><a href="${href}">${escapeHtml(item.subject)}</a></td>` +
      `<td data-label="${partyLabel}">${escapeHtml(partyOf(item))}</td>` +
      `<td data-label="${statusLabel}"><span>${escapeHtml(statusName(i18n, item.status))}</span> ${stateBadgeHtml(i18n, item.sla.state)}</td>` +
      `<td data-label="${replyDueLabel}">${safeDue}</td></tr>`
    );
  });
  return (
    <table class="stack">
      <TableHead columns={[subject, party, status, replyDue]} />
      <tbody>{safeRows.join('')}</tbody>
    </table>
  );
}

const REASON_NAMES: Record<ExclusionReason, MessageKey> = {
  weekend: 'cases.why.reason.weekend',
  holiday: 'cases.why.reason.holiday',
  closure: 'cases.why.reason.closure',
  outside_hours: 'cases.why.reason.outsideHours',
  paused: 'cases.why.reason.paused',
};

/**
 * Why a stretch of time did not count, in the reader's words: a public
 * holiday named in the reader's language where the holiday data has it (by
 * the local date it closes in the calendar's zone), a closure by the name
 * its seller gave it.
 */
export function skippedReason(
  i18n: Messages,
  segment: SegmentView,
  zone: string,
  region: SlaDetailView['holidayRegion'],
): string {
  if (!segment.reason) return i18n.t('cases.why.reason.unknown');
  const name =
    segment.reason === 'holiday' && region
      ? (holidayName(
          region.country,
          region.subdivision,
          localInputValue(new Date(segment.from), zone).slice(0, 10),
          i18n.locale.split('-')[0],
        ) ?? segment.name)
      : segment.name;
  return i18n.t(REASON_NAMES[segment.reason], { named: name ? 'yes' : 'no', name: name ?? '' });
}

/** Why a deadline falls where it does: the stretches of time that counted and those that did not, in the seller's zone. */
export function Why(props: { sla: SlaDetailView; i18n: Messages }): JSX.Element {
  const { sla, i18n } = props;
  if (!sla.dueAt || !sla.basis)
    return (
      <p class="muted" safe>
        {i18n.t('cases.why.noClock')}
      </p>
    );
  const zone = sla.basis.timeZone;
  const at = (instant: string) => i18n.dateTime(instant, zone, { year: false });
  const skipped = sla.explanation.segments.filter((segment) => !segment.counted);
  const safeWindow = i18n.html('cases.why.window', {
    zone,
    from: new Html(
      <time datetime={sla.basis.openedAt} safe>
        {at(sla.basis.openedAt)}
      </time>,
    ),
    to: new Html(
      <time datetime={sla.dueAt} safe>
        {at(sla.dueAt)}
      </time>,
    ),
    skipped: skipped.length,
  });
  return (
    <div>
      <p>{safeWindow}</p>
      {skipped.length > 0 && (
        <ul class="segments">
          {skipped.map((segment) => (
            <li class="skipped">
              <strong safe>{skippedReason(i18n, segment, zone, sla.holidayRegion)}</strong>{' '}
              <span safe>{i18n.t('cases.why.span', { from: at(segment.from), to: at(segment.to) })}</span>
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
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const role = viewer.role;
  const safeClaimFiled = i18n.html(
    'cases.detail.claimFiled',
    {},
    { link: (inner) => `<a href="/app/claims/${escapeHtml(view.claimId ?? '')}">${inner}</a>` },
  );
  return (
    <Layout ctx={ctx} title={view.subject}>
      <p>
        <a href={role === 'seller' ? '/app/dashboard' : role === 'agent' ? '/app/queue' : '/app/cases'} safe>
          {i18n.t('cases.detail.back')}
        </a>
      </p>
      <h1 dir="auto" safe>
        {view.subject}
      </h1>
      <AboutOrder i18n={i18n} order={order} listingRef={view.listingRef} buyer={role === 'buyer'} />
      <div class="grid two">
        <section aria-label={i18n.t('cases.detail.conversation')}>
          <Conversation viewer={viewer} messages={messages} names={names} i18n={i18n} />
          {!!view.claimId && <p class="notice">{safeClaimFiled}</p>}
          <MessageForm
            viewer={viewer}
            i18n={i18n}
            action={`/app/cases/${view.id}/messages`}
            label={i18n.t('cases.detail.replyLabel')}
            fileLabel={i18n.t('cases.detail.fileLabel')}
            message={view.allowedActions.includes('message')}
            note={view.allowedActions.includes('note')}
          />
        </section>
        <aside class="card" aria-label={i18n.t('cases.detail.about')}>
          <dl class="facts">
            <dt safe>{i18n.t('cases.detail.status')}</dt>
            <dd safe>{statusName(i18n, view.status)}</dd>
            <dt safe>{i18n.t('cases.detail.replyWindow')}</dt>
            <dd>
              <StateBadge state={view.sla.state} i18n={i18n} />
            </dd>
            <dt safe>{i18n.t('cases.detail.topic')}</dt>
            <dd safe>{i18n.t(TOPIC_NAMES[view.topic])}</dd>
            <dt safe>{i18n.t('cases.detail.buyer')}</dt>
            <dd safe>{names.get(view.buyerId) ?? ''}</dd>
            <dt safe>{i18n.t('cases.detail.seller')}</dt>
            <dd safe>{names.get(view.sellerId) ?? ''}</dd>
            {!!view.sla.dueAt && (
              <>
                <dt safe>{i18n.t('cases.detail.replyDue')}</dt>
                <dd>
                  <Time at={view.sla.dueAt} i18n={i18n} />
                  <br />
                  <Countdown until={view.sla.dueAt} now={ctx.now} i18n={i18n} />
                </dd>
              </>
            )}
            <dt safe>{i18n.t('cases.detail.opened')}</dt>
            <dd>
              <Time at={view.createdAt} i18n={i18n} />
            </dd>
          </dl>
          {!!view.sla.dueAt && (
            <>
              <h2 id="why" safe>
                {i18n.t('cases.detail.whyThisDeadline')}
              </h2>
              <Why sla={sla} i18n={i18n} />
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
export const orderTitle = (i18n: Messages, order: OrderView): string =>
  new Intl.ListFormat(i18n.formatLocale, { type: 'unit', style: 'short' }).format(
    order.items.map((item) =>
      item.quantity > 1
        ? i18n.t('cases.order.quantity', { quantity: i18n.number(item.quantity), title: item.title })
        : item.title,
    ),
  );

/** A message's `<strong>` tag as markup (its contents are the escaped message). */
const strong = (inner: string): string => `<strong>${inner}</strong>`;

/** The order a case is about: its number, what was bought and its total; for its buyer, a link to it on the orders page (found by its number). */
function AboutOrder(props: {
  i18n: Messages;
  order?: OrderView;
  listingRef: string | null;
  buyer: boolean;
}): JSX.Element {
  const { i18n, order } = props;
  if (!order) {
    if (!props.listingRef) return <></>;
    const safeListing = i18n.html('cases.detail.aboutListing', { listing: props.listingRef }, { strong });
    return <p class="case-order">{safeListing}</p>;
  }
  const title = orderTitle(i18n, order);
  const href = `/app/orders?q=${encodeURIComponent(order.externalId)}#order-${order.id}`;
  const safeAbout = i18n.html(
    'cases.detail.aboutOrder',
    {
      order: order.externalId,
      titled: title ? 'yes' : 'no',
      title,
      total: i18n.money(order.total),
      linked: props.buyer ? 'yes' : 'no',
    },
    { strong, link: (inner) => `<a href="${escapeHtml(href)}">${inner}</a>` },
  );
  return <p class="case-order">{safeAbout}</p>;
}

/** The buttons for the case's actions without a form of their own, labelled for people, each posting to the portal's route of the API's action. */
const BUTTONS: Partial<Record<CaseAllowedAction, { path: string; label: MessageKey; secondary?: boolean }>> = {
  noResponseNeeded: { path: 'no-response-needed', label: 'cases.action.noResponseNeeded', secondary: true },
  resolve: { path: 'resolve', label: 'cases.action.resolve', secondary: true },
  reopen: { path: 'reopen', label: 'cases.action.reopen', secondary: true },
  escalate: { path: 'escalate', label: 'cases.action.escalate' },
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
        label={ctx.i18n.t(button.label)}
        look={button.secondary ? 'secondary' : undefined}
        data={{ action }}
      />,
    ];
  });
  if (props.fileClaimHref)
    buttons.push(
      <a class="button secondary" href={props.fileClaimHref} safe>
        {ctx.i18n.t('cases.action.fileClaim')}
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
  const { i18n } = ctx;
  const title = i18n.t('cases.new.title');
  const safeIntro = i18n.html(
    'cases.new.intro',
    { seller: props.sellerName, about: order ? 'yes' : 'no', order: order?.externalId ?? '' },
    { strong },
  );
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <p>{safeIntro}</p>
      <form method="post" action="/app/cases" class="card">
        <Csrf viewer={ctx.viewer!} />
        <input type="hidden" name="sellerId" value={props.sellerId} />
        {!!order && <input type="hidden" name="orderId" value={order.id} />}
        <label for="topic" safe>
          {i18n.t('cases.new.topic')}
        </label>
        <select id="topic" name="topic">
          {TOPICS.map((topic) => (
            <option value={topic} safe>
              {i18n.t(TOPIC_NAMES[topic])}
            </option>
          ))}
        </select>
        <label for="subject" safe>
          {i18n.t('cases.new.subject')}
        </label>
        <input id="subject" name="subject" type="text" required maxlength="200" />
        <label for="body" safe>
          {i18n.t('cases.new.message')}
        </label>
        <textarea id="body" name="body" required maxlength="10000"></textarea>
        <p class="actions">
          <button type="submit" safe>
            {i18n.t('cases.new.send')}
          </button>
        </p>
      </form>
    </Layout>
  );
}
