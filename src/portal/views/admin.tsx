import type { AUDIT_ACTIONS, AUDIT_SUBJECT_TYPES } from '../../audit/audit-actions.js';
import type { AuditBrowseView } from '../../audit/audit.service.js';
import { WEEKDAY_NAMES } from '../../calendar/business-calendar.js';
import type { ExclusionReason, WeekdayName } from '../../calendar/business-calendar.js';
import type { CalendarView } from '../../calendar/calendar.dto.js';
import { HOLIDAY_COUNTRY_CHOICES, TIME_ZONE_CHOICES } from '../../calendar/region-choices.js';
import type { CountryChoice } from '../../calendar/region-choices.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import type { LanguageChoice } from '../../i18n/i18n.service.js';
import { Html } from '../../i18n/messages.js';
import type { Messages } from '../../i18n/messages.js';
import type { BroadcastHistoryPage } from '../../notifications/broadcast-delivery.service.js';
import type { NoticeKind } from '../../notifications/categories.js';
import type { OutboxItemView } from '../../notifications/notifications.dto.js';
import type { UserView } from '../../users/users.dto.js';
import { ROLES } from '../../users/user.entity.js';
import type { Role } from '../../users/user.entity.js';
import type { DeliveryView, WebhookView } from '../../webhooks/webhooks.dto.js';
import { VerifiedBadge } from './inbox.js';
import { Csrf, FilterSelect, Layout, Pager, PostButton, TableHead, Time } from './layout.js';
import type { PageContext } from './layout.js';

const ROLE_NAMES: Record<Role, MessageKey> = {
  buyer: 'admin.role.buyer',
  seller: 'admin.role.seller',
  agent: 'admin.role.agent',
  admin: 'admin.role.admin',
};

/** Everyone of a role, as the user list's filter offers them. */
const ROLE_FILTERS: Record<Role, MessageKey> = {
  buyer: 'admin.users.filter.buyers',
  seller: 'admin.users.filter.sellers',
  agent: 'admin.users.filter.agents',
  admin: 'admin.users.filter.admins',
};

/** A role's name, or the role itself for one this list does not know. */
const roleName = (i18n: Messages, role: string): string => i18n.nameOf(ROLE_NAMES, role);

/** The countries with public holidays, named and sorted the reader's way ("Deutschland"), once per locale. */
const countriesByLocale = new Map<string, readonly CountryChoice[]>();

function countriesIn(i18n: Messages): readonly CountryChoice[] {
  const locale = i18n.formatLocale;
  let countries = countriesByLocale.get(locale);
  if (!countries) {
    const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    const order = new Intl.Collator(locale);
    countries = HOLIDAY_COUNTRY_CHOICES.map((country) => ({
      code: country.code,
      name: names.of(country.code) ?? country.name,
    })).sort((a, b) => order.compare(a.name, b.name));
    countriesByLocale.set(locale, countries);
  }
  return countries;
}

const listFormats = new Map<string, Intl.ListFormat>();

/** Short items as a list the locale's way: "Mon, Tue, Wed"; "月、火、水". */
function listOf(i18n: Messages, items: string[]): string {
  let format = listFormats.get(i18n.formatLocale);
  if (!format) {
    format = new Intl.ListFormat(i18n.formatLocale, { type: 'unit', style: 'short' });
    listFormats.set(i18n.formatLocale, format);
  }
  return format.format(items);
}

const weekdayName = (i18n: Messages, day: WeekdayName): string => i18n.weekday(WEEKDAY_NAMES.indexOf(day) + 1, 'short');

