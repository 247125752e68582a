import type { InboxCountsView, InboxItemDetailView, InboxItemView, InboxPageView } from '../../inbox/inbox.dto.js';
import { CATEGORIES } from '../../notifications/categories.js';
import type { Category } from '../../notifications/categories.js';
import { Csrf, Layout, NextPage, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';
import { AttachmentList } from './conversation.js';

export const CATEGORY_NAMES: Record<Category, string> = {
  order_updates: 'Order updates',
  seller_messages: 'Messages from sellers',
  buyer_messages: 'Messages from buyers',
  customer_service: 'Customer service',
  promotions: 'Promotions',
  notices: 'Notices',
};

/** The Message Center's filters as they appear in its links and forms. */
export interface InboxFilters {
  category?: Category;
  q?: string;
  unread?: boolean;
  in?: 'inbox' | 'trash';
}

export function filterParams(filters: InboxFilters): Record<string, string | undefined> {
  return {
    category: filters.category,
    q: filters.q,
    unread: filters.unread ? 'true' : undefined,
    in: filters.in === 'trash' ? 'trash' : undefined,
  };
}

function hrefOf(filters: InboxFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filterParams(filters))) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `/app/inbox?${text}` : '/app/inbox';
}

/** The categories a role's Message Center shows (a buyer has no buyers writing to it, a seller no sellers). */
export function categoriesFor(role: Viewer['role']): Category[] {
  return CATEGORIES.filter((category) =>
    role === 'buyer' ? category !== 'buyer_messages' : role === 'seller' ? category !== 'seller_messages' : true,
  );
}

export function InboxPage(props: {
  ctx: PageContext;
  filters: InboxFilters;
  page: InboxPageView;
  counts: InboxCountsView;
}): JSX.Element {
  const { ctx, filters, page, counts } = props;
  const viewer = ctx.viewer!;
  const trash = filters.in === 'trash';
  const title = trash ? 'Trash' : filters.category ? CATEGORY_NAMES[filters.category] : 'All messages';
  return (
    <Layout ctx={ctx} title={`Messages: ${title}`}>
      <h1 safe>{`Messages: ${title}`}</h1>
      <div class="inbox-layout">
        <nav aria-label="Folders">
          <ul class="folders">
            <li>
              <a href="/app/inbox" aria-current={!trash && !filters.category ? 'page' : undefined}>
                <span>All messages</span>
                <span safe>{countText(counts.unread.total)}</span>
              </a>
            </li>
            {categoriesFor(viewer.role).map((category) => (
              <li>
                <a
                  href={hrefOf({ category })}
                  aria-current={!trash && filters.category === category ? 'page' : undefined}
                >
                  <span safe>{CATEGORY_NAMES[category]}</span>
                  <span safe>{countText(counts.unread[category])}</span>
                </a>
              </li>
            ))}
            <li>
              <a href="/app/inbox?in=trash" aria-current={trash ? 'page' : undefined}>
                <span>Trash</span>
                <span safe>{countText(counts.trash)}</span>
              </a>
            </li>
          </ul>
        </nav>
        <section aria-label="Message list">
          <form method="get" action="/app/inbox" class="card" role="search">
            {filters.category && <input type="hidden" name="category" value={filters.category} />}
            {trash && <input type="hidden" name="in" value="trash" />}
            <label for="q">Search messages</label>
            <input
              id="q"
              name="q"
              type="search"
              value={filters.q ?? ''}
              placeholder={'words, "a phrase", -exclude, or'}
            />
            <p class="actions">
              <label class="inline">
                <input type="checkbox" name="unread" value="true" checked={filters.unread === true} /> Unread only
              </label>
              <button type="submit" class="secondary">
                Search
              </button>
            </p>
          </form>
          <form method="post" action="/app/inbox/bulk" id="bulk">
            <Csrf viewer={viewer} />
            {Object.entries(filterParams(filters)).map(([key, value]) =>
              value ? <input type="hidden" name={`filter.${key}`} value={value} /> : '',
            )}
            <div class="actions" role="group" aria-label="Bulk actions">
              <label class="inline">
                <input type="checkbox" data-select-all="" /> Select all on this page
              </label>
              {trash ? (
                <button type="submit" name="action" value="restore" class="secondary">
                  Restore selected
                </button>
              ) : (
                <>
                  <button type="submit" name="action" value="read" class="secondary">
                    Mark read
                  </button>
                  <button type="submit" name="action" value="unread" class="secondary">
                    Mark unread
                  </button>
                  <button type="submit" name="action" value="delete" class="danger">
                    Delete selected
                  </button>
                </>
              )}
              <label class="inline">
                <input type="checkbox" name="scope" value="matching" /> Apply to every message matching this view
              </label>
            </div>
            <div
              id="items"
              hx-get={`/app/inbox/items?${new URLSearchParams(definedOnly(filterParams(filters))).toString()}`}
              hx-trigger="sse:item, sse:reload"
              hx-swap="innerHTML"
            >
              <ItemList items={page.items} trash={trash} />
            </div>
          </form>
          <NextPage base="/app/inbox" params={filterParams(filters)} cursor={page.nextCursor} />
        </section>
      </div>
    </Layout>
  );
}

