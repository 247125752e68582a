import type { EligibilityView } from '../../claims/claims.dto.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import { Html } from '../../i18n/messages.js';
import type { Messages } from '../../i18n/messages.js';
import type { OrderEventType } from '../../orders/order.entity.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { orderTitle } from './cases.js';
import { earliestClaim } from './claims.js';
import { Layout, Pager, Time } from './layout.js';
import type { PageContext } from './layout.js';

/** The latest thing that happened to an order, in the reader's words. */
const EVENT_NAMES: Record<OrderEventType, MessageKey> = {
  shipped: 'orders.event.shipped',
  delivered: 'orders.event.delivered',
  return_received: 'orders.event.returnReceived',
  refunded: 'orders.event.refunded',
};

/** When a claim about an order becomes possible, or when the time to claim ended. */
function ClaimTime(props: { i18n: Messages; message: MessageKey; at: string }): JSX.Element {
  const safeText = props.i18n.html(props.message, { time: new Html(<Time at={props.at} i18n={props.i18n} />) });
  return <span class="muted">{safeText}</span>;
}

/** A buyer's orders with what can be done about each: contact the seller, or file a claim once one is possible. */
export function OrdersPage(props: {
  ctx: PageContext;
  orders: { order: OrderView; eligibility: EligibilityView }[];
  names: Map<string, string>;
  search?: string;
  older: string | null;
  newer: string | null;
}): JSX.Element {
  const { ctx, orders, names, search } = props;
  const { i18n } = ctx;
  const title = i18n.t('orders.list.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <form method="get" action="/app/orders" class="actions order-search" role="search">
        <label for="q" class="inline" safe>
          {i18n.t('orders.list.findLabel')}
        </label>
        <input id="q" name="q" type="search" value={search ?? ''} maxlength="200" aria-describedby="q-hint" />
        <button type="submit" class="secondary" safe>
          {i18n.t('orders.list.searchButton')}
        </button>
        {!!search && (
          <a href="/app/orders" safe>
            {i18n.t('orders.list.showAll')}
          </a>
        )}
      </form>
      <p id="q-hint" class="muted" safe>
        {i18n.t('orders.list.hint')}
      </p>
      {orders.length === 0 &&
        (search ? (
          <p class="muted" safe>
            {i18n.t('orders.list.noMatch', { q: search })}
          </p>
        ) : (
          <p class="muted" safe>
            {i18n.t('orders.list.none')}
          </p>
        ))}
      {!!search && orders.length > 0 && <p safe>{i18n.t('orders.list.matching', { q: search })}</p>}
      {orders.map(({ order, eligibility }) => {
        const now = eligibility.reasons.some((reason) => reason.eligible);
        const soonest = earliestClaim(eligibility);
        const ended = eligibility.reasons.every((reason) => reason.code === 'window_closed');
        const inProgress = eligibility.reasons.some((reason) => reason.code === 'open_claim');
        const latest = order.events.at(-1);
        return (
          <article class="card" id={`order-${order.id}`} aria-labelledby={`order-title-${order.id}`}>
            <h2 id={`order-title-${order.id}`} safe>
              {orderTitle(i18n, order) || i18n.t('orders.list.untitled', { order: order.externalId })}
            </h2>
            <dl class="facts">
              <dt safe>{i18n.t('orders.list.order')}</dt>
              <dd safe>{order.externalId}</dd>
              <dt safe>{i18n.t('orders.list.seller')}</dt>
              <dd safe>{names.get(order.sellerId) ?? ''}</dd>
              <dt safe>{i18n.t('orders.list.placed')}</dt>
              <dd>
                <Time at={order.placedAt} i18n={i18n} />
              </dd>
              <dt safe>{i18n.t('orders.list.arrivesBy')}</dt>
              <dd safe>{i18n.date(order.maxDeliveryDate)}</dd>
              <dt safe>{i18n.t('orders.list.total')}</dt>
              <dd safe>{i18n.money(order.total)}</dd>
              <dt safe>{i18n.t('orders.list.latest')}</dt>
              <dd safe>{i18n.t(latest ? EVENT_NAMES[latest.type] : 'orders.event.placed')}</dd>
            </dl>
            <div class="actions">
              <a class="button" href={`/app/cases/new?orderId=${order.id}`} safe>
                {i18n.t('orders.list.contactSeller')}
              </a>
              {now ? (
                <a class="button secondary" href={`/app/claims/new?orderId=${order.id}`} safe>
                  {i18n.t('orders.list.fileClaim')}
                </a>
              ) : soonest ? (
                <ClaimTime i18n={i18n} message="orders.list.claimPossible" at={soonest} />
              ) : inProgress ? (
                <a href="/app/claims" safe>
                  {i18n.t('orders.list.claimInProgress')}
                </a>
              ) : ended ? (
                <ClaimTime i18n={i18n} message="orders.list.claimEnded" at={eligibility.reasons[0].windowClosesAt} />
              ) : (
                ''
              )}
            </div>
          </article>
        );
      })}
      <Pager
        base="/app/orders"
        label={i18n.t('orders.list.pages')}
        params={{ q: search }}
        previous={{ param: 'before', cursor: props.newer, text: i18n.t('orders.list.newer') }}
        next={{ param: 'after', cursor: props.older, text: i18n.t('orders.list.older') }}
        i18n={i18n}
      />
    </Layout>
  );
}
