import type { EligibilityView } from '../../claims/claims.dto.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { formatMoney } from '../../common/money.js';
import { earliestClaim } from './claims.js';
import { humanise, Layout, Pager, Time } from './layout.js';
import type { PageContext } from './layout.js';

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
  return (
    <Layout ctx={ctx} title="Your orders">
      <h1>Your orders</h1>
      <form method="get" action="/app/orders" class="actions order-search" role="search">
        <label for="q" class="inline">
          Find an order
        </label>
        <input id="q" name="q" type="search" value={search ?? ''} maxlength="200" aria-describedby="q-hint" />
        <button type="submit" class="secondary">
          Search
        </button>
        {!!search && <a href="/app/orders">Show all</a>}
      </form>
      <p id="q-hint" class="muted">
        By order number, what you bought, or the order’s id.
      </p>
      {orders.length === 0 &&
        (search ? <p class="muted" safe>{`No orders match “${search}”.`}</p> : <p class="muted">No orders yet.</p>)}
      {!!search && orders.length > 0 && <p safe>{`Orders matching “${search}”:`}</p>}
      {orders.map(({ order, eligibility }) => {
        const now = eligibility.reasons.some((reason) => reason.eligible);
        const soonest = earliestClaim(eligibility);
        const ended = eligibility.reasons.every((reason) => reason.code === 'window_closed');
        const inProgress = eligibility.reasons.some((reason) => reason.code === 'open_claim');
        return (
          <article class="card" id={`order-${order.id}`} aria-labelledby={`order-title-${order.id}`}>
            <h2 id={`order-title-${order.id}`} safe>
              {order.items
                .map((item) => (item.quantity > 1 ? `${item.quantity} × ${item.title}` : item.title))
                .join(', ') || `Order ${order.externalId}`}
            </h2>
            <dl class="facts">
              <dt>Order</dt>
              <dd safe>{order.externalId}</dd>
              <dt>Seller</dt>
              <dd safe>{names.get(order.sellerId) ?? ''}</dd>
              <dt>Placed</dt>
              <dd>
                <Time at={order.placedAt} />
              </dd>
              <dt>Arrives by</dt>
              <dd safe>{order.maxDeliveryDate}</dd>
              <dt>Total</dt>
              <dd safe>{formatMoney(order.total)}</dd>
              <dt>Latest</dt>
              <dd>{order.events.length > 0 ? humanise(order.events[order.events.length - 1].type) : 'Placed'}</dd>
            </dl>
            <div class="actions">
              <a class="button" href={`/app/cases/new?orderId=${order.id}`}>
                Contact seller
              </a>
              {now ? (
                <a class="button secondary" href={`/app/claims/new?orderId=${order.id}`}>
                  File a claim
                </a>
              ) : soonest ? (
                <span class="muted">
                  A claim becomes possible <Time at={soonest} />
                </span>
              ) : inProgress ? (
                <a href="/app/claims">A claim about this order is in progress</a>
              ) : ended ? (
                <span class="muted">
                  The time to claim ended <Time at={eligibility.reasons[0].windowClosesAt} />
                </span>
              ) : (
                ''
              )}
            </div>
          </article>
        );
      })}
      <Pager
        base="/app/orders"
        label="Pages of orders"
        params={{ q: search }}
        previous={{ param: 'before', cursor: props.newer, text: '← Newer orders' }}
        next={{ param: 'after', cursor: props.older, text: 'Older orders →' }}
      />
    </Layout>
  );
}
