import { escapeHtml, type PropsWithChildren } from '@kitajs/html';
import type { Role } from '../../users/user.entity.js';
import { CSRF_FIELD, PAGE_FIELD } from '../../auth/browser-session.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import { Html, type Messages } from '../../i18n/messages.js';

/** Who is looking at a page, as the layout needs it. */
export interface Viewer {
  id: string;
  role: Role;
  displayName: string;
  csrf: string;
  unread: number;
  /** The address of the page shown, sent back with its forms so that a refused form shows this page again. */
  page?: string;
  /** The time zone the viewer chose on their profile; without one, times follow the browser's zone. */
  timeZone?: string;
}

/** What every page shares: the viewer (absent on the sign-in page), the reader's language, the application's time, whether the clock is simulated. */
export interface PageContext {
  viewer?: Viewer;
  /** The reader's language: every word of the page, and its dates, numbers and money. */
  i18n: Messages;
  now: Date;
  simulatedClock: boolean;
  /** The nav entry to mark as the current page. */
  section?: string;
  /** A one-off message after a change (from the `done` query parameter). */
  notice?: string;
}

interface NavEntry {
  href: string;
  label: MessageKey;
  section: string;
}

const NAV: Record<Role, NavEntry[]> = {
  buyer: [
    { href: '/app/inbox', label: 'layout.nav.messages', section: 'inbox' },
    { href: '/app/orders', label: 'layout.nav.orders', section: 'orders' },
    { href: '/app/cases', label: 'layout.nav.cases', section: 'cases' },
    { href: '/app/claims', label: 'layout.nav.claims', section: 'claims' },
  ],
  seller: [
    { href: '/app/dashboard', label: 'layout.nav.dashboard', section: 'dashboard' },
    { href: '/app/inbox', label: 'layout.nav.messages', section: 'inbox' },
    { href: '/app/cases', label: 'layout.nav.cases', section: 'cases' },
    { href: '/app/claims', label: 'layout.nav.claims', section: 'claims' },
    { href: '/app/performance', label: 'layout.nav.performance', section: 'performance' },
  ],
  agent: [
    { href: '/app/queue', label: 'layout.nav.queue', section: 'queue' },
    { href: '/app/claims', label: 'layout.nav.claims', section: 'claims' },
    { href: '/app/reports', label: 'layout.nav.reports', section: 'reports' },
    { href: '/app/inbox', label: 'layout.nav.messages', section: 'inbox' },
  ],
  admin: [
    { href: '/app/admin/users', label: 'layout.nav.users', section: 'users' },
    { href: '/app/admin/calendars', label: 'layout.nav.calendars', section: 'calendars' },
    { href: '/app/admin/broadcasts', label: 'layout.nav.broadcasts', section: 'broadcasts' },
    { href: '/app/admin/deliveries', label: 'layout.nav.deliveries', section: 'deliveries' },
    { href: '/app/admin/api-keys', label: 'layout.nav.apiKeys', section: 'apiKeys' },
    { href: '/app/admin/audit', label: 'layout.nav.audit', section: 'audit' },
    { href: '/app/inbox', label: 'layout.nav.messages', section: 'inbox' },
  ],
};

/** The first page of each role after sign-in. */
export const HOME: Record<Role, string> = {
  buyer: '/app/inbox',
  seller: '/app/dashboard',
  agent: '/app/queue',
  admin: '/app/admin/users',
};

/**
 * htmx's settings: no injected indicator styles or eval (the CSP allows
 * neither), and refused forms (4xx) swapped in like any page, since the
 * server answers them with the form's page showing the errors.
 */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  // Not 'style': htmx would copy a field's style attribute (set by the browser or an extension) onto its new version, which the CSP refuses.
  attributesToSettle: ['class', 'width', 'height'],
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: true },
    { code: '...', swap: false },
  ],
});