export function UsersPage(props: {
  ctx: PageContext;
  users: (UserView & { disabled: boolean })[];
  role?: string;
  /** The languages a person's pages can be in: each served tag with the language's own name for itself. */
  languages: LanguageChoice[];
}): JSX.Element {
  const { ctx, users } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const column = {
    name: i18n.t('admin.users.column.name'),
    email: i18n.t('admin.users.column.email'),
    role: i18n.t('admin.users.column.role'),
    language: i18n.t('admin.users.column.language'),
    access: i18n.t('admin.users.column.access'),
  };
  return (
    <Layout ctx={ctx} title={i18n.t('admin.users.title')}>
      <h1 safe>{i18n.t('admin.users.title')}</h1>
      <div class="grid two">
        <section aria-label={i18n.t('admin.users.list')}>
          <FilterSelect
            action="/app/admin/users"
            id="role-filter"
            label={i18n.t('admin.users.filter.label')}
            name="role"
            options={[
              ['', i18n.t('admin.users.filter.everyone')],
              ...ROLES.map((role): [string, string] => [role, i18n.t(ROLE_FILTERS[role])]),
            ]}
            selected={props.role}
            i18n={i18n}
          />
          <table class="stack">
            <TableHead columns={[column.name, column.email, column.role, column.language, column.access]} />
            <tbody>
              {users.map((user) => (
                <tr>
                  <td data-label={column.name} safe>
                    {user.displayName}
                  </td>
                  <td data-label={column.email} safe>
                    {user.email}
                  </td>
                  <td data-label={column.role}>
                    <span safe>{roleName(i18n, user.role)}</span>
                    {user.seller ? (
                      <>
                        {' '}
                        <span class="muted" safe>
                          {i18n.t('admin.users.sellerZone', { zone: user.seller.timeZone })}
                        </span>
                      </>
                    ) : (
                      ''
                    )}
                  </td>
                  <td data-label={column.language}>
                    <form method="post" action={`/app/admin/users/${user.id}/locale`} class="inline-form">
                      <Csrf viewer={viewer} />
                      <select name="locale" aria-label={i18n.t('admin.users.languageOf', { name: user.displayName })}>
                        <option value="" selected={!user.localeChosen} safe>
                          {i18n.t('admin.users.languageNotChosen')}
                        </option>
                        {props.languages.map((language) => (
                          <option
                            value={language.tag}
                            lang={language.tag}
                            selected={user.localeChosen && user.locale === language.tag}
                            safe
                          >
                            {language.name}
                          </option>
                        ))}
                      </select>{' '}
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={i18n.t('admin.users.setLanguageOf', { name: user.displayName })}
                        safe
                      >
                        {i18n.t('admin.users.setLanguage')}
                      </button>
                    </form>
                  </td>
                  <td data-label={column.access}>
                    {user.id === viewer.id ? (
                      <span class="muted" safe>
                        {i18n.t('admin.users.you')}
                      </span>
                    ) : (
                      <PostButton
                        viewer={viewer}
                        action={`/app/admin/users/${user.id}/${user.disabled ? 'enable' : 'disable'}`}
                        label={i18n.t(user.disabled ? 'admin.users.enable' : 'admin.users.disable')}
                        look={user.disabled ? 'secondary' : 'danger'}
                        name={i18n.t(user.disabled ? 'admin.users.enableUser' : 'admin.users.disableUser', {
                          name: user.displayName,
                        })}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="card" aria-labelledby="new-user">
          <h2 id="new-user" safe>
            {i18n.t('admin.users.new.title')}
          </h2>
          <form method="post" action="/app/admin/users">
            <Csrf viewer={viewer} />
            <label for="displayName" safe>
              {i18n.t('admin.users.new.name')}
            </label>
            <input id="displayName" name="displayName" type="text" required maxlength="100" />
            <label for="email" safe>
              {i18n.t('admin.users.new.email')}
            </label>
            <input id="email" name="email" type="email" required />
            <label for="password" safe>
              {i18n.t('admin.users.new.password')}
            </label>
            <input id="password" name="password" type="password" required minlength="12" autocomplete="new-password" />
            <label for="role" safe>
              {i18n.t('admin.users.new.role')}
            </label>
            <select id="role" name="role">
              {ROLES.map((role) => (
                <option value={role} safe>
                  {i18n.t(ROLE_NAMES[role])}
                </option>
              ))}
            </select>
            <fieldset>
              <legend safe>{i18n.t('admin.users.new.sellerCalendar')}</legend>
              <label for="timeZone" safe>
                {i18n.t('admin.users.new.timeZone')}
              </label>
              <select id="timeZone" name="timeZone">
                <option value="" safe>
                  {i18n.t('admin.users.new.chooseTimeZone')}
                </option>
                {TIME_ZONE_CHOICES.map((zone) => (
                  <option value={zone} safe>
                    {zone}
                  </option>
                ))}
              </select>
              <label for="country" safe>
                {i18n.t('admin.users.new.country')}
              </label>
              <select id="country" name="country">
                <option value="" safe>
                  {i18n.t('admin.users.new.chooseCountry')}
                </option>
                <option value="none" safe>
                  {i18n.t('admin.users.new.noHolidays')}
                </option>
                {countriesIn(i18n).map((country) => (
                  <option value={country.code} safe>
                    {i18n.t('admin.country', { name: country.name, code: country.code })}
                  </option>
                ))}
              </select>
              <label for="subdivision" safe>
                {i18n.t('admin.users.new.subdivision')}
              </label>
              <input
                id="subdivision"
                name="subdivision"
                type="text"
                placeholder="BY"
                maxlength="10"
                aria-describedby="subdivision-hint"
              />
              <p id="subdivision-hint" class="muted" safe>
                {i18n.t('admin.users.new.subdivisionHint')}
              </p>
            </fieldset>
            <p class="actions">
              <button type="submit" safe>
                {i18n.t('admin.users.new.create')}
              </button>
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
  /** What the deadline skips; a holiday's name is in the reader's language where the data has it. */
  skipped: { from: string; to: string; reason?: ExclusionReason; name?: string }[];
}

const EXCLUSION_REASONS: Record<ExclusionReason, MessageKey> = {
  weekend: 'admin.calendars.reason.weekend',
  holiday: 'admin.calendars.reason.holiday',
  closure: 'admin.calendars.reason.closure',
  outside_hours: 'admin.calendars.reason.outsideHours',
  paused: 'admin.calendars.reason.paused',
};

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
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const key = props.selected;
  const zone = calendar.timeZone;
  const country = countriesIn(i18n).find((choice) => choice.code === calendar.country);
  const countryText = country ? i18n.t('admin.country', { name: country.name, code: country.code }) : calendar.country;
  const holidays = countryText
    ? calendar.subdivision
      ? i18n.t('admin.calendars.holidaysInRegion', { country: countryText, region: calendar.subdivision })
      : countryText
    : i18n.t('admin.calendars.noHolidays');
  const workingDays = listOf(
    i18n,
    calendar.workingDays.map((day) => weekdayName(i18n, day)),
  );
  const hours = calendar.openingHours
    ? (Object.entries(calendar.openingHours) as [WeekdayName, string[] | undefined][]).map(([day, ranges]) =>
        i18n.t('admin.calendars.hoursOfDay', { day: weekdayName(i18n, day), hours: (ranges ?? []).join(' ') }),
      )
    : [i18n.t('admin.calendars.allDay')];
  const at = (instant: string) => i18n.dateTime(instant, zone, { year: false });
  const safePreviewResult = preview
    ? i18n.html(
        'admin.calendars.preview.result',
        {
          start: new Html(
            <time datetime={preview.start} safe>
              {at(preview.start)}
            </time>,
          ),
          deadline: new Html(
            <time datetime={preview.deadline} class="deadline" safe>
              {at(preview.deadline)}
            </time>,
          ),
          zone,
        },
        { muted: (inner) => `<span class="muted">${inner}</span>` },
      )
    : '';
  return (
    <Layout ctx={ctx} title={i18n.t('admin.calendars.title')}>
      <h1 safe>{i18n.t('admin.calendars.title')}</h1>
      <form method="get" action="/app/admin/calendars" class="actions">
        <label for="calendar" class="inline" safe>
          {i18n.t('admin.calendars.choose')}
        </label>
        <select id="calendar" name="calendar">
          <option value="marketplace" selected={key === 'marketplace'} safe>
            {i18n.t('admin.calendars.marketplace')}
          </option>
          {props.sellers.map((seller) => (
            <option value={seller.id} selected={key === seller.id} safe>
              {i18n.t('admin.calendars.seller', { name: seller.displayName })}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary" safe>
          {i18n.t('admin.calendars.open')}
        </button>
      </form>
      <div class="grid halves">
        <section class="card" aria-labelledby="settings">
          <h2 id="settings" safe>
            {i18n.t('admin.calendars.settings', { version: calendar.version })}
          </h2>
          <dl class="facts">
            <dt safe>{i18n.t('admin.calendars.timeZone')}</dt>
            <dd safe>{zone}</dd>
            <dt safe>{i18n.t('admin.calendars.holidays')}</dt>
            <dd safe>{holidays}</dd>
            <dt safe>{i18n.t('admin.calendars.workingDays')}</dt>
            <dd safe>{workingDays}</dd>
            <dt safe>{i18n.t('admin.calendars.hours')}</dt>
            {hours.map((line) => (
              <dd safe>{line}</dd>
            ))}
            <dt safe>{i18n.t('admin.calendars.inForceSince')}</dt>
            <dd>
              <Time at={calendar.effectiveFrom} i18n={i18n} />
            </dd>
          </dl>
          <h2 safe>{i18n.t('admin.calendars.closures')}</h2>
          {calendar.closures.length === 0 ? (
            <p class="muted" safe>
              {i18n.t('admin.calendars.noClosures')}
            </p>
          ) : (
            ''
          )}
          <ul>
            {calendar.closures.map((closure) => (
              <li>
                <span safe>
                  {i18n.t('admin.calendars.closure', {
                    name: closure.name,
                    dates: i18n.dateRange(closure.from, closure.to),
                  })}
                </span>{' '}
                <PostButton
                  viewer={viewer}
                  action={`/app/admin/calendars/${calendar.id}/closures/${closure.id}/remove?calendar=${key}`}
                  label={i18n.t('admin.calendars.removeClosure')}
                  look="link"
                  name={i18n.t('admin.calendars.removeClosureNamed', { name: closure.name })}
                />
              </li>
            ))}
          </ul>
          <form method="post" action={`/app/admin/calendars/${calendar.id}/closures?calendar=${key}`}>
            <Csrf viewer={viewer} />
            <label for="closure-name" safe>
              {i18n.t('admin.calendars.closureName')}
            </label>
            <input
              id="closure-name"
              name="name"
              type="text"
              required
              maxlength="100"
              placeholder={i18n.t('admin.calendars.closureNameExample')}
            />
            <label for="closure-from" safe>
              {i18n.t('admin.calendars.closureFrom')}
            </label>
            <input id="closure-from" name="from" type="date" required />
            <label for="closure-to" safe>
              {i18n.t('admin.calendars.closureTo')}
            </label>
            <input id="closure-to" name="to" type="date" required />
            <p class="actions">
              <button type="submit" safe>
                {i18n.t('admin.calendars.addClosure')}
              </button>
            </p>
          </form>
        </section>
        <section class="card" aria-labelledby="preview">
          <h2 id="preview" safe>
            {i18n.t('admin.calendars.preview.title')}
          </h2>
          <form method="get" action="/app/admin/calendars">
            <input type="hidden" name="calendar" value={key} />
            <label for="start" safe>
              {i18n.t('admin.calendars.preview.start', { zone })}
            </label>
            <input
              id="start"
              name="start"
              type="datetime-local"
              required
              value={preview ? preview.local : props.localNow}
              aria-describedby="start-hint"
            />
            <p id="start-hint" class="muted" safe>
              {i18n.t('admin.calendars.preview.startHint', { zone })}
            </p>
            <label for="days" safe>
              {i18n.t('admin.calendars.preview.days')}
            </label>
            <input id="days" name="days" type="number" min="1" max="30" value={String(preview?.days ?? 2)} />
            <p class="actions">
              <button type="submit" class="secondary" safe>
                {i18n.t('admin.calendars.preview.submit')}
              </button>
            </p>
          </form>
          {preview ? (
            <div>
              <p>{safePreviewResult}</p>
              {preview.skipped.length > 0 && (
                <ul class="segments">
                  {preview.skipped.map((segment) => {
                    const reason = i18n.t(
                      segment.reason ? EXCLUSION_REASONS[segment.reason] : 'admin.calendars.reason.notCounted',
                    );
                    const span = { reason, from: at(segment.from), to: at(segment.to) };
                    return (
                      <li class="skipped" safe>
                        {segment.name
                          ? i18n.t('admin.calendars.preview.skippedNamed', { ...span, name: segment.name })
                          : i18n.t('admin.calendars.preview.skipped', span)}
                      </li>
                    );
                  })}
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

const AUDIENCES: [string, MessageKey][] = [
  ['all', 'admin.broadcasts.audience.all'],
  ['buyers', 'admin.broadcasts.audience.buyers'],
  ['sellers', 'admin.broadcasts.audience.sellers'],
];
const BROADCAST_CATEGORIES: [string, MessageKey][] = [
  ['notices', 'admin.broadcasts.category.notices'],
  ['promotions', 'admin.broadcasts.category.promotions'],
];

/** Who sent a broadcast, by name. */
const senderName = (i18n: Messages, names: Map<string, string>, id: string | null): string =>
  id === null ? i18n.t('admin.broadcasts.unknownSender') : (names.get(id) ?? i18n.t('admin.removedUser'));

export function BroadcastsPage(props: {
  ctx: PageContext;
  /** A page of the history, with the pages either side: broadcasts numbered above `newerThan`, below `olderThan`. */
  history: BroadcastHistoryPage;
  names: Map<string, string>;
  draft?: BroadcastDraft;
}): JSX.Element {
  const { i18n } = props.ctx;
  const viewer = props.ctx.viewer!;
  const draft = props.draft;
  const column = {
    sent: i18n.t('admin.broadcasts.column.sent'),
    by: i18n.t('admin.broadcasts.column.by'),
    subject: i18n.t('admin.broadcasts.column.subject'),
    audience: i18n.t('admin.broadcasts.column.audience'),
    delivered: i18n.t('admin.broadcasts.column.delivered'),
  };
  return (
    <Layout ctx={props.ctx} title={i18n.t('admin.broadcasts.title')}>
      <h1 safe>{i18n.t('admin.broadcasts.title')}</h1>
      <form method="post" action="/app/admin/broadcasts" class="card">
        <Csrf viewer={viewer} />
        <p safe>{i18n.t('admin.broadcasts.intro')}</p>
        <label for="category" safe>
          {i18n.t('admin.broadcasts.categoryLabel')}
        </label>
        <select id="category" name="category">
          {BROADCAST_CATEGORIES.map(([value, text]) => (
            <option value={value} selected={draft?.category === value} safe>
              {i18n.t(text)}
            </option>
          ))}
        </select>
        <label for="audience" safe>
          {i18n.t('admin.broadcasts.audienceLabel')}
        </label>
        <select id="audience" name="audience">
          {AUDIENCES.map(([value, text]) => (
            <option value={value} selected={draft?.audience === value} safe>
              {i18n.t(text)}
            </option>
          ))}
        </select>
        <label for="subject" safe>
          {i18n.t('admin.broadcasts.subject')}
        </label>
        <input id="subject" name="subject" type="text" required maxlength="200" value={draft?.subject ?? ''} />
        <label for="body" safe>
          {i18n.t('admin.broadcasts.body')}
        </label>
        <textarea id="body" name="body" required maxlength="20000" safe>
          {draft?.body ?? ''}
        </textarea>
        <p class="actions">
          <button type="submit" safe>
            {i18n.t('admin.broadcasts.preview')}
          </button>
        </p>
      </form>
      <section aria-labelledby="history">
        <h2 id="history" safe>
          {i18n.t('admin.broadcasts.history.title')}
        </h2>
        {props.history.items.length === 0 ? (
          <p class="muted" safe>
            {i18n.t('admin.broadcasts.history.none')}
          </p>
        ) : (
          ''
        )}
        {props.history.items.length > 0 && (
          <table class="stack broadcast-history">
            <TableHead columns={[column.sent, column.by, column.subject, column.audience, column.delivered]} />
            <tbody>
              {props.history.items.map((sent) => (
                <tr>
                  <td data-label={column.sent}>
                    <Time at={sent.sentAt} i18n={i18n} />
                  </td>
                  <td data-label={column.by} safe>
                    {senderName(i18n, props.names, sent.sentBy)}
                  </td>
                  <td data-label={column.subject}>
                    <span safe>{sent.subject}</span>{' '}
                    <span class="muted" safe>
                      {i18n.t(
                        sent.category === 'notices'
                          ? 'admin.broadcasts.history.notice'
                          : 'admin.broadcasts.history.promotion',
                      )}
                    </span>
                  </td>
                  <td data-label={column.audience} safe>
                    {i18n.t('admin.broadcasts.history.audience', {
                      audience: sent.audience,
                      recipients: sent.recipients,
                    })}
                  </td>
                  <td data-label={column.delivered} safe>
                    {i18n.t('admin.broadcasts.history.delivered', {
                      delivered: sent.delivered,
                      recipients: sent.recipients,
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {props.history.items.length > 0 && (
          <p class="muted" safe>
            {i18n.t('admin.broadcasts.history.note')}
          </p>
        )}
        <Pager
          base="/app/admin/broadcasts"
          label={i18n.t('admin.broadcasts.history.pages')}
          previous={{ param: 'after', cursor: props.history.newerThan }}
          next={{ param: 'before', cursor: props.history.olderThan }}
          i18n={i18n}
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
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const safeFrom = i18n.html(
    'admin.broadcastPreview.from',
    { badge: new Html(<VerifiedBadge i18n={i18n} />), time: new Html(<Time at={ctx.now} i18n={i18n} />) },
    { strong: (inner) => `<strong>${inner}</strong>` },
  );
  return (
    <Layout ctx={ctx} title={i18n.t('admin.broadcastPreview.title')}>
      <h1 safe>{i18n.t('admin.broadcastPreview.title')}</h1>
      <p safe>{i18n.t('admin.broadcastPreview.intro')}</p>
      <article class="card broadcast-preview" aria-label={i18n.t('admin.broadcastPreview.article')}>
        <h2 dir="auto" safe>
          {draft.subject}
        </h2>
        <p class="from">{safeFrom}</p>
        <p class="body" dir="auto" safe>
          {draft.body}
        </p>
      </article>
      <p safe>
        {recipients === 0
          ? i18n.t('admin.broadcastPreview.nobody', { audience: draft.audience })
          : i18n.t('admin.broadcastPreview.reach', {
              audience: draft.audience,
              recipients,
              emails,
              category: draft.category,
            })}
      </p>
      <div class="actions">
        {recipients > 0 && (
          <form method="post" action="/app/admin/broadcasts/send" class="inline-form">
            <Csrf viewer={viewer} />
            <DraftFields draft={draft} />
            <button type="submit" safe>
              {i18n.t('admin.broadcastPreview.send', { recipients })}
            </button>
          </form>
        )}
        <form method="post" action="/app/admin/broadcasts/edit" class="inline-form">
          <Csrf viewer={viewer} />
          <DraftFields draft={draft} />
          <button type="submit" class="secondary" safe>
            {i18n.t('admin.broadcastPreview.change')}
          </button>
        </form>
      </div>
    </Layout>
  );
}

const EMAIL_KINDS: Record<NoticeKind, MessageKey> = {
  case_opened: 'admin.deliveries.kind.caseOpened',
  new_message: 'admin.deliveries.kind.newMessage',
  support_message: 'admin.deliveries.kind.supportMessage',
  reply_window_at_risk: 'admin.deliveries.kind.replyWindowAtRisk',
  reply_window_late: 'admin.deliveries.kind.replyWindowLate',
  case_escalated: 'admin.deliveries.kind.caseEscalated',
  escalation_resolved: 'admin.deliveries.kind.escalationResolved',
  escalation_assigned: 'admin.deliveries.kind.escalationAssigned',
  order_event: 'admin.deliveries.kind.orderEvent',
  claim_filed: 'admin.deliveries.kind.claimFiled',
  claim_message: 'admin.deliveries.kind.claimMessage',
  claim_info_requested: 'admin.deliveries.kind.claimInfoRequested',
  claim_no_seller_response: 'admin.deliveries.kind.claimNoSellerResponse',
  claim_decided: 'admin.deliveries.kind.claimDecided',
  claim_appealed: 'admin.deliveries.kind.claimAppealed',
  claim_appeal_decided: 'admin.deliveries.kind.claimAppealDecided',
  claim_refunded_by_seller: 'admin.deliveries.kind.claimRefundedBySeller',
  claim_withdrawn: 'admin.deliveries.kind.claimWithdrawn',
  broadcast: 'admin.deliveries.kind.broadcast',
};

/** An email's kind in words, or the kind itself for one this list does not know. */
const emailKind = (i18n: Messages, kind: string): string => i18n.nameOf(EMAIL_KINDS, kind);

export function DeliveriesPage(props: {
  ctx: PageContext;
  emails: OutboxItemView[];
  webhooks: { endpoint: WebhookView; failed: DeliveryView[] }[];
}): JSX.Element {
  const { i18n } = props.ctx;
  const viewer = props.ctx.viewer!;
  const retry = i18n.t('admin.deliveries.retry');
  return (
    <Layout ctx={props.ctx} title={i18n.t('admin.deliveries.title')}>
      <h1 safe>{i18n.t('admin.deliveries.heading')}</h1>
      <h2 safe>{i18n.t('admin.deliveries.emails')}</h2>
      {props.emails.length === 0 ? (
        <p class="muted" safe>
          {i18n.t('admin.deliveries.noEmails')}
        </p>
      ) : (
        ''
      )}
      <ul>
        {props.emails.map((email) => (
          <li>
            <span safe>
              {i18n.t('admin.deliveries.email', {
                kind: emailKind(i18n, email.kind),
                attempts: email.attempts,
                error: email.lastError ?? '',
              })}
            </span>{' '}
            <Time at={email.createdAt} i18n={i18n} />{' '}
            <PostButton viewer={viewer} action={`/app/admin/outbox/${email.id}/retry`} label={retry} look="link" />
          </li>
        ))}
      </ul>
      <h2 safe>{i18n.t('admin.deliveries.webhooks')}</h2>
      {props.webhooks.length === 0 ? (
        <p class="muted" safe>
          {i18n.t('admin.deliveries.noEndpoints')}
        </p>
      ) : (
        ''
      )}
      {props.webhooks.map(({ endpoint, failed }) => (
        <section class="card">
          <h3 safe>{endpoint.url}</h3>
          <p class="muted" safe>
            {endpoint.events.join(', ')}
          </p>
          {failed.length === 0 ? (
            <p class="muted" safe>
              {i18n.t('admin.deliveries.noFailedDeliveries')}
            </p>
          ) : (
            ''
          )}
          <ul>
            {failed.map((delivery) => (
              <li>
                <span safe>
                  {i18n.t('admin.deliveries.webhook', {
                    type: delivery.type,
                    attempts: delivery.attempts,
                    status: delivery.lastStatusCode === null ? '' : String(delivery.lastStatusCode),
                    error: delivery.lastError ?? '',
                  })}
                </span>{' '}
                <PostButton
                  viewer={viewer}
                  action={`/app/admin/webhooks/deliveries/${delivery.id}/retry`}
                  label={retry}
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

type AuditAction = keyof typeof AUDIT_ACTIONS;
type AuditSubjectType = keyof typeof AUDIT_SUBJECT_TYPES;

const AUDIT_ACTION_NAMES: Record<AuditAction, MessageKey> = {
  'user.created': 'admin.audit.action.userCreated',
  'user.updated': 'admin.audit.action.userUpdated',
  'user.disabled': 'admin.audit.action.userDisabled',
  'user.enabled': 'admin.audit.action.userEnabled',
  'user.profile_changed': 'admin.audit.action.userProfileChanged',
  'user.locale_set': 'admin.audit.action.userLocaleSet',
  'calendar.settings_changed': 'admin.audit.action.calendarSettingsChanged',
  'calendar.closure_added': 'admin.audit.action.calendarClosureAdded',
  'calendar.closure_removed': 'admin.audit.action.calendarClosureRemoved',
  'calendar.rebased': 'admin.audit.action.calendarRebased',
  'broadcast.sent': 'admin.audit.action.broadcastSent',
  'claim.filed_for_buyer': 'admin.audit.action.claimFiledForBuyer',
  'claim.info_requested': 'admin.audit.action.claimInfoRequested',
  'claim.decided': 'admin.audit.action.claimDecided',
  'claim.appeal_decided': 'admin.audit.action.claimAppealDecided',
  'escalation.assigned': 'admin.audit.action.escalationAssigned',
  'escalation.reassigned': 'admin.audit.action.escalationReassigned',
  'escalation.waiting': 'admin.audit.action.escalationWaiting',
  'escalation.resumed': 'admin.audit.action.escalationResumed',
  'escalation.resolved': 'admin.audit.action.escalationResolved',
  'report.confirmed': 'admin.audit.action.reportConfirmed',
  'report.dismissed': 'admin.audit.action.reportDismissed',
  'webhook.registered': 'admin.audit.action.webhookRegistered',
  'webhook.deleted': 'admin.audit.action.webhookDeleted',
  'webhook.delivery_retried': 'admin.audit.action.webhookDeliveryRetried',
  'clock.advanced': 'admin.audit.action.clockAdvanced',
  'api_key.created': 'admin.audit.action.apiKeyCreated',
  'api_key.revoked': 'admin.audit.action.apiKeyRevoked',
};

const AUDIT_SUBJECT_NAMES: Record<AuditSubjectType, MessageKey> = {
  user: 'admin.audit.subject.user',
  calendar: 'admin.audit.subject.calendar',
  broadcast: 'admin.audit.subject.broadcast',
  claim: 'admin.audit.subject.claim',
  escalation: 'admin.audit.subject.escalation',
  report: 'admin.audit.subject.report',
  webhook: 'admin.audit.subject.webhook',
  webhook_delivery: 'admin.audit.subject.webhookDelivery',
  clock: 'admin.audit.subject.clock',
  api_key: 'admin.audit.subject.apiKey',
};

/** An action's words, or the action itself for one this list does not know (recorded by a newer version). */
const actionName = (i18n: Messages, action: string): string => i18n.nameOf(AUDIT_ACTION_NAMES, action);

const subjectTypeName = (i18n: Messages, type: string): string => i18n.nameOf(AUDIT_SUBJECT_NAMES, type);

export function AuditPage(props: {
  ctx: PageContext;
  page: AuditBrowseView;
  filters: AuditFilters;
  /** Who can be chosen: the users with entries in the log, by name. */
  actors: { id: string; name: string }[];
}): JSX.Element {
  const { ctx, page, filters } = props;
  const { i18n } = ctx;
  const actions = Object.keys(AUDIT_ACTION_NAMES).map((action): [string, string] => [action, actionName(i18n, action)]);
  if (filters.action && !Object.hasOwn(AUDIT_ACTION_NAMES, filters.action))
    actions.push([filters.action, filters.action]);
  const column = {
    when: i18n.t('admin.audit.column.when'),
    who: i18n.t('admin.audit.column.who'),
    action: i18n.t('admin.audit.column.action'),
    subject: i18n.t('admin.audit.column.subject'),
  };
  return (
    <Layout ctx={ctx} title={i18n.t('admin.audit.title')}>
      <h1 safe>{i18n.t('admin.audit.title')}</h1>
      <form method="get" action="/app/admin/audit" class="card audit-filters">
        <div>
          <label for="audit-action" safe>
            {i18n.t('admin.audit.filter.action')}
          </label>
          <select id="audit-action" name="action">
            <option value="" safe>
              {i18n.t('admin.audit.filter.anyAction')}
            </option>
            {actions.map(([value, text]) => (
              <option value={value} selected={filters.action === value} safe>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-kind" safe>
            {i18n.t('admin.audit.filter.subjectType')}
          </label>
          <select id="audit-kind" name="subjectType">
            <option value="" safe>
              {i18n.t('admin.audit.filter.anything')}
            </option>
            {(Object.keys(AUDIT_SUBJECT_NAMES) as AuditSubjectType[]).map((value) => (
              <option value={value} selected={filters.subjectType === value} safe>
                {i18n.t(AUDIT_SUBJECT_NAMES[value])}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-actor" safe>
            {i18n.t('admin.audit.filter.actor')}
          </label>
          <select id="audit-actor" name="actorId">
            <option value="" safe>
              {i18n.t('admin.audit.filter.anyone')}
            </option>
            {props.actors.map((actor) => (
              <option value={actor.id} selected={filters.actorId === actor.id} safe>
                {actor.name}
              </option>
            ))}
          </select>
        </div>
        <p class="actions">
          <button type="submit" class="secondary" safe>
            {i18n.t('admin.audit.filter.submit')}
          </button>
          {(!!filters.action || !!filters.subjectType || !!filters.actorId) && (
            <a href="/app/admin/audit" safe>
              {i18n.t('admin.audit.filter.clear')}
            </a>
          )}
        </p>
      </form>
      {page.items.length === 0 ? (
        <p class="muted" safe>
          {i18n.t('admin.audit.none')}
        </p>
      ) : (
        ''
      )}
      {page.items.length > 0 && (
        <table class="stack">
          <TableHead columns={[column.when, column.who, column.action, column.subject]} />
          <tbody>
            {page.items.map((entry) => (
              <tr>
                <td data-label={column.when}>
                  <Time at={entry.at} i18n={i18n} />
                </td>
                <td data-label={column.who}>
                  {entry.actorKeyId !== null ? (
                    <>
                      <span safe>{i18n.t('admin.audit.apiKey')}</span>
                      <br />
                      <span class="muted audit-id" safe>
                        {entry.actorKeyId}
                      </span>
                    </>
                  ) : entry.actorId === null ? (
                    <span safe>{i18n.t('admin.audit.system')}</span>
                  ) : (
                    <>
                      <span safe>{entry.actorName ?? i18n.t('admin.removedUser')}</span>{' '}
                      <span class="muted" safe>
                        {i18n.t('admin.audit.actorRole', { role: roleName(i18n, entry.actorRole) })}
                      </span>
                      <br />
                      <span class="muted audit-id" safe>
                        {entry.actorId}
                      </span>
                    </>
                  )}
                </td>
                <td data-label={column.action}>
                  <span safe>{actionName(i18n, entry.action)}</span>
                  <br />
                  <code class="muted audit-id" safe>
                    {entry.action}
                  </code>
                </td>
                <td data-label={column.subject}>
                  <span safe>
                    {entry.subjectName
                      ? i18n.t('admin.audit.subjectNamed', {
                          type: subjectTypeName(i18n, entry.subjectType),
                          name: entry.subjectName.marketplace
                            ? i18n.t('admin.audit.subjectMarketplace')
                            : entry.subjectName.orderRef !== undefined
                              ? i18n.t('admin.audit.subjectOrder', { ref: entry.subjectName.orderRef })
                              : entry.subjectName.name,
                        })
                      : subjectTypeName(i18n, entry.subjectType)}
                  </span>
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
        label={i18n.t('admin.audit.pages')}
        params={{ ...filters }}
        previous={{ param: 'newer', cursor: page.previousCursor }}
        next={{ param: 'cursor', cursor: page.nextCursor }}
        i18n={i18n}
      />
    </Layout>
  );
}

/** How far the clock can be moved at once: the button's words (a count of a unit) and the seconds. */
const STEPS: { words: MessageKey; count: number; seconds: number }[] = [
  { words: 'admin.clock.advanceHours', count: 1, seconds: 3600 },
  { words: 'admin.clock.advanceDays', count: 1, seconds: 86_400 },
  { words: 'admin.clock.advanceDays', count: 2, seconds: 2 * 86_400 },
  { words: 'admin.clock.advanceWeeks', count: 1, seconds: 7 * 86_400 },
];

export function ClockPage(props: { ctx: PageContext }): JSX.Element {
  const { i18n } = props.ctx;
  const viewer = props.ctx.viewer!;
  const safeNow = i18n.html('admin.clock.now', { time: new Html(<Time at={props.ctx.now} i18n={i18n} />) });
  return (
    <Layout ctx={props.ctx} title={i18n.t('admin.clock.title')}>
      <h1 safe>{i18n.t('admin.clock.heading')}</h1>
      <p>{safeNow}</p>
      <div class="actions">
        {STEPS.map((step) => (
          <PostButton
            viewer={viewer}
            action="/app/admin/clock/advance"
            label={i18n.t(step.words, { count: step.count })}
            fields={{ seconds: String(step.seconds) }}
          />
        ))}
      </div>
    </Layout>
  );
}