const definedOnly = (params: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));

const countText = (n: number): string => (n > 0 ? String(n) : '');

export function ItemList(props: { items: InboxItemView[]; trash: boolean }): JSX.Element {
  if (props.items.length === 0) return <p class="muted">{props.trash ? 'Trash is empty.' : 'No messages here.'}</p>;
  return (
    <ul class="items">
      {props.items.map((item) => (
        <li class={item.readAt ? 'read' : 'unread'}>
          <input type="checkbox" name="ids" value={item.id} aria-label={`Select: ${item.subject}`} />
          <div>
            <p class="from">
              <span safe>{item.sender.name}</span>
              {item.sender.verified && <VerifiedBadge />}
              {' · '}
              <Time at={item.createdAt} />
              {!item.readAt && <span class="visually-hidden"> (unread)</span>}
            </p>
            <a class="subject" href={`/app/inbox/${item.id}`} safe>
              {item.subject}
            </a>
            <p class="snippet">
              <Snippet text={item.snippet} />
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function ItemPage(props: { ctx: PageContext; item: InboxItemDetailView }): JSX.Element {
  const { ctx, item } = props;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title={item.subject}>
      <p>
        <a href="/app/inbox">← Messages</a>
      </p>
      <article class="card">
        <h1 safe>{item.subject}</h1>
        <p class="from">
          From <strong safe>{item.sender.name}</strong>
          {item.sender.verified ? <VerifiedBadge /> : ''} · <Time at={item.createdAt} />
        </p>
        <p class="body" safe>
          {item.body}
        </p>
        <AttachmentList files={item.attachments} />
        <div class="actions">
          {!!item.caseId && (
            <a class="button" href={`/app/cases/${item.caseId}`}>
              Open the conversation
            </a>
          )}
          {!!item.claimId && (
            <a class="button" href={`/app/claims/${item.claimId}`}>
              Open the claim
            </a>
          )}
          {!!item.orderId && viewer.role === 'buyer' && (
            <a class="button secondary" href={`/app/orders#order-${item.orderId}`}>
              See the order
            </a>
          )}
          <form method="post" action="/app/inbox/bulk">
            <Csrf viewer={viewer} />
            <input type="hidden" name="ids" value={item.id} />
            {item.deletedAt ? (
              <button type="submit" name="action" value="restore" class="secondary">
                Restore
              </button>
            ) : (
              <>
                <button type="submit" name="action" value="unread" class="secondary">
                  Mark unread
                </button>{' '}
                <button type="submit" name="action" value="delete" class="danger">
                  Delete
                </button>
              </>
            )}
          </form>
        </div>
      </article>
      {!item.sender.verified && item.sender.kind !== 'support' && (
        <details class="card">
          <summary>Report suspicious</summary>
          <form method="post" action={`/app/inbox/${item.id}/report`}>
            <Csrf viewer={viewer} />
            <p>
              If this message asks you to pay or talk outside the marketplace, or links to a look-alike site, tell us.
              It disappears from your messages and support reviews it.
            </p>
            <label for="reason">What looks wrong? (optional)</label>
            <textarea id="reason" name="reason" maxlength="2000"></textarea>
            <p class="actions">
              <button type="submit" class="danger">
                Report suspicious
              </button>
            </p>
          </form>
        </details>
      )}
    </Layout>
  );
}

/**
 * The mark of a message from the marketplace itself: a drawn check in a
 * filled pill beside the sender's name, not text in it, so no name can look
 * the same (display names may not contain check marks or the words, see
 * src/users/display-name.ts). Read out as "Verified marketplace sender".
 */
export function VerifiedBadge(): JSX.Element {
  return (
    <>
      {' '}
      <span class="verified" role="img" aria-label="Verified marketplace sender" title="Verified marketplace sender">
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
          <path d="M6.4 11.6 3 8.2l1.2-1.2 2.2 2.2 5.4-5.4L13 5z" fill="currentColor" />
        </svg>
        <span aria-hidden="true">Verified</span>
      </span>
    </>
  );
}

/** A search snippet with the matched words (between « and », as the search marks them) highlighted. */
export function Snippet(props: { text: string }): JSX.Element {
  const parts = props.text.split(/«([^«»]*)»/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <mark safe>{part}</mark> : <span safe>{part}</span>))}</>;
}
