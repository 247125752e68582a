import type { EmailPreferencesView } from '../../notifications/notifications.dto.js';
import type { Category } from '../../notifications/categories.js';
import type {
  PerformanceView,
  ResponseBucketView,
  StandingMetric,
  StandingReasonView,
} from '../../sellers/sellers.dto.js';
import { CATEGORY_NAMES, categoriesFor } from './inbox.js';
import { Csrf, Layout, StateBadge, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';

type Role = Viewer['role'];

/**
 * What each category brings, in one sentence for the reader's role: what
 * lands in it (NOTICE_CATEGORIES in src/notifications/categories.ts, and
 * broadcasts in the category their sender chose).
 */
export function categoryDescription(category: Category, role: Role): string {
  switch (category) {
    case 'order_updates':
      return role === 'buyer'
        ? 'Your orders’ progress: shipped, delivered, return received and refunded.'
        : 'Announcements the marketplace sends about orders.';
    case 'seller_messages':
      return role === 'buyer'
        ? 'Messages from sellers in your conversations with them.'
        : 'Announcements the marketplace sends about conversations with sellers.';
    case 'buyer_messages':
      return role === 'seller'
        ? 'New cases buyers open with you and their messages in them.'
        : 'Announcements the marketplace sends about conversations with buyers.';
    case 'customer_service':
      return role === 'agent'
        ? 'Escalations and reports assigned to you.'
        : role === 'admin'
          ? 'Messages from customer service and announcements about support.'
          : 'Customer service’s messages, every step of a claim, and cases escalated to support or back from it.';
    case 'promotions':
      return 'Offers and news the marketplace sends to many people at once; never about your own orders or cases.';
    case 'notices':
      return role === 'seller'
        ? 'Warnings that a reply deadline is close or has passed (which counts against your performance), and marketplace announcements such as policy changes.'
        : 'Marketplace announcements such as policy changes and service news.';
  }
}

export function SettingsPage(props: { ctx: PageContext; preferences: EmailPreferencesView }): JSX.Element {
  const { ctx, preferences } = props;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title="Settings">
      <h1>Settings</h1>
      <section class="card" aria-labelledby="settings-profile">
        <h2 id="settings-profile">Your profile</h2>
        <p>Your name, email address and time zone.</p>
        <p>
          <a href="/app/profile">View or change your profile</a>
        </p>
      </section>
      <form method="post" action="/app/settings/email" class="card">
        <Csrf viewer={viewer} />
        <fieldset>
          <legend>Email me about</legend>
          {categoriesFor(viewer.role).map((category: Category) => {
            const preference = preferences.categories[category];
            return (
              <div class="email-category" data-category={category}>
                <label class="inline">
                  <input
                    type="checkbox"
                    name="email"
                    value={category}
                    checked={preference?.email ?? true}
                    disabled={preference?.locked ?? false}
                    aria-describedby={`category-${category}`}
                  />{' '}
                  <span safe>{CATEGORY_NAMES[category]}</span>
                  {preference?.locked ? <span class="muted"> (always sent)</span> : ''}
                </label>
                <p id={`category-${category}`} class="muted" safe>
                  {categoryDescription(category, viewer.role)}
                </p>
              </div>
            );
          })}
        </fieldset>
        <p class="actions">
          <button type="submit">Save email settings</button>
        </p>
      </form>
      <form method="post" action="/app/settings/password" class="card" hx-boost="false">
        <Csrf viewer={viewer} />
        <h2>Change your password</h2>
        <label for="current">Current password</label>
        <input id="current" name="currentPassword" type="password" autocomplete="current-password" required />
        <label for="new">New password</label>
        <input id="new" name="newPassword" type="password" autocomplete="new-password" required minlength="12" />
        <p class="actions">
          <button type="submit">Change password</button>
        </p>
      </form>
      <form method="post" action="/app/logout-all" class="card" hx-boost="false">
        <Csrf viewer={viewer} />
        <h2>Sign out everywhere</h2>
        <p>
          Ends every session of your account: in this browser, in every other browser and device, and in apps signed in
          as you. You will need to sign in again.
        </p>
        <p class="actions">
          <button type="submit">Sign out everywhere</button>
        </p>
      </form>
    </Layout>
  );
}

