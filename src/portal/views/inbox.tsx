import type {
  InboxCountsView,
  InboxItemDetailView,
  InboxItemView,
  InboxPageView,
  SentItemView,
  SentPageView,
} from '../../inbox/inbox.dto.js';
import { CATEGORIES } from '../../notifications/categories.js';
import type { Category } from '../../notifications/categories.js';
import { Csrf, Layout, Pager, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';
import { AttachmentList } from './conversation.js';
import { LinkedText } from './linked-text.js';

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
  in?: 'inbox' | 'trash' | 'sent';
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

/** The Message Center's folders: every message, each category, Sent and Trash, with unread counts. */
function Folders(props: { viewer: Viewer; filters: InboxFilters; counts: InboxCountsView }): JSX.Element {
  const { viewer, filters, counts } = props;
  const folder = filters.in ?? 'inbox';
  const current = (yes: boolean) => (yes ? 'page' : undefined);
  return (
    <nav aria-label="Folders">
      <ul class="folders">
        <li>
          <a href="/app/inbox" aria-current={current(folder === 'inbox' && !filters.category)}>
            <span>All messages</span>
            <span safe>{countText(counts.unread.total)}</span>
          </a>
        </li>
        {categoriesFor(viewer.role).map((category) => (
          <li>
            <a href={hrefOf({ category })} aria-current={current(folder === 'inbox' && filters.category === category)}>
              <span safe>{CATEGORY_NAMES[category]}</span>
              <span safe>{countText(counts.unread[category])}</span>
            </a>
          </li>
        ))}
        <li>
          <a href="/app/inbox?in=sent" aria-current={current(folder === 'sent')}>
            <span>Sent</span>
            <span></span>
          </a>
        </li>
        <li>
          <a href="/app/inbox?in=trash" aria-current={current(folder === 'trash')}>
            <span>Trash</span>
            <span safe>{countText(counts.trash)}</span>
          </a>
        </li>
      </ul>
    </nav>
  );
}

/** The newer and the older page beside this one, keeping the folder (Sent too) and filters; both directions take `cursor`. */
function InboxPager(props: {
  filters: InboxFilters;
  nextCursor: string | null;
  prevCursor: string | null;
}): JSX.Element {
  return (
    <Pager
      base="/app/inbox"
      label="Pages of messages"
      params={{ ...filterParams(props.filters), in: props.filters.in === 'inbox' ? undefined : props.filters.in }}
      previous={{ param: 'cursor', cursor: props.prevCursor }}
      next={{ param: 'cursor', cursor: props.nextCursor }}
    />
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
        <Folders viewer={viewer} filters={filters} counts={counts} />
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
              hx-trigger={page.prevCursor ? undefined : 'sse:item, sse:reload'}
              hx-swap="innerHTML"
            >
              <ItemList items={page.items} filters={filters} />
            </div>
          </form>
          <InboxPager filters={filters} nextCursor={page.nextCursor} prevCursor={page.prevCursor} />
        </section>
      </div>
    </Layout>
  );
}

/** The Sent folder: what the viewer wrote on cases and claims, newest first, each linking to its conversation. */
export function SentPage(props: { ctx: PageContext; page: SentPageView; counts: InboxCountsView }): JSX.Element {
  const { ctx, page, counts } = props;
  const filters: InboxFilters = { in: 'sent' };
  return (
    <Layout ctx={ctx} title="Messages: Sent">
      <h1>Messages: Sent</h1>
      <div class="inbox-layout">
        <Folders viewer={ctx.viewer!} filters={filters} counts={counts} />
        <section aria-label="Message list">
          <SentList items={page.items} />
          <InboxPager filters={filters} nextCursor={page.nextCursor} prevCursor={page.prevCursor} />
        </section>
      </div>
    </Layout>
  );
}

const ROLE_WORDS = { buyer: 'buyer', seller: 'seller' } as const;

function SentList(props: { items: SentItemView[] }): JSX.Element {
  if (props.items.length === 0)
    return <p class="muted">Nothing sent yet. Messages you write on your cases and claims appear here.</p>;
  return (
    <ul class="items sent">
      {props.items.map((item) => {
        const conversation = item.claimId ? `/app/claims/${item.claimId}` : `/app/cases/${item.caseId}`;
        const to = item.to.map((party) => `${party.name} (${ROLE_WORDS[party.role]})`).join(', ') || 'customer service';
        return (
          <li class={item.held ? 'held' : undefined}>
            <div>
              <p class="from">
                To <span safe>{to}</span>
                {' · '}
                <Time at={item.createdAt} />
                {' · '}
                {item.held ? <span class="state state-held">Held</span> : <span>Sent</span>}
              </p>
              <a class="subject" href={`${conversation}#message-${item.id}`} safe>
                {`${item.claimId ? 'Claim' : 'Case'}: ${item.subject}`}
              </a>
              <p class="snippet" safe>
                {item.snippet}
              </p>
              {item.held && (
                <p class="snippet">The other party has not received it: open the conversation to see why.</p>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

const definedOnly = (params: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));

const countText = (n: number): string => (n > 0 ? String(n) : '');

/** What an empty list says: what was searched for (with a way back to the whole folder), or that the folder is empty. */
function EmptyList(props: { filters: InboxFilters }): JSX.Element {
  const { filters } = props;
  if (filters.q !== undefined) {
    const scope =
      filters.in === 'trash' ? ' in Trash' : filters.category ? ` in ${CATEGORY_NAMES[filters.category]}` : '';
    return (
      <div class="empty-search" role="status">
        <p safe>{`No ${filters.unread ? 'unread ' : ''}messages${scope} match “${filters.q}”.`}</p>
        <p>
          <a href={hrefOf({ ...filters, q: undefined })}>Clear the search</a>
        </p>
      </div>
    );
  }
  if (filters.unread) return <p class="muted">No unread messages here.</p>;
  return <p class="muted">{filters.in === 'trash' ? 'Trash is empty.' : 'No messages here.'}</p>;
}

export function ItemList(props: { items: InboxItemView[]; filters: InboxFilters }): JSX.Element {
  if (props.items.length === 0) return <EmptyList filters={props.filters} />;
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
        <p class="body">
          <LinkedText text={item.body} />
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
