import { WEEKDAY_NAMES } from '../../calendar/business-calendar.js';
import { TIME_ZONE_CHOICES } from '../../calendar/region-choices.js';
import type { LanguageChoice } from '../../i18n/i18n.service.js';
import type { UserView } from '../../users/users.dto.js';
import { Csrf, Layout } from './layout.js';
import type { PageContext } from './layout.js';
import { listText } from './settings.js';

/** The zones a person may choose (the admin forms' list, which `PUT /me` takes), with the current one when it is an alias the list does not name, so it is always there to be selected. */
export function timeZoneChoices(current: string | undefined): readonly string[] {
  return current && !TIME_ZONE_CHOICES.includes(current) ? [current, ...TIME_ZONE_CHOICES] : TIME_ZONE_CHOICES;
}

/** A zone's name with a line-break opportunity after each slash, so `America/Los_Angeles` wraps whole on a phone. */
function ZoneName(props: { zone: string }): JSX.Element {
  return (
    <>
      {props.zone.split('/').map((part, i) => (
        <>
          {i > 0 ? (
            <>
              /<wbr />
            </>
          ) : (
            ''
          )}
          <span safe>{part}</span>
        </>
      ))}
    </>
  );
}

export function ProfilePage(props: { ctx: PageContext; user: UserView; languages: LanguageChoice[] }): JSX.Element {
  const { ctx, user, languages } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const calendar = user.seller;
  const chosen = user.localeChosen ? languages.find((language) => language.tag === user.locale) : undefined;
  return (
    <Layout ctx={ctx} title={i18n.t('account.profile.title')}>
      <h1 safe>{i18n.t('account.profile.title')}</h1>
      <p>
        <a href="/app/settings" safe>
          {i18n.t('account.profile.back')}
        </a>
      </p>
      <section class="card" aria-labelledby="profile-facts">
        <h2 id="profile-facts" safe>
          {i18n.t('account.profile.about')}
        </h2>
        <dl class="facts profile-facts">
          <dt safe>{i18n.t('account.profile.name')}</dt>
          <dd safe>{user.displayName}</dd>
          <dt safe>{i18n.t('form.field.email')}</dt>
          <dd safe>{user.email}</dd>
          <dt safe>{i18n.t('form.field.timeZone')}</dt>
          <dd>
            {user.timeZone ? (
              <ZoneName zone={user.timeZone} />
            ) : (
              <span safe>{i18n.t('account.profile.timeZoneNotChosen')}</span>
            )}
          </dd>
          <dt safe>{i18n.t('form.field.locale')}</dt>
          {chosen ? (
            <dd lang={chosen.tag} safe>
              {chosen.name}
            </dd>
          ) : (
            <dd safe>{i18n.t('account.profile.languageNotChosen')}</dd>
          )}
        </dl>
        <p class="muted" safe>
          {i18n.t('account.profile.emailFixed')}
        </p>
      </section>
      <form method="post" action="/app/profile" class="card">
        <Csrf viewer={viewer} />
        <h2 safe>{i18n.t('account.profile.change')}</h2>
        <label for="profile-name" safe>
          {i18n.t('form.field.displayName')}
        </label>
        <input
          id="profile-name"
          name="displayName"
          type="text"
          value={user.displayName}
          required
          maxlength="100"
          autocomplete="name"
          aria-describedby="profile-name-hint"
        />
        <p id="profile-name-hint" class="muted" safe>
          {i18n.t('account.profile.nameHint')}
        </p>
        <label for="profile-zone" safe>
          {i18n.t('form.field.timeZone')}
        </label>
        <select id="profile-zone" name="timeZone" aria-describedby="profile-zone-hint">
          <option value="" selected={!user.timeZone} safe>
            {i18n.t('account.profile.timeZoneBrowser')}
          </option>
          {timeZoneChoices(user.timeZone).map((zone) => (
            <option value={zone} selected={zone === user.timeZone} safe>
              {zone}
            </option>
          ))}
        </select>
        <p id="profile-zone-hint" class="muted" safe>
          {i18n.t('account.profile.timeZoneHint')}
        </p>
        <label for="profile-language" safe>
          {i18n.t('form.field.locale')}
        </label>
        <select id="profile-language" name="locale" aria-describedby="profile-language-hint">
          <option value="" selected={!chosen} safe>
            {i18n.t('account.profile.languageBrowser')}
          </option>
          {languages.map((language) => (
            <option value={language.tag} lang={language.tag} selected={language === chosen} safe>
              {language.name}
            </option>
          ))}
        </select>
        <p id="profile-language-hint" class="muted" safe>
          {i18n.t('account.profile.languageHint')}
        </p>
        <p class="actions">
          <button type="submit" safe>
            {i18n.t('account.profile.save')}
          </button>
        </p>
      </form>
      {calendar ? (
        <section class="card" aria-labelledby="profile-calendar">
          <h2 id="profile-calendar" safe>
            {i18n.t('account.profile.calendar.title')}
          </h2>
          <p safe>{i18n.t('account.profile.calendar.intro')}</p>
          <dl class="facts profile-facts">
            <dt safe>{i18n.t('form.field.timeZone')}</dt>
            <dd>
              <ZoneName zone={calendar.timeZone} />
            </dd>
            <dt safe>{i18n.t('account.profile.calendar.timeThere')}</dt>
            <dd safe>{i18n.dateTime(ctx.now, calendar.timeZone, { year: false })}</dd>
            <dt safe>{i18n.t('account.profile.calendar.workingDays')}</dt>
            <dd safe>
              {listText(
                i18n,
                calendar.workingDays.map((day) => i18n.weekday(WEEKDAY_NAMES.indexOf(day) + 1)),
              )}
            </dd>
            <dt safe>{i18n.t('account.profile.calendar.holidays')}</dt>
            <dd safe>
              {calendar.country === 'none'
                ? i18n.t('account.profile.calendar.noHolidays')
                : calendar.subdivision
                  ? `${calendar.country}-${calendar.subdivision}`
                  : calendar.country}
            </dd>
          </dl>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}
