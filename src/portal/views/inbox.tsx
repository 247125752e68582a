import type {
  InboxCountsView,
  InboxItemDetailView,
  InboxItemView,
  InboxPageView,
  SentItemView,
  SentPageView,
} from '../../inbox/inbox.dto.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import { Html, type Messages } from '../../i18n/messages.js';
import { CATEGORIES } from '../../notifications/categories.js';
import type { Category } from '../../notifications/categories.js';
import { Csrf, Layout, Pager, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';
import { AttachmentList } from './conversation.js';
import { LinkedText } from './linked-text.js';

/** Each Message Center category's name, as people read it (`i18n.t(CATEGORY_MESSAGES[category])`). */
export const CATEGORY_MESSAGES: Record<Category, MessageKey> = {
  order_updates: 'inbox.category.orderUpdates',
  seller_messages: 'inbox.category.sellerMessages',
  buyer_messages: 'inbox.category.buyerMessages',
  customer_service: 'inbox.category.customerService',
  promotions: 'inbox.category.promotions',
  notices: 'inbox.category.notices',
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
function Folders(props: {
  viewer: Viewer;
  filters: InboxFilters;
  counts: InboxCountsView;
  i18n: Messages;
}): JSX.Element {
  const { viewer, filters, counts, i18n } = props;
  const folder = filters.in ?? 'inbox';
  const current = (yes: boolean) => (yes ? 'page' : undefined);
  const countText = (n: number): string => (n > 0 ? i18n.number(n) : '');
  return (
    <nav aria-label={i18n.t('inbox.folders.label')}>
      <ul class="folders">
        <li>
          <a href="/app/inbox" aria-current={current(folder === 'inbox' && !filters.category)}>
            <span safe>{i18n.t('inbox.folders.all')}</span>
            <span safe>{countText(counts.unread.total)}</span>
          </a>
        </li>
        {categoriesFor(viewer.role).map((category) => (
          <li>
            <a href={hrefOf({ category })} aria-current={current(folder === 'inbox' && filters.category === category)}>
              <span safe>{i18n.t(CATEGORY_MESSAGES[category])}</span>
              <span safe>{countText(counts.unread[category])}</span>
            </a>
          </li>
        ))}
        <li>
          <a href="/app/inbox?in=sent" aria-current={current(folder === 'sent')}>
            <span safe>{i18n.t('inbox.folders.sent')}</span>
            <span></span>
          </a>
        </li>
        <li>
          <a href="/app/inbox?in=trash" aria-current={current(folder === 'trash')}>
            <span safe>{i18n.t('inbox.folders.trash')}</span>
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
  i18n: Messages;
}): JSX.Element {
  return (
    <Pager
      base="/app/inbox"
      label={props.i18n.t('inbox.pager.label')}
      params={{ ...filterParams(props.filters), in: props.filters.in === 'inbox' ? undefined : props.filters.in }}
      previous={{ param: 'cursor', cursor: props.prevCursor }}
      next={{ param: 'cursor', cursor: props.nextCursor }}
      i18n={props.i18n}
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
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const trash = filters.in === 'trash';
  const folder = i18n.t(
    trash ? 'inbox.folders.trash' : filters.category ? CATEGORY_MESSAGES[filters.category] : 'inbox.folders.all',
  );
  const title = i18n.t('inbox.list.title', { folder });
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <div class="inbox-layout">
        <Folders viewer={viewer} filters={filters} counts={counts} i18n={i18n} />
        <section aria-label={i18n.t('inbox.list.label')}>
          <form method="get" action="/app/inbox" class="card" role="search">
            {filters.category && <input type="hidden" name="category" value={filters.category} />}
            {trash && <input type="hidden" name="in" value="trash" />}
            <label for="q" safe>
              {i18n.t('inbox.search.label')}
            </label>
            <input
              id="q"
              name="q"
              type="search"
              value={filters.q ?? ''}
              placeholder={i18n.t('inbox.search.placeholder')}
            />
            <p class="actions">
              <label class="inline">
                <input type="checkbox" name="unread" value="true" checked={filters.unread === true} />{' '}
                <span safe>{i18n.t('inbox.search.unreadOnly')}</span>
              </label>
              <button type="submit" class="secondary" safe>
                {i18n.t('inbox.search.submit')}
              </button>
            </p>
          </form>
          <form method="post" action="/app/inbox/bulk" id="bulk">
            <Csrf viewer={viewer} />
            {Object.entries(filterParams(filters)).map(([key, value]) =>
              value ? <input type="hidden" name={`filter.${key}`} value={value} /> : '',
            )}
            <div class="actions" role="group" aria-label={i18n.t('inbox.bulk.label')}>
              <label class="inline">
                <input type="checkbox" data-select-all="" /> <span safe>{i18n.t('inbox.bulk.selectAll')}</span>
              </label>
              {trash ? (
                <button type="submit" name="action" value="restore" class="secondary" safe>
                  {i18n.t('inbox.bulk.restore')}
                </button>
              ) : (
                <>
                  <button type="submit" name="action" value="read" class="secondary" safe>
                    {i18n.t('inbox.bulk.markRead')}
                  </button>
                  <button type="submit" name="action" value="unread" class="secondary" safe>
                    {i18n.t('inbox.bulk.markUnread')}
                  </button>
                  <button type="submit" name="action" value="delete" class="danger" safe>
                    {i18n.t('inbox.bulk.delete')}
                  </button>
                </>
              )}
              <label class="inline">
                <input type="checkbox" name="scope" value="matching" />{' '}
                <span safe>{i18n.t('inbox.bulk.matching')}</span>
              </label>
            </div>
            <div
              id="items"
              hx-get={`/app/inbox/items?${new URLSearchParams(definedOnly(filterParams(filters))).toString()}`}
              hx-trigger={page.prevCursor ? undefined : 'sse:item, sse:reload'}
              hx-swap="innerHTML"
            >
              <ItemList items={page.items} filters={filters} i18n={i18n} />
            </div>
          </form>
          <InboxPager filters={filters} nextCursor={page.nextCursor} prevCursor={page.prevCursor} i18n={i18n} />
        </section>
      </div>
    </Layout>
  );
}

/** The Sent folder: what the viewer wrote on cases and claims, newest first, each linking to its conversation. */
export function SentPage(props: { ctx: PageContext; page: SentPageView; counts: InboxCountsView }): JSX.Element {
  const { ctx, page, counts } = props;
  const { i18n } = ctx;
  const filters: InboxFilters = { in: 'sent' };
  const title = i18n.t('inbox.list.title', { folder: i18n.t('inbox.folders.sent') });
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <div class="inbox-layout">
        <Folders viewer={ctx.viewer!} filters={filters} counts={counts} i18n={i18n} />
        <section aria-label={i18n.t('inbox.list.label')}>
          <SentList items={page.items} i18n={i18n} />
          <InboxPager filters={filters} nextCursor={page.nextCursor} prevCursor={page.prevCursor} i18n={i18n} />
        </section>
      </div>
    </Layout>
  );
}

const listFormats = new Map<string, Intl.ListFormat>();

/** Names in a row the locale's way, without "and" ("Anna, Sam" in English). */
function nameList(i18n: Messages, names: string[]): string {
  let format = listFormats.get(i18n.formatLocale);
  if (!format) {
    format = new Intl.ListFormat(i18n.formatLocale, { type: 'unit', style: 'short' });
    listFormats.set(i18n.formatLocale, format);
  }
  return format.format(names);
}

function SentList(props: { items: SentItemView[]; i18n: Messages }): JSX.Element {
  const { i18n } = props;
  if (props.items.length === 0)
    return (
      <p class="muted" safe>
        {i18n.t('inbox.sent.empty')}
      </p>
    );
  return (
    <ul class="items sent">
      {props.items.map((item) => {
        const conversation = item.claimId ? `/app/claims/${item.claimId}` : `/app/cases/${item.caseId}`;
        const to =
          item.to.length > 0
            ? nameList(
                i18n,
                item.to.map((party) => i18n.t('inbox.sent.party', { name: party.name, role: party.role })),
              )
            : i18n.t('inbox.sent.toSupport');
        const safeLine = i18n.html('inbox.sent.line', {
          recipients: new Html(<span safe>{to}</span>),
          time: new Html(<Time at={item.createdAt} i18n={i18n} />),
          status: new Html(
            item.held ? (
              <span class="state state-held" safe>
                {i18n.t('inbox.sent.held')}
              </span>
            ) : (
              <span safe>{i18n.t('inbox.sent.sent')}</span>
            ),
          ),
        });
        return (
          <li class={item.held ? 'held' : undefined}>
            <div>
              <p class="from">{safeLine}</p>
              <a class="subject" href={`${conversation}#message-${item.id}`} safe>
                {i18n.t('inbox.sent.subject', { kind: item.claimId ? 'claim' : 'case', subject: item.subject })}
              </a>
              <p class="snippet" safe>
                {item.snippet}
              </p>
              {item.held && (
                <p class="snippet" safe>
                  {i18n.t('inbox.sent.heldNote')}
                </p>
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

/** What an empty list says: what was searched for (with a way back to the whole folder), or that the folder is empty. */
function EmptyList(props: { filters: InboxFilters; i18n: Messages }): JSX.Element {
  const { filters, i18n } = props;
  if (filters.q !== undefined) {
    const said = i18n.t('inbox.empty.search', {
      scope: filters.in === 'trash' ? 'trash' : filters.category ? 'category' : 'all',
      category: filters.category ? i18n.t(CATEGORY_MESSAGES[filters.category]) : '',
      unread: filters.unread ? 'yes' : 'no',
      q: filters.q,
    });
    return (
      <div class="empty-search" role="status">
        <p safe>{said}</p>
        <p>
          <a href={hrefOf({ ...filters, q: undefined })} safe>
            {i18n.t('inbox.empty.clear')}
          </a>
        </p>
      </div>
    );
  }
  const empty: MessageKey = filters.unread
    ? 'inbox.empty.unread'
    : filters.in === 'trash'
      ? 'inbox.empty.trash'
      : 'inbox.empty.none';
  return (
    <p class="muted" safe>
      {i18n.t(empty)}
    </p>
  );
}

export function ItemList(props: { items: InboxItemView[]; filters: InboxFilters; i18n: Messages }): JSX.Element {
  const { i18n } = props;
  if (props.items.length === 0) return <EmptyList filters={props.filters} i18n={i18n} />;
  return (
    <ul class="items">
      {props.items.map((item) => (
        <li class={item.readAt ? 'read' : 'unread'}>
          <input
            type="checkbox"
            name="ids"
            value={item.id}
            aria-label={i18n.t('inbox.item.select', { subject: item.subject })}
          />
          <div>
            <p class="from">
              <span safe>{senderName(i18n, item.sender)}</span>
              {item.sender.verified && <VerifiedBadge i18n={i18n} />}
              {' · '}
              <Time at={item.createdAt} i18n={i18n} />
              {!item.readAt && (
                <span class="visually-hidden" safe>
                  {i18n.t('inbox.item.unread')}
                </span>
              )}
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

/**
 * Who an item is from, in the reader's words: the marketplace and its
 * customer service by name in the reader's language (the item stores them in
 * the language it was written in), a person by their own name.
 */
export function senderName(i18n: Messages, sender: { kind: string; name: string }): string {
  if (sender.kind === 'marketplace') return i18n.t('inboxItem.sender.marketplace');
  if (sender.kind === 'support') return i18n.t('inboxItem.sender.support');
  return sender.name;
}

export function ItemPage(props: { ctx: PageContext; item: InboxItemDetailView }): JSX.Element {
  const { ctx, item } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const safeFrom = i18n.html('inbox.item.from', {
    sender: new Html(
      <>
        <strong safe>{senderName(i18n, item.sender)}</strong>
        {item.sender.verified ? <VerifiedBadge i18n={i18n} /> : ''}
      </>,
    ),
    time: new Html(<Time at={item.createdAt} i18n={i18n} />),
  });
  return (
    <Layout ctx={ctx} title={item.subject}>
      <p>
        <a href="/app/inbox" safe>
          {i18n.t('inbox.item.back')}
        </a>
      </p>
      <article class="card">
        <h1 dir="auto" safe>
          {item.subject}
        </h1>
        <p class="from">{safeFrom}</p>
        <p class="body" dir="auto">
          <LinkedText text={item.body} />
        </p>
        <AttachmentList files={item.attachments} />
        <div class="actions">
          {!!item.caseId && (
            <a class="button" href={`/app/cases/${item.caseId}`} safe>
              {i18n.t('inbox.item.openConversation')}
            </a>
          )}
          {!!item.claimId && (
            <a class="button" href={`/app/claims/${item.claimId}`} safe>
              {i18n.t('inbox.item.openClaim')}
            </a>
          )}
          {!!item.orderId && viewer.role === 'buyer' && (
            <a class="button secondary" href={`/app/orders#order-${item.orderId}`} safe>
              {i18n.t('inbox.item.seeOrder')}
            </a>
          )}
          <form method="post" action="/app/inbox/bulk">
            <Csrf viewer={viewer} />
            <input type="hidden" name="ids" value={item.id} />
            {item.deletedAt ? (
              <button type="submit" name="action" value="restore" class="secondary" safe>
                {i18n.t('inbox.item.restore')}
              </button>
            ) : (
              <>
                <button type="submit" name="action" value="unread" class="secondary" safe>
                  {i18n.t('inbox.item.markUnread')}
                </button>{' '}
                <button type="submit" name="action" value="delete" class="danger" safe>
                  {i18n.t('inbox.item.delete')}
                </button>
              </>
            )}
          </form>
        </div>
      </article>
      {!item.sender.verified && item.sender.kind !== 'support' && (
        <details class="card">
          <summary safe>{i18n.t('inbox.report.summary')}</summary>
          <form method="post" action={`/app/inbox/${item.id}/report`}>
            <Csrf viewer={viewer} />
            <p safe>{i18n.t('inbox.report.explain')}</p>
            <label for="reason" safe>
              {i18n.t('inbox.report.reason')}
            </label>
            <textarea id="reason" name="reason" maxlength="2000"></textarea>
            <p class="actions">
              <button type="submit" class="danger" safe>
                {i18n.t('inbox.report.submit')}
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
export function VerifiedBadge(props: { i18n: Messages }): JSX.Element {
  const label = props.i18n.t('inbox.verified.label');
  return (
    <>
      {' '}
      <span class="verified" role="img" aria-label={label} title={label}>
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
          <path d="M6.4 11.6 3 8.2l1.2-1.2 2.2 2.2 5.4-5.4L13 5z" fill="currentColor" />
        </svg>
        <span aria-hidden="true" safe>
          {props.i18n.t('inbox.verified.mark')}
        </span>
      </span>
    </>
  );
}

/** A search snippet with the matched words (between « and », as the search marks them) highlighted. */
export function Snippet(props: { text: string }): JSX.Element {
  const parts = props.text.split(/«([^«»]*)»/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <mark safe>{part}</mark> : <span safe>{part}</span>))}</>;
}
