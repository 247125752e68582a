import type { PropsWithChildren } from '@kitajs/html';
import type { Role } from '../../users/user.entity.js';
import { CSRF_FIELD, PAGE_FIELD } from '../../auth/browser-session.js';
import { formatInstant } from '../../common/instant-format.js';

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

/** What every page shares: the viewer (absent on the sign-in page), the application's time, whether the clock is simulated. */
export interface PageContext {
  viewer?: Viewer;
  now: Date;
  simulatedClock: boolean;
  /** The nav entry to mark as the current page. */
  section?: string;
  /** A one-off message after a change (from the `done` query parameter). */
  notice?: string;
}

interface NavEntry {
  href: string;
  label: string;
  section: string;
}

const NAV: Record<Role, NavEntry[]> = {
  buyer: [
    { href: '/app/inbox', label: 'Messages', section: 'inbox' },
    { href: '/app/orders', label: 'Orders', section: 'orders' },
    { href: '/app/cases', label: 'Cases', section: 'cases' },
    { href: '/app/claims', label: 'Claims', section: 'claims' },
  ],
  seller: [
    { href: '/app/dashboard', label: 'Dashboard', section: 'dashboard' },
    { href: '/app/inbox', label: 'Messages', section: 'inbox' },
    { href: '/app/cases', label: 'Cases', section: 'cases' },
    { href: '/app/claims', label: 'Claims', section: 'claims' },
    { href: '/app/performance', label: 'Performance', section: 'performance' },
  ],
  agent: [
    { href: '/app/queue', label: 'Queue', section: 'queue' },
    { href: '/app/claims', label: 'Claims', section: 'claims' },
    { href: '/app/reports', label: 'Reports', section: 'reports' },
    { href: '/app/inbox', label: 'Messages', section: 'inbox' },
  ],
  admin: [
    { href: '/app/admin/users', label: 'Users', section: 'users' },
    { href: '/app/admin/calendars', label: 'Calendars', section: 'calendars' },
    { href: '/app/admin/broadcasts', label: 'Broadcasts', section: 'broadcasts' },
    { href: '/app/admin/deliveries', label: 'Deliveries', section: 'deliveries' },
    { href: '/app/admin/audit', label: 'Audit log', section: 'audit' },
    { href: '/app/inbox', label: 'Messages', section: 'inbox' },
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
  const viewer = ctx.viewer;
  const entries = viewer ? [...NAV[viewer.role]] : [];
  if (viewer?.role === 'admin' && ctx.simulatedClock)
    entries.push({ href: '/app/admin/clock', label: 'Clock', section: 'clock' });
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title safe>{`${title} · Parley`}</title>
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
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/app">
              Parley
            </a>
            {!!viewer && (
              <nav aria-label="Main">
                <ul>
                  {entries.map((entry) => (
                    <li>
                      <a href={entry.href} aria-current={ctx.section === entry.section ? 'page' : undefined}>
                        <span safe>{entry.label}</span>
                        {entry.section === 'inbox' && <UnreadBadge count={viewer.unread} />}
                      </a>
                    </li>
                  ))}
                  <li>
                    <a href="/app/settings" aria-current={ctx.section === 'settings' ? 'page' : undefined}>
                      Settings
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
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            )}
          </header>
          {ctx.simulatedClock && (
            <p class="clock-banner">
              Simulated clock: it is <Time at={ctx.now} />
            </p>
          )}
          <main
            id="main"
            data-now={ctx.now.toISOString()}
            data-zone={viewer?.timeZone}
            data-clock={ctx.simulatedClock ? 'simulated' : undefined}
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
export function UnreadBadge(props: { count: number }): JSX.Element {
  return (
    <span id="unread-badge" class="badge" hx-get="/app/inbox/badge" hx-trigger="sse:counts" hx-swap="outerHTML">
      {props.count > 0 ? (
        <>
          {' '}
          <span aria-hidden="true" safe>
            {String(props.count)}
          </span>
          <span class="visually-hidden" safe>
            {` (${props.count} unread)`}
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
export function Time(props: { at: Date | string | null | undefined; zone?: string }): JSX.Element {
  if (!props.at) return <span>—</span>;
  const at = typeof props.at === 'string' ? new Date(props.at) : props.at;
  const text = props.zone ? formatIn(at, props.zone) : formatInstant(at, 'UTC');
  return (
    <time datetime={at.toISOString()} data-local={props.zone ? undefined : ''} safe>
      {text}
    </time>
  );
}

/** An instant in a named zone (a seller's calendar), with the zone's abbreviation, without the year. */
export function formatIn(at: Date, zone: string): string {
  return formatInstant(at, zone, { year: false });
}

/** How long until (or since) a deadline, in words, updated every second by the page's script against the application's clock. */
export function Countdown(props: { until: string | null; now: Date }): JSX.Element {
  if (!props.until) return <span>—</span>;
  return (
    <span class="countdown" data-countdown={props.until} safe>
      {remaining(new Date(props.until).getTime() - props.now.getTime())}
    </span>
  );
}

export function remaining(ms: number): string {
  const late = ms < 0;
  let seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds - hours * 3600) / 60);
  const text = days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
  return late ? `${text} overdue` : `in ${text}`;
}

const WORDS: Record<string, string> = {
  on_track: 'On track',
  at_risk: 'At risk',
  late: 'Late',
  escalated: 'Escalated',
  stopped: 'No reply due',
};

/** A state as a labelled badge; its class gives its colour, its words say the same without colour. */
export function StateBadge(props: { state: string }): JSX.Element {
  return (
    <span class={`state state-${props.state}`} safe>
      {WORDS[props.state] ?? humanise(props.state)}
    </span>
  );
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
      {link(previous, '← Newer')}
      {link(next, 'Older →')}
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
        {props.button ?? 'Show'}
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
