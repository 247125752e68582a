import type { EligibilityView } from '../../claims/claims.dto.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { formatMoney } from '../../common/money.js';
import { humanise, Layout, Time } from './layout.js';
import type { PageContext } from './layout.js';

/** A buyer's orders with what can be done about each: contact the seller, or file a claim once one is possible. */
export function OrdersPage(props: {
  ctx: PageContext;
  orders: { order: OrderView; eligibility: EligibilityView }[];
  names: Map<string, string>;
}): JSX.Element {
  const { ctx, orders, names } = props;
  return (
    <Layout ctx={ctx} title="Your orders">
      <h1>Your orders</h1>
      {orders.length === 0 && <p class="muted">No orders yet.</p>}
      {orders.map(({ order, eligibility }) => {
        const now = eligibility.reasons.some((reason) => reason.eligible);
        const soonest = eligibility.reasons
          .map((reason) => reason.eligibleAt)
          .filter((at): at is string => typeof at === 'string')
          .sort()[0];
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
              ) : (
                ''
              )}
            </div>
          </article>
        );
      })}
    </Layout>
  );
}
