import { actionLabel, AUDIT_ACTIONS, AUDIT_SUBJECT_TYPES, subjectTypeLabel } from '../../audit/audit-actions.js';
import type { AuditBrowseView } from '../../audit/audit.service.js';
import type { CalendarView } from '../../calendar/calendar.dto.js';
import { HOLIDAY_COUNTRY_CHOICES, TIME_ZONE_CHOICES } from '../../calendar/region-choices.js';
import type { BroadcastHistoryPage } from '../../notifications/broadcast-delivery.service.js';
import type { OutboxItemView } from '../../notifications/notifications.dto.js';
import type { UserView } from '../../users/users.dto.js';
import { ROLES } from '../../users/user.entity.js';
import type { DeliveryView, WebhookView } from '../../webhooks/webhooks.dto.js';
import { formatDateRange } from './dates.js';
import { VerifiedBadge } from './inbox.js';
import { Csrf, FilterSelect, formatIn, humanise, Layout, Pager, PostButton, TableHead, Time } from './layout.js';
import type { PageContext } from './layout.js';

export function UsersPage(props: {
  ctx: PageContext;
  users: (UserView & { disabled: boolean })[];
  role?: string;
}): JSX.Element {
  const { ctx, users } = props;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title="Users">
      <h1>Users</h1>
      <div class="grid two">
        <section aria-label="User list">
          <FilterSelect
            action="/app/admin/users"
            id="role-filter"
            label="Show"
            name="role"
            options={[['', 'Everyone'], ...ROLES.map((role): [string, string] => [role, `${humanise(role)}s`])]}
            selected={props.role}
          />
          <table class="stack">
            <TableHead columns={['Name', 'Email', 'Role', 'Access']} />
            <tbody>
              {users.map((user) => (
                <tr>
                  <td data-label="Name" safe>
                    {user.displayName}
                  </td>
                  <td data-label="Email" safe>
                    {user.email}
                  </td>
                  <td data-label="Role">
                    <span safe>{humanise(user.role)}</span>
                    {user.seller ? <span class="muted" safe>{` · ${user.seller.timeZone}`}</span> : ''}
                  </td>
                  <td data-label="Access">
                    {user.id === viewer.id ? (
                      <span class="muted">You</span>
                    ) : (
                      <PostButton
                        viewer={viewer}
                        action={`/app/admin/users/${user.id}/${user.disabled ? 'enable' : 'disable'}`}
                        label={user.disabled ? 'Enable' : 'Disable'}
                        look={user.disabled ? 'secondary' : 'danger'}
                        name={`${user.disabled ? 'Enable' : 'Disable'} ${user.displayName}`}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="card" aria-labelledby="new-user">
          <h2 id="new-user">New user</h2>
          <form method="post" action="/app/admin/users">
            <Csrf viewer={viewer} />
            <label for="displayName">Name</label>
            <input id="displayName" name="displayName" type="text" required maxlength="100" />
            <label for="email">Email</label>
            <input id="email" name="email" type="email" required />
            <label for="password">Password (at least 12 characters)</label>
            <input id="password" name="password" type="password" required minlength="12" autocomplete="new-password" />
            <label for="role">Role</label>
            <select id="role" name="role">
              {ROLES.map((role) => (
                <option value={role} safe>
                  {humanise(role)}
                </option>
              ))}
            </select>
            <fieldset>
              <legend>For a seller: business calendar</legend>
              <label for="timeZone">Time zone</label>
              <select id="timeZone" name="timeZone">
                <option value="">Choose a time zone</option>
                {TIME_ZONE_CHOICES.map((zone) => (
                  <option value={zone} safe>
                    {zone}
                  </option>
                ))}
              </select>
              <label for="country">Holiday country</label>
              <select id="country" name="country">
                <option value="">Choose a country</option>
                <option value="none">No public holidays</option>
                {HOLIDAY_COUNTRY_CHOICES.map((country) => (
                  <option value={country.code} safe>
                    {`${country.name} (${country.code})`}
                  </option>
                ))}
              </select>
              <label for="subdivision">Region (optional)</label>
              <input
                id="subdivision"
                name="subdivision"
                type="text"
                placeholder="BY"
                maxlength="10"
                aria-describedby="subdivision-hint"
              />
              <p id="subdivision-hint" class="muted">
                The region's code when its holidays differ from the country's, such as BY (Bavaria) in Germany.
              </p>
            </fieldset>
            <p class="actions">
              <button type="submit">Create user</button>
            </p>
          </form>
        </section>
      </div>
    </Layout>
  );
}

export interface Preview {
  /** The instant the message arrives, and the same as the calendar's wall clock (`2026-12-24T09:00`). */
  start: string;
  local: string;
  days: number;
  deadline: string;
  skipped: { from: string; to: string; reason?: string; name?: string }[];
}

export function CalendarsPage(props: {
  ctx: PageContext;
  calendar: CalendarView;
  sellers: { id: string; displayName: string }[];
  selected: string;
  preview?: Preview;
  /** The preview form's time when there is no preview yet: now, on the calendar's wall clock. */
  localNow: string;
}): JSX.Element {
  const { ctx, calendar, preview } = props;
  const viewer = ctx.viewer!;
  const key = props.selected;
  const zone = calendar.timeZone;
  const country = HOLIDAY_COUNTRY_CHOICES.find((choice) => choice.code === calendar.country);
  const holidays = calendar.country
    ? `${country ? `${country.name} (${country.code})` : calendar.country}${calendar.subdivision ? `, region ${calendar.subdivision}` : ''}`
    : 'none';
  const hours = calendar.openingHours
    ? Object.entries(calendar.openingHours)
        .map(([day, ranges]) => `${day} ${(ranges ?? []).join(' ')}`)
        .join('; ')
    : 'all day';
  return (
    <Layout ctx={ctx} title="Calendars">
      <h1>Calendars</h1>
      <form method="get" action="/app/admin/calendars" class="actions">
        <label for="calendar" class="inline">
          Calendar
        </label>
        <select id="calendar" name="calendar">
          <option value="marketplace" selected={key === 'marketplace'}>
            Marketplace (support and claims)
          </option>
          {props.sellers.map((seller) => (
            <option value={seller.id} selected={key === seller.id} safe>
              {`Seller: ${seller.displayName}`}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Open
        </button>
      </form>
      <div class="grid halves">
        <section class="card" aria-labelledby="settings">
          <h2 id="settings" safe>
            {`Settings (version ${calendar.version})`}
          </h2>
          <dl class="facts">
            <dt>Time zone</dt>
            <dd safe>{zone}</dd>
            <dt>Holidays</dt>
            <dd safe>{holidays}</dd>
            <dt>Working days</dt>
            <dd safe>{calendar.workingDays.join(', ')}</dd>
            <dt>Hours</dt>
            <dd safe>{hours}</dd>
            <dt>In force since</dt>
            <dd>
              <Time at={calendar.effectiveFrom} />
            </dd>
          </dl>
          <h2>Closures</h2>
          {calendar.closures.length === 0 ? <p class="muted">None.</p> : ''}
          <ul>
            {calendar.closures.map((closure) => (
              <li>
                <span safe>{`${closure.name}: ${formatDateRange(closure.from, closure.to)}`}</span>{' '}
                <PostButton
                  viewer={viewer}
                  action={`/app/admin/calendars/${calendar.id}/closures/${closure.id}/remove?calendar=${key}`}
                  label="Remove"
                  look="link"
                  name={`Remove closure ${closure.name}`}
                />
              </li>
            ))}
          </ul>
          <form method="post" action={`/app/admin/calendars/${calendar.id}/closures?calendar=${key}`}>
            <Csrf viewer={viewer} />
            <label for="closure-name">New closure: name</label>
            <input id="closure-name" name="name" type="text" required maxlength="100" placeholder="Stocktaking" />
            <label for="closure-from">First closed day</label>
            <input id="closure-from" name="from" type="date" required />
            <label for="closure-to">Last closed day</label>
            <input id="closure-to" name="to" type="date" required />
            <p class="actions">
              <button type="submit">Add closure</button>
            </p>
          </form>
        </section>
        <section class="card" aria-labelledby="preview">
          <h2 id="preview">Deadline preview</h2>
          <form method="get" action="/app/admin/calendars">
            <input type="hidden" name="calendar" value={key} />
            <label for="start" safe>{`Message arrives (${zone} time)`}</label>
            <input
              id="start"
              name="start"
              type="datetime-local"
              required
              value={preview ? preview.local : props.localNow}
              aria-describedby="start-hint"
            />
            <p id="start-hint" class="muted" safe>
              {`The calendar's own clock: the date and time in ${zone}, which is what its deadlines count in.`}
            </p>
            <label for="days">Business days</label>
            <input id="days" name="days" type="number" min="1" max="30" value={String(preview?.days ?? 2)} />
            <p class="actions">
              <button type="submit" class="secondary">
                Preview
              </button>
            </p>
          </form>
          {preview ? (
            <div>
              <p>
                Arrives{' '}
                <time datetime={preview.start} safe>
                  {formatIn(new Date(preview.start), zone)}
                </time>
                , due{' '}
                <time datetime={preview.deadline} class="deadline" safe>
                  {formatIn(new Date(preview.deadline), zone)}
                </time>{' '}
                <span class="muted" safe>{`(${zone})`}</span>
              </p>
              {preview.skipped.length > 0 && (
                <ul class="segments">
                  {preview.skipped.map((segment) => (
                    <li class="skipped" safe>
                      {`${humanise(segment.reason ?? 'not counted')}${segment.name ? ` (${segment.name})` : ''}: ${formatIn(new Date(segment.from), zone)} – ${formatIn(new Date(segment.to), zone)}`}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : (
            ''
          )}
        </section>
      </div>
    </Layout>
  );
}

/** What a broadcast form holds: typed by the admin, echoed back into forms (escaped) until it is sent. */
export interface BroadcastDraft {
  category: string;
  audience: string;
  subject: string;
  body: string;
}

const AUDIENCES: [string, string][] = [
  ['all', 'Everyone'],
  ['buyers', 'Buyers'],
  ['sellers', 'Sellers'],
];
const BROADCAST_CATEGORIES: [string, string][] = [
  ['notices', 'Notice (always emailed)'],
  ['promotions', 'Promotion'],
];
const AUDIENCE_WORDS: Record<string, string> = { all: 'everyone', buyers: 'buyers', sellers: 'sellers' };

/** Who sent a broadcast, by name. */
const senderName = (names: Map<string, string>, id: string | null): string =>
  id === null ? 'Unknown' : (names.get(id) ?? 'A removed user');

const people = (count: number): string => `${count} ${count === 1 ? 'person' : 'people'}`;

export function BroadcastsPage(props: {
  ctx: PageContext;
  /** A page of the history, with the pages either side: broadcasts numbered above `newerThan`, below `olderThan`. */
  history: BroadcastHistoryPage;
  names: Map<string, string>;
  draft?: BroadcastDraft;
}): JSX.Element {
  const viewer = props.ctx.viewer!;
  const draft = props.draft;
  return (
    <Layout ctx={props.ctx} title="Broadcasts">
      <h1>Broadcasts</h1>
      <form method="post" action="/app/admin/broadcasts" class="card">
        <Csrf viewer={viewer} />
        <p>
          A broadcast lands in the Message Center of everyone in the audience; email goes to those who accept email for
          its category. You will see how it looks and how many people it reaches before it is sent.
        </p>
        <label for="category">Category</label>
        <select id="category" name="category">
          {BROADCAST_CATEGORIES.map(([value, text]) => (
            <option value={value} selected={draft?.category === value} safe>
              {text}
            </option>
          ))}
        </select>
        <label for="audience">Audience</label>
        <select id="audience" name="audience">
          {AUDIENCES.map(([value, text]) => (
            <option value={value} selected={draft?.audience === value} safe>
              {text}
            </option>
          ))}
        </select>
        <label for="subject">Subject</label>
        <input id="subject" name="subject" type="text" required maxlength="200" value={draft?.subject ?? ''} />
        <label for="body">Message</label>
        <textarea id="body" name="body" required maxlength="20000" safe>
          {draft?.body ?? ''}
        </textarea>
        <p class="actions">
          <button type="submit">Preview</button>
        </p>
      </form>
      <section aria-labelledby="history">
        <h2 id="history">Sent</h2>
        {props.history.items.length === 0 ? <p class="muted">No broadcasts yet.</p> : ''}
        {props.history.items.length > 0 && (
          <table class="stack broadcast-history">
            <TableHead columns={['Sent', 'By', 'Subject', 'Audience', 'In Message Centers']} />
            <tbody>
              {props.history.items.map((sent) => (
                <tr>
                  <td data-label="Sent">
                    <Time at={sent.sentAt} />
                  </td>
                  <td data-label="By" safe>
                    {senderName(props.names, sent.sentBy)}
                  </td>
                  <td data-label="Subject">
                    <span safe>{sent.subject}</span>{' '}
                    <span class="muted" safe>{`(${sent.category === 'notices' ? 'notice' : 'promotion'})`}</span>
                  </td>
                  <td data-label="Audience" safe>
                    {`${humanise(AUDIENCE_WORDS[sent.audience] ?? sent.audience)}: ${people(sent.recipients)}`}
                  </td>
                  <td data-label="In Message Centers" safe>
                    {`${sent.delivered} of ${sent.recipients}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {props.history.items.length > 0 && (
          <p class="muted">A broadcast reaches a Message Center when its reader next looks; email goes out at once.</p>
        )}
        <Pager
          base="/app/admin/broadcasts"
          label="Pages of sent broadcasts"
          previous={{ param: 'after', cursor: props.history.newerThan }}
          next={{ param: 'before', cursor: props.history.olderThan }}
        />
      </section>
    </Layout>
  );
}

/** The draft's fields, carried by the confirmation page's forms unchanged. */
function DraftFields(props: { draft: BroadcastDraft }): JSX.Element {
  const { draft } = props;
  return (
    <>
      <input type="hidden" name="category" value={draft.category} />
      <input type="hidden" name="audience" value={draft.audience} />
      <input type="hidden" name="subject" value={draft.subject} />
      <input type="hidden" name="body" value={draft.body} />
    </>
  );
}

/** A broadcast before it is sent: how the message will look, who it reaches, and the one button that sends it. */
export function BroadcastPreviewPage(props: {
  ctx: PageContext;
  draft: BroadcastDraft;
  recipients: number;
  emails: number;
}): JSX.Element {
  const { ctx, draft, recipients, emails } = props;
  const viewer = ctx.viewer!;
  const audience = AUDIENCE_WORDS[draft.audience] ?? draft.audience;
  return (
    <Layout ctx={ctx} title="Check the broadcast">
      <h1>Check the broadcast</h1>
      <p>It will look like this in each Message Center:</p>
      <article class="card broadcast-preview" aria-label="The message as people will see it">
        <h2 safe>{draft.subject}</h2>
        <p class="from">
          From <strong>Marketplace</strong>
          <VerifiedBadge /> · <Time at={ctx.now} />
        </p>
        <p class="body" safe>
          {draft.body}
        </p>
      </article>
      <p safe>
        {recipients === 0
          ? `Nobody is in the audience (${audience}) now.`
          : `It goes to ${audience}: ${people(recipients)} now, ${emails} of them by email ${
              draft.category === 'notices' ? '(notices are always emailed)' : '(those who accept promotions)'
            }.`}
      </p>
      <div class="actions">
        {recipients > 0 && (
          <form method="post" action="/app/admin/broadcasts/send" class="inline-form">
            <Csrf viewer={viewer} />
            <DraftFields draft={draft} />
            <button type="submit" safe>
              {`Send to ${people(recipients)}`}
            </button>
          </form>
        )}
        <form method="post" action="/app/admin/broadcasts/edit" class="inline-form">
          <Csrf viewer={viewer} />
          <DraftFields draft={draft} />
          <button type="submit" class="secondary">
            Change the message
          </button>
        </form>
      </div>
    </Layout>
  );
}

export function DeliveriesPage(props: {
  ctx: PageContext;
  emails: OutboxItemView[];
  webhooks: { endpoint: WebhookView; failed: DeliveryView[] }[];
}): JSX.Element {
  const viewer = props.ctx.viewer!;
  return (
    <Layout ctx={props.ctx} title="Deliveries">
      <h1>Failed deliveries</h1>
      <h2>Emails</h2>
      {props.emails.length === 0 ? <p class="muted">No failed emails.</p> : ''}
      <ul>
        {props.emails.map((email) => (
          <li>
            <span safe>{`${humanise(email.kind)} · ${email.attempts} attempts · ${email.lastError ?? ''}`}</span>{' '}
            <Time at={email.createdAt} />{' '}
            <PostButton viewer={viewer} action={`/app/admin/outbox/${email.id}/retry`} label="Retry" look="link" />
          </li>
        ))}
      </ul>
      <h2>Webhooks</h2>
      {props.webhooks.length === 0 ? <p class="muted">No webhook endpoints.</p> : ''}
      {props.webhooks.map(({ endpoint, failed }) => (
        <section class="card">
          <h3 safe>{endpoint.url}</h3>
          <p class="muted" safe>
            {endpoint.events.join(', ')}
          </p>
          {failed.length === 0 ? <p class="muted">No failed deliveries.</p> : ''}
          <ul>
            {failed.map((delivery) => (
              <li>
                <span
                  safe
                >{`${delivery.type} · ${delivery.attempts} attempts · ${delivery.lastStatusCode ?? ''} ${delivery.lastError ?? ''}`}</span>{' '}
                <PostButton
                  viewer={viewer}
                  action={`/app/admin/webhooks/deliveries/${delivery.id}/retry`}
                  label="Retry"
                  look="link"
                />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}

/** The audit log's filters, as chosen on the page. */
export interface AuditFilters {
  action?: string;
  subjectType?: string;
  actorId?: string;
}

export function AuditPage(props: {
  ctx: PageContext;
  page: AuditBrowseView;
  filters: AuditFilters;
  /** Who can be chosen: the users with entries in the log, by name. */
  actors: { id: string; name: string }[];
}): JSX.Element {
  const { ctx, page, filters } = props;
  const actions = Object.entries(AUDIT_ACTIONS) as [string, string][];
  if (filters.action && !Object.hasOwn(AUDIT_ACTIONS, filters.action)) actions.push([filters.action, filters.action]);
  return (
    <Layout ctx={ctx} title="Audit log">
      <h1>Audit log</h1>
      <form method="get" action="/app/admin/audit" class="card audit-filters">
        <div>
          <label for="audit-action">Action</label>
          <select id="audit-action" name="action">
            <option value="">Any action</option>
            {actions.map(([value, text]) => (
              <option value={value} selected={filters.action === value} safe>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-kind">On</label>
          <select id="audit-kind" name="subjectType">
            <option value="">Anything</option>
            {Object.entries(AUDIT_SUBJECT_TYPES).map(([value, text]) => (
              <option value={value} selected={filters.subjectType === value}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-actor">By</label>
          <select id="audit-actor" name="actorId">
            <option value="">Anyone</option>
            {props.actors.map((actor) => (
              <option value={actor.id} selected={filters.actorId === actor.id} safe>
                {actor.name}
              </option>
            ))}
          </select>
        </div>
        <p class="actions">
          <button type="submit" class="secondary">
            Filter
          </button>
          {(!!filters.action || !!filters.subjectType || !!filters.actorId) && (
            <a href="/app/admin/audit">Show everything</a>
          )}
        </p>
      </form>
      {page.items.length === 0 ? <p class="muted">No entries match.</p> : ''}
      {page.items.length > 0 && (
        <table class="stack">
          <TableHead columns={['When', 'Who', 'Action', 'Subject']} />
          <tbody>
            {page.items.map((entry) => (
              <tr>
                <td data-label="When">
                  <Time at={entry.at} />
                </td>
                <td data-label="Who">
                  {entry.actorId === null ? (
                    'System'
                  ) : (
                    <>
                      <span safe>{entry.actorName ?? 'A removed user'}</span>{' '}
                      <span class="muted" safe>{`(${humanise(entry.actorRole)})`}</span>
                      <br />
                      <span class="muted audit-id" safe>
                        {entry.actorId}
                      </span>
                    </>
                  )}
                </td>
                <td data-label="Action">
                  <span safe>{actionLabel(entry.action)}</span>
                  <br />
                  <code class="muted audit-id" safe>
                    {entry.action}
                  </code>
                </td>
                <td data-label="Subject">
                  <span
                    safe
                  >{`${subjectTypeLabel(entry.subjectType)}${entry.subjectName ? `: ${entry.subjectName}` : ''}`}</span>
                  {!!entry.subjectId && (
                    <>
                      <br />
                      <span class="muted audit-id" safe>
                        {entry.subjectId}
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        base="/app/admin/audit"
        label="Pages of the audit log"
        params={{ ...filters }}
        previous={{ param: 'newer', cursor: page.previousCursor }}
        next={{ param: 'cursor', cursor: page.nextCursor }}
      />
    </Layout>
  );
}

const STEPS: [string, number][] = [
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['2 days', 2 * 86_400],
  ['1 week', 7 * 86_400],
];

export function ClockPage(props: { ctx: PageContext }): JSX.Element {
  const viewer = props.ctx.viewer!;
  return (
    <Layout ctx={props.ctx} title="Clock">
      <h1>Simulated clock</h1>
      <p>
        It is <Time at={props.ctx.now} /> for every instance of Parley. Time only moves forward; the sweeps act on the
        new time at their next run.
      </p>
      <div class="actions">
        {STEPS.map(([label, seconds]) => (
          <PostButton
            viewer={viewer}
            action="/app/admin/clock/advance"
            label={`Advance ${label}`}
            fields={{ seconds: String(seconds) }}
          />
        ))}
      </div>
    </Layout>
  );
}
