import type { AuditPageView } from '../../audit/audit.dto.js';
import type { CalendarView } from '../../calendar/calendar.dto.js';
import type { OutboxItemView } from '../../notifications/notifications.dto.js';
import type { UserView } from '../../users/users.dto.js';
import { ROLES } from '../../users/user.entity.js';
import type { DeliveryView, WebhookView } from '../../webhooks/webhooks.dto.js';
import { Csrf, FilterSelect, formatIn, humanise, Layout, NextPage, PostButton, TableHead, Time } from './layout.js';
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
              <input id="timeZone" name="timeZone" type="text" placeholder="Europe/Berlin" />
              <label for="country">Holiday country</label>
              <input id="country" name="country" type="text" placeholder="DE" maxlength="3" />
              <label for="subdivision">Region (optional)</label>
              <input id="subdivision" name="subdivision" type="text" placeholder="BY" maxlength="10" />
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
  start: string;
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
}): JSX.Element {
  const { ctx, calendar, preview } = props;
  const viewer = ctx.viewer!;
  const key = props.selected;
  const zone = calendar.timeZone;
  const holidays = calendar.country
    ? `${calendar.country}${calendar.subdivision ? `-${calendar.subdivision}` : ''}`
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
                <span safe>{`${closure.name}: ${closure.from} – ${closure.to}`}</span>{' '}
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
            <label for="start">Message arrives (UTC)</label>
            <input
              id="start"
              name="start"
              type="datetime-local"
              value={preview ? preview.start.slice(0, 16) : ctx.now.toISOString().slice(0, 16)}
            />
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
                Due{' '}
                <time datetime={preview.deadline} safe>
                  {formatIn(new Date(preview.deadline), zone)}
                </time>
                .
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

export function BroadcastsPage(props: { ctx: PageContext }): JSX.Element {
  const viewer = props.ctx.viewer!;
  return (
    <Layout ctx={props.ctx} title="Broadcasts">
      <h1>Broadcasts</h1>
      <form method="post" action="/app/admin/broadcasts" class="card">
        <Csrf viewer={viewer} />
        <p>
          A broadcast lands in the Message Center of everyone in the audience; email goes to those who accept email for
          its category.
        </p>
        <label for="category">Category</label>
        <select id="category" name="category">
          <option value="notices">Notice (always emailed)</option>
          <option value="promotions">Promotion</option>
        </select>
        <label for="audience">Audience</label>
        <select id="audience" name="audience">
          <option value="all">Everyone</option>
          <option value="buyers">Buyers</option>
          <option value="sellers">Sellers</option>
        </select>
        <label for="subject">Subject</label>
        <input id="subject" name="subject" type="text" required maxlength="200" />
        <label for="body">Message</label>
        <textarea id="body" name="body" required maxlength="20000"></textarea>
        <p class="actions">
          <button type="submit">Send broadcast</button>
        </p>
      </form>
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

export function AuditPage(props: {
  ctx: PageContext;
  page: AuditPageView;
  names: Map<string, string>;
  action?: string;
}): JSX.Element {
  const { ctx, page, names } = props;
  return (
    <Layout ctx={ctx} title="Audit log">
      <h1>Audit log</h1>
      <form method="get" action="/app/admin/audit" class="actions">
        <label for="action" class="inline">
          Action
        </label>
        <input id="action" name="action" type="text" value={props.action ?? ''} placeholder="user.disabled" />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <table class="stack">
        <TableHead columns={['When', 'Who', 'Action', 'Subject']} />
        <tbody>
          {page.items.map((entry) => (
            <tr>
              <td data-label="When">
                <Time at={entry.at} />
              </td>
              <td data-label="Who" safe>
                {entry.actorId === null ? 'system' : (names.get(entry.actorId) ?? entry.actorId)}
              </td>
              <td data-label="Action" safe>
                {entry.action}
              </td>
              <td data-label="Subject" safe>
                {`${entry.subjectType}${entry.subjectId ? ` ${entry.subjectId}` : ''}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NextPage base="/app/admin/audit" params={{ action: props.action }} cursor={page.nextCursor} />
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