export function Layout(props: PropsWithChildren<{ ctx: PageContext; title: string }>): JSX.Element {
  const { ctx, title } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer;
  const entries = viewer ? [...NAV[viewer.role]] : [];
  const safeClock = ctx.simulatedClock
    ? i18n.html('layout.simulatedClock', { time: new Html(<Time at={ctx.now} i18n={i18n} />) })
    : '';
  if (viewer?.role === 'admin' && ctx.simulatedClock)
    entries.push({ href: '/app/admin/clock', label: 'layout.nav.clock', section: 'clock' });
  return (
    <>
      {'<!doctype html>'}
      <html lang={i18n.locale} dir={i18n.direction}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title safe>{i18n.t('layout.title', { title })}</title>
          <link rel="stylesheet" href="/app/assets/portal.css" />
          <script src="/app/assets/htmx.min.js" defer></script>
          <script src="/app/assets/sse.js" defer></script>
          <script src="/app/assets/portal.js" defer></script>
        </head>
        <body
          hx-boost={viewer ? 'true' : undefined}
          hx-headers={viewer ? JSON.stringify({ 'X-CSRF-Token': viewer.csrf }) : undefined}
          hx-ext={viewer ? 'sse' : undefined}
          sse-connect={viewer ? '/app/inbox/stream' : undefined}
        >
          <a class="skip" href="#main" safe>
            {i18n.t('layout.skip')}
          </a>
          <header class="top">
            <a class="brand" href="/app">
              Parley
            </a>
            {!!viewer && (
              <nav aria-label={i18n.t('layout.nav.label')}>
                <ul>
                  {entries.map((entry) => (
                    <li>
                      <a href={entry.href} aria-current={ctx.section === entry.section ? 'page' : undefined}>
                        <span safe>{i18n.t(entry.label)}</span>
                        {entry.section === 'inbox' && <UnreadBadge count={viewer.unread} i18n={i18n} />}
                      </a>
                    </li>
                  ))}
                  <li>
                    <a href="/app/settings" aria-current={ctx.section === 'settings' ? 'page' : undefined} safe>
                      {i18n.t('layout.nav.settings')}
                    </a>
                  </li>
                </ul>
              </nav>
            )}
            {!!viewer && (
              <form method="post" action="/app/logout" class="signout" hx-boost="false">
                <Csrf viewer={viewer} />
                <span class="who" safe>
                  {viewer.displayName}
                </span>
                <button type="submit" class="link" safe>
                  {i18n.t('layout.signOut')}
                </button>
              </form>
            )}
          </header>
          {ctx.simulatedClock && <p class="clock-banner">{safeClock}</p>}
          <main
            id="main"
            data-now={ctx.now.toISOString()}
            data-zone={viewer?.timeZone}
            data-clock={ctx.simulatedClock ? 'simulated' : undefined}
            data-countdown-words={i18n.countdownPatternsJson}
          >
            <div id="flash" role="status" aria-live="polite">
              {!!ctx.notice && (
                <p class="notice" safe>
                  {ctx.notice}
                </p>
              )}
            </div>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** The unread count beside "Messages", refreshed whenever the live stream says the counts changed. */
export function UnreadBadge(props: { count: number; i18n: Messages }): JSX.Element {
  return (
    <span id="unread-badge" class="badge" hx-get="/app/inbox/badge" hx-trigger="sse:counts" hx-swap="outerHTML">
      {props.count > 0 ? (
        <>
          {' '}
          <span aria-hidden="true" safe>
            {props.i18n.number(props.count)}
          </span>
          <span class="visually-hidden" safe>
            {props.i18n.t('layout.unread', { count: props.count })}
          </span>
        </>
      ) : (
        ''
      )}
    </span>
  );
}

/** What every form of a signed-in page carries: the session's CSRF token, and the page it is on (for showing a refusal there). */
export function Csrf(props: { viewer: Viewer }): JSX.Element {
  return (
    <>
      <input type="hidden" name={CSRF_FIELD} value={props.viewer.csrf} />
      {!!props.viewer.page && <input type="hidden" name={PAGE_FIELD} value={props.viewer.page} />}
    </>
  );
}

/** An instant: the absolute time in `datetime`, shown in UTC until the page's script rewrites it in the viewer's own time zone. */
export function Time(props: { at: Date | string | null | undefined; zone?: string; i18n: Messages }): JSX.Element {
  return timeHtml(props.i18n, props.at, props.zone);
}

/** `Time` as a string, for rows rendered many to a page. */
export function timeHtml(i18n: Messages, at: Date | string | null | undefined, zone?: string): string {
  if (!at) return `<span>${escapeHtml(i18n.t('time.none'))}</span>`;
  const text = zone ? i18n.dateTime(at, zone, { year: false }) : i18n.dateTime(at, 'UTC');
  return `<time datetime="${isoInstant(at)}"${zone ? '' : ' data-local=""'}>${escapeHtml(text)}</time>`;
}

/** An instant as `toISOString` writes it: a view's ISO string as it is (a list renders many), anything else through `Date`. */
function isoInstant(at: Date | string): string {
  return typeof at === 'string' && at.length === 24 && at.charCodeAt(10) === 84 /* T */ && at.endsWith('Z')
    ? at
    : new Date(at).toISOString();
}

/** How long until (or since) a deadline, in words, updated every second by the page's script against the application's clock. */
export function Countdown(props: { until: string | null; now: Date; i18n: Messages }): JSX.Element {
  return countdownHtml(props.i18n, props.until, props.now);
}

/** `Countdown` as a string, for rows rendered many to a page. */
export function countdownHtml(i18n: Messages, until: string | null, now: Date): string {
  if (!until) return `<span>${escapeHtml(i18n.t('time.none'))}</span>`;
  const words = i18n.remaining(new Date(until).getTime() - now.getTime());
  return `<span class="countdown" data-countdown="${escapeHtml(until)}">${escapeHtml(words)}</span>`;
}

const STATES: Record<string, MessageKey> = {
  on_track: 'state.on_track',
  at_risk: 'state.at_risk',
  late: 'state.late',
  escalated: 'state.escalated',
  stopped: 'state.stopped',
};

/** A state as a labelled badge; its class gives its colour, its words say the same without colour. */
export function StateBadge(props: { state: string; i18n: Messages }): JSX.Element {
  return stateBadgeHtml(props.i18n, props.state);
}

/** `StateBadge` as a string, for rows rendered many to a page. */
export function stateBadgeHtml(i18n: Messages, state: string): string {
  const key = STATES[state];
  return `<span class="state state-${escapeHtml(state)}">${escapeHtml(key ? i18n.t(key) : humanise(state))}</span>`;
}

export const humanise = (value: string): string => value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** One side of a Pager: the query parameter that carries its cursor, the cursor (null at that end) and the link's words. */
export interface PagerSide {
  param: string;
  cursor: string | number | null;
  text?: string;
}

/**
 * Links to the page before and the page after this one of a list, each
 * keeping the page's other query parameters (search, filters, tab); shown
 * only when there is somewhere to go. Every paged list of the portal uses it.
 */
export function Pager(props: {
  base: string;
  /** What the links are, for screen readers ("Pages of claims"). */
  label: string;
  params?: Record<string, string | undefined>;
  previous: PagerSide;
  next: PagerSide;
  i18n: Messages;
}): JSX.Element {
  const { previous, next } = props;
  if (previous.cursor === null && next.cursor === null) return <></>;
  const link = (side: PagerSide, text: string) => {
    if (side.cursor === null) return <span></span>;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(props.params ?? {}))
      if (value && key !== previous.param && key !== next.param) query.set(key, value);
    query.set(side.param, String(side.cursor));
    return (
      <a href={`${props.base}?${query.toString()}`} safe>
        {side.text ?? text}
      </a>
    );
  };
  return (
    <nav class="pager two-way" aria-label={props.label}>
      {link(previous, props.i18n.t('pager.newer'))}
      {link(next, props.i18n.t('pager.older'))}
    </nav>
  );
}

/** A one-select filter form above a list ("Status: Open [Show]"), working without script. */
export function FilterSelect(props: {
  action: string;
  id: string;
  label: string;
  name: string;
  options: [string, string][];
  selected?: string;
  button?: string;
  i18n: Messages;
}): JSX.Element {
  return (
    <form method="get" action={props.action} class="actions">
      <label for={props.id} class="inline" safe>
        {props.label}
      </label>
      <select id={props.id} name={props.name}>
        {props.options.map(([value, text]) => (
          <option value={value} selected={props.selected === value && value !== ''} safe>
            {text}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary" safe>
        {props.button ?? props.i18n.t('filter.show')}
      </button>
    </form>
  );
}

/** A table's header row. */
export function TableHead(props: { columns: string[] }): JSX.Element {
  return (
    <thead>
      <tr>
        {props.columns.map((column) => (
          <th scope="col" safe>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A button that posts to an action with the session's CSRF token (and any hidden fields): one change, no typing. */
export function PostButton(props: {
  viewer: Viewer;
  action: string;
  label: string;
  look?: 'secondary' | 'danger' | 'link';
  fields?: Record<string, string>;
  name?: string;
  /** `data-*` attributes of the form, e.g. `{ action: 'resolve' }` for the API action it takes as the view's `allowedActions` names it. */
  data?: Record<string, string>;
}): JSX.Element {
  const data = Object.fromEntries(Object.entries(props.data ?? {}).map(([name, value]) => [`data-${name}`, value]));
  return (
    <form method="post" action={props.action} class="inline-form" {...data}>
      <Csrf viewer={props.viewer} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.look} aria-label={props.name} safe>
        {props.label}
      </button>
    </form>
  );
}