const hoursText = (hours: number | null): string => (hours === null ? '—' : `${hours} h`);

const percent = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`);

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The chart's coordinate system: it is drawn in these units and scaled to its card's width (`width="100%"`). */
const CHART_WIDTH = 320;

/** A horizontal bar per row against a dashed threshold line; the numbers are in the text too, so the chart is never the only way to read them. */
function RateChart(props: {
  title: string;
  rows: { label: string; value: number | null }[];
  threshold: number;
  higherIsBetter: boolean;
}): JSX.Element {
  const left = 64;
  const right = 48;
  const bar = 22;
  const gap = 10;
  const height = props.rows.length * (bar + gap) + 22;
  const x = (rate: number) => left + Math.min(1, Math.max(0, rate)) * (CHART_WIDTH - left - right);
  const thresholdX = x(props.threshold);
  return (
    <svg
      class="chart perf-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      role="img"
      aria-label={props.title}
    >
      <title
        safe
      >{`${props.title}: ${props.rows.map((row) => `${row.label} ${percent(row.value)}`).join(', ')}`}</title>
      {props.rows.map((row, i) => (
        <g>
          <text x="0" y={String(i * (bar + gap) + 16)} safe>
            {row.label}
          </text>
          <rect
            class="bar"
            x={String(left)}
            y={String(i * (bar + gap))}
            width={String(row.value === null ? 0 : x(row.value) - left)}
            height={String(bar)}
          />
          <text x={String((row.value === null ? left : x(row.value)) + 4)} y={String(i * (bar + gap) + 16)} safe>
            {percent(row.value)}
          </text>
        </g>
      ))}
      <line class="threshold" x1={String(thresholdX)} x2={String(thresholdX)} y1="0" y2={String(height - 18)} />
      <text
        x={String(thresholdX)}
        y={String(height - 4)}
        text-anchor={thresholdX > CHART_WIDTH / 2 ? 'end' : 'start'}
        safe
      >
        {`${props.higherIsBetter ? 'at least' : 'below'} ${percent(props.threshold)}`}
      </text>
    </svg>
  );
}

/** Vertical bars: how many replies took how long, in business hours; each bar is labelled with its count. */
function DistributionChart(props: { buckets: ResponseBucketView[]; days: number }): JSX.Element {
  const height = 172;
  const base = 140;
  const slot = CHART_WIDTH / props.buckets.length;
  const most = Math.max(1, ...props.buckets.map((bucket) => bucket.replies));
  const label = (bucket: ResponseBucketView) =>
    bucket.toHours === null ? `${bucket.fromHours}+ h` : `${bucket.fromHours}–${bucket.toHours}`;
  return (
    <svg
      class="chart perf-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      role="img"
      aria-label={`Replies by business hours taken, last ${props.days} days`}
    >
      <title
        safe
      >{`Replies by business hours taken, last ${props.days} days: ${props.buckets.map((bucket) => `${label(bucket)}${bucket.toHours === null ? '' : ' h'}: ${bucket.replies}`).join(', ')}`}</title>
      {props.buckets.map((bucket, i) => {
        const tall = Math.round((bucket.replies / most) * (base - 24));
        const middle = String(i * slot + slot / 2);
        return (
          <g>
            <rect
              class="bar"
              x={String(i * slot + 6)}
              y={String(base - tall)}
              width={String(slot - 12)}
              height={String(tall)}
            />
            <text x={middle} y={String(base - tall - 4)} text-anchor="middle" safe>
              {String(bucket.replies)}
            </text>
            <text x={middle} y={String(base + 16)} text-anchor="middle" safe>
              {label(bucket)}
            </text>
          </g>
        );
      })}
      <text x={String(CHART_WIDTH / 2)} y={String(height - 2)} text-anchor="middle">
        business hours to the reply
      </text>
    </svg>
  );
}

const REASONS: Record<StandingMetric, (reason: StandingReasonView) => string> = {
  onTimeReplyRate: (r) =>
    `${percent(r.value)} of your reply windows in the last ${r.days} days were answered on time; at least ${percent(r.threshold)} are needed.`,
  claimRate: (r) =>
    `Claims against you came to ${percent(r.value)} of your orders in the last ${r.days} days; it must stay below ${percent(r.threshold)}.`,
  orderDefectRate: (r) =>
    `${percent(r.value)} of your orders in the last ${r.days} days had a claim; it must stay below ${percent(r.threshold)}.`,
  responseWithin24hRate: (r) =>
    `${percent(r.value)} of buyer messages in the last ${r.days} days were answered within 24 hours; at least ${percent(r.threshold)} are needed.`,
};

/** What a standing means, what sets it now and what moves it: from the view's thresholds and reasons, so the page decides nothing. */
function StandingExplanation(props: { performance: PerformanceView }): JSX.Element {
  const { performance } = props;
  const { thresholds, claims } = performance;
  const days = performance.standingWindowDays;
  return (
    <section class="card" aria-labelledby="standing">
      <h2 id="standing">
        Your standing: <StateBadge state={performance.standing} />
      </h2>
      {performance.standingReasons.length > 0 ? (
        <ul>
          {performance.standingReasons.map((reason) => (
            <li safe>{REASONS[reason.metric](reason)}</li>
          ))}
        </ul>
      ) : (
        <p>Every figure your standing is judged on meets its threshold.</p>
      )}
      <h3>What the levels mean</h3>
      <dl class="facts">
        <dt>
          <StateBadge state="good" />
        </dt>
        <dd>Neither of the two levels below applies: every figure meets its threshold.</dd>
        <dt>
          <StateBadge state="at_risk" />
        </dt>
        <dd
          safe
        >{`Fewer than ${percent(thresholds.responseWithin24hRate)} of buyer messages in the last ${days} days were answered within 24 hours: buyers wait too long for a first answer.`}</dd>
        <dt>
          <StateBadge state="flagged" />
        </dt>
        <dd
          safe
        >{`Fewer than ${percent(thresholds.onTimeReplyRate)} of reply windows in the last ${days} days were answered before their deadline, or claims reached ${percent(thresholds.orderDefectRate)} of your orders in the last ${claims.days} days.`}</dd>
      </dl>
      <h3>What moves it</h3>
      <p
        safe
      >{`Your standing is worked out afresh from the last ${days} days (claims: ${claims.days} days) each time it is shown. Answering every buyer within 24 hours and before each reply deadline raises it; "No response needed" on a message that needs no answer keeps it out of the figures. A late window counts for ${days} days from when it opened, then drops out; a claim counts unless it is denied or withdrawn.`}</p>
    </section>
  );
}

export function PerformancePage(props: { ctx: PageContext; performance: PerformanceView }): JSX.Element {
  const { ctx, performance } = props;
  const windows = performance.windows;
  const label = (days: number) => `${days} days`;
  const judged =
    windows.find((window) => window.days === performance.standingWindowDays) ?? windows[windows.length - 1];
  return (
    <Layout ctx={ctx} title="Performance">
      <h1>Your performance</h1>
      <StandingExplanation performance={performance} />
      <p class="muted">
        Each period ends now. A buyer message counts in the period it was sent in, and a reply window (the time you have
        to answer a case) in the period it opened in, whenever the answer came; so on time, answered late and not
        answered add up to the reply windows of each period.
      </p>
      <div class="metrics">
        {windows.map((window) => {
          const late = window.lateReplies + window.missedReplies;
          return (
            <section class="card metric" data-window={String(window.days)} aria-labelledby={`window-${window.days}`}>
              <h2 id={`window-${window.days}`} class="metric-title">
                <span safe>{`Last ${window.days} days`}</span>
                {window.days === judged?.days ? <span class="muted"> (your standing)</span> : ''}
              </h2>
              <p class="muted">
                From <Time at={window.from} /> to now
              </p>
              <strong safe>{percent(window.onTimeReplyRate)}</strong>
              <span
                class="muted"
                data-figure="on-time"
                safe
              >{`on time: ${window.onTimeReplies} of ${window.replyCycles} reply windows`}</span>
              <ul class="figures">
                <li data-figure="late" safe>
                  {`${plural(late, 'late reply window', 'late reply windows')}: ${window.lateReplies} answered after the deadline, ${window.missedReplies} not answered by it`}
                </li>
                <li data-figure="flags" safe>
                  {`${plural(window.flags, 'flag', 'flags')} (late windows recorded against you when their deadline passed unanswered)`}
                </li>
                <li data-figure="within-24h" safe>
                  {window.buyerMessages === 0
                    ? 'No buyer messages a day old or more in this period'
                    : `${window.answeredWithin24h} of ${window.buyerMessages} buyer messages (${percent(window.responseWithin24hRate)}) answered within 24 hours; those less than a day old are not counted yet`}
                </li>
                <li data-figure="escalations" safe>
                  {`${plural(window.escalations, 'escalation', 'escalations')} to support`}
                </li>
              </ul>
            </section>
          );
        })}
        <section class="card metric" data-window="claims" aria-labelledby="window-claims">
          <h2 id="window-claims" class="metric-title" safe>{`Claims, last ${performance.claims.days} days`}</h2>
          <p class="muted">
            From <Time at={performance.claims.from} /> to now
          </p>
          <strong safe>{percent(performance.claims.orderDefectRate)}</strong>
          <span
            class="muted"
            safe
          >{`of orders with a claim (order defect rate): ${performance.claims.defectiveOrders} of ${performance.claims.orders} orders placed in this period`}</span>
          <ul class="figures">
            <li safe>
              {`${plural(performance.claims.claims, 'claim', 'claims')} filed in this period and not denied or withdrawn (claim rate ${percent(performance.claims.claimRate)})`}
            </li>
          </ul>
        </section>
      </div>
      <div class="grid halves">
        <section class="card">
          <h2>Answered within 24 hours</h2>
          <RateChart
            title="Share of buyer messages answered within 24 hours"
            rows={windows.map((w) => ({ label: label(w.days), value: w.responseWithin24hRate }))}
            threshold={performance.thresholds.responseWithin24hRate}
            higherIsBetter
          />
        </section>
        <section class="card">
          <h2>On-time replies</h2>
          <RateChart
            title="Share of reply windows answered on time"
            rows={windows.map((w) => ({ label: label(w.days), value: w.onTimeReplyRate }))}
            threshold={performance.thresholds.onTimeReplyRate}
            higherIsBetter
          />
        </section>
        <section class="card">
          <h2>Response time</h2>
          {judged ? <DistributionChart buckets={judged.responseTimeDistribution} days={judged.days} /> : ''}
          <p class="muted">
            {judged
              ? `Answered reply windows of the last ${judged.days} days: median ${hoursText(judged.medianResponseBusinessHours)}, 90th percentile ${hoursText(judged.p90ResponseBusinessHours)} (business hours).`
              : ''}
          </p>
        </section>
        <section class="card">
          <h2>Order defect rate</h2>
          <RateChart
            title="Share of orders with a claim"
            rows={[{ label: label(performance.claims.days), value: performance.claims.orderDefectRate }]}
            threshold={performance.thresholds.orderDefectRate}
            higherIsBetter={false}
          />
        </section>
      </div>
    </Layout>
  );
}
