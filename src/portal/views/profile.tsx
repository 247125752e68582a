import { TIME_ZONE_CHOICES } from '../../calendar/region-choices.js';
import type { UserView } from '../../users/users.dto.js';
import { Csrf, formatIn, Layout } from './layout.js';
import type { PageContext } from './layout.js';

const WEEKDAYS: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

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

export function ProfilePage(props: { ctx: PageContext; user: UserView }): JSX.Element {
  const { ctx, user } = props;
  const viewer = ctx.viewer!;
  const calendar = user.seller;
  return (
    <Layout ctx={ctx} title="Your profile">
      <h1>Your profile</h1>
      <p>
        <a href="/app/settings">← Settings</a>
      </p>
      <section class="card" aria-labelledby="profile-facts">
        <h2 id="profile-facts">About you</h2>
        <dl class="facts profile-facts">
          <dt>Name</dt>
          <dd safe>{user.displayName}</dd>
          <dt>Email</dt>
          <dd safe>{user.email}</dd>
          <dt>Time zone</dt>
          <dd>
            {user.timeZone ? (
              <ZoneName zone={user.timeZone} />
            ) : (
              'Not chosen: times are shown in your browser’s time zone'
            )}
          </dd>
        </dl>
        <p class="muted">
          You sign in with your email address; it cannot be changed here. Ask the marketplace’s support to change it.
        </p>
      </section>
      <form method="post" action="/app/profile" class="card">
        <Csrf viewer={viewer} />
        <h2>Change your name or time zone</h2>
        <label for="profile-name">Display name</label>
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
        <p id="profile-name-hint" class="muted">
          Shown to the people you write to. It may not pass for the marketplace or its staff.
        </p>
        <label for="profile-zone">Time zone</label>
        <select id="profile-zone" name="timeZone" aria-describedby="profile-zone-hint">
          <option value="" selected={!user.timeZone}>
            Not chosen (your browser’s time zone)
          </option>
          {timeZoneChoices(user.timeZone).map((zone) => (
            <option value={zone} selected={zone === user.timeZone} safe>
              {zone}
            </option>
          ))}
        </select>
        <p id="profile-zone-hint" class="muted">
          The zone to show you dates and times in, by its IANA name (a region and a city, such as Europe/Berlin).
        </p>
        <p class="actions">
          <button type="submit">Save profile</button>
        </p>
      </form>
      {calendar ? (
        <section class="card" aria-labelledby="profile-calendar">
          <h2 id="profile-calendar">Your business calendar</h2>
          <p>
            Reply deadlines are counted in business hours on this calendar, in its own time zone, whatever time zone you
            choose above. The marketplace’s admins manage it: ask them to change it.
          </p>
          <dl class="facts profile-facts">
            <dt>Time zone</dt>
            <dd>
              <ZoneName zone={calendar.timeZone} />
            </dd>
            <dt>Time there now</dt>
            <dd safe>{formatIn(ctx.now, calendar.timeZone)}</dd>
            <dt>Working days</dt>
            <dd safe>{calendar.workingDays.map((day) => WEEKDAYS[day] ?? day).join(', ')}</dd>
            <dt>Public holidays</dt>
            <dd safe>
              {calendar.country === 'none'
                ? 'None'
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
