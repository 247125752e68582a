import type { MessageKey } from '../../i18n/catalogues.js';
import { Html, type Messages } from '../../i18n/messages.js';
import type { EmailPreferencesView } from '../../notifications/notifications.dto.js';
import type { Category } from '../../notifications/categories.js';
import type {
  PerformanceView,
  ResponseBucketView,
  Standing,
  StandingMetric,
  StandingReasonView,
} from '../../sellers/sellers.dto.js';
import { CATEGORY_MESSAGES, categoriesFor } from './inbox.js';
import { Csrf, Layout, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';

type Role = Viewer['role'];

/**
 * What each category brings, in one sentence for the reader's role (a select
 * on `role` in each message): what lands in it (NOTICE_CATEGORIES in
 * src/notifications/categories.ts, and broadcasts in the category their
 * sender chose).
 */
const CATEGORY_DESCRIPTIONS: Record<Category, MessageKey> = {
  order_updates: 'settings.category.orderUpdates.description',
  seller_messages: 'settings.category.sellerMessages.description',
  buyer_messages: 'settings.category.buyerMessages.description',
  customer_service: 'settings.category.customerService.description',
  promotions: 'settings.category.promotions.description',
  notices: 'settings.category.notices.description',
};

export function categoryDescription(category: Category, role: Role, i18n: Messages): string {
  return i18n.t(CATEGORY_DESCRIPTIONS[category], { role });
}

/** Items as the locale lists them, without "and" ("Monday, Tuesday, Friday"; "月曜日 火曜日"). */
export function listText(i18n: Messages, items: string[]): string {
  return new Intl.ListFormat(i18n.formatLocale, { type: 'unit', style: 'short' }).format(items);
}

export function SettingsPage(props: { ctx: PageContext; preferences: EmailPreferencesView }): JSX.Element {
  const { ctx, preferences } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title={i18n.t('settings.title')}>
      <h1 safe>{i18n.t('settings.title')}</h1>
      <section class="card" aria-labelledby="settings-profile">
        <h2 id="settings-profile" safe>
          {i18n.t('settings.profile.title')}
        </h2>
        <p safe>{i18n.t('settings.profile.intro')}</p>
        <p>
          <a href="/app/profile" safe>
            {i18n.t('settings.profile.link')}
          </a>
        </p>
      </section>
      <form method="post" action="/app/settings/email" class="card">
        <Csrf viewer={viewer} />
        <fieldset>
          <legend safe>{i18n.t('settings.email.legend')}</legend>
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
                  <span safe>{i18n.t(CATEGORY_MESSAGES[category])}</span>
                  {preference?.locked ? (
                    <span class="muted" safe>
                      {i18n.t('settings.email.alwaysSent')}
                    </span>
                  ) : (
                    ''
                  )}
                </label>
                <p id={`category-${category}`} class="muted" safe>
                  {categoryDescription(category, viewer.role, i18n)}
                </p>
              </div>
            );
          })}
        </fieldset>
        <p class="actions">
          <button type="submit" safe>
            {i18n.t('settings.email.save')}
          </button>
        </p>
      </form>
      <form method="post" action="/app/settings/password" class="card" hx-boost="false">
        <Csrf viewer={viewer} />
        <h2 safe>{i18n.t('settings.password.title')}</h2>
        <label for="current" safe>
          {i18n.t('form.field.currentPassword')}
        </label>
        <input id="current" name="currentPassword" type="password" autocomplete="current-password" required />
        <label for="new" safe>
          {i18n.t('form.field.newPassword')}
        </label>
        <input id="new" name="newPassword" type="password" autocomplete="new-password" required minlength="12" />
        <p class="actions">
          <button type="submit" safe>
            {i18n.t('settings.password.save')}
          </button>
        </p>
      </form>
      <form method="post" action="/app/logout-all" class="card" hx-boost="false">
        <Csrf viewer={viewer} />
        <h2 safe>{i18n.t('settings.signOutEverywhere.title')}</h2>
        <p safe>{i18n.t('settings.signOutEverywhere.explanation')}</p>
        <p class="actions">
          <button type="submit" safe>
            {i18n.t('settings.signOutEverywhere.button')}
          </button>
        </p>
      </form>
    </Layout>
  );
}

const hoursText = (hours: number | null, i18n: Messages): string =>
  hours === null ? i18n.t('time.none') : i18n.t('account.performance.hours', { hours: i18n.number(hours) });

const percent = (rate: number | null, i18n: Messages): string =>
  rate === null ? i18n.t('time.none') : i18n.percent(rate);

/** The chart's coordinate system: it is drawn in these units and scaled to its card's width (`width="100%"`). */
const CHART_WIDTH = 320;

/** A horizontal bar per row against a dashed threshold line; the numbers are in the text too, so the chart is never the only way to read them. */
function RateChart(props: {
  title: string;
  rows: { label: string; value: number | null }[];
  threshold: number;
  higherIsBetter: boolean;
  i18n: Messages;
}): JSX.Element {
  const { i18n } = props;
  const left = 64;
  const right = 48;
  const bar = 22;
  const gap = 10;
  const height = props.rows.length * (bar + gap) + 22;
  const x = (rate: number) => left + Math.min(1, Math.max(0, rate)) * (CHART_WIDTH - left - right);
  const thresholdX = x(props.threshold);
  const values = props.rows.map((row) =>
    i18n.t('account.performance.chart.row', { label: row.label, value: percent(row.value, i18n) }),
  );
  return (
    <svg
      class="chart perf-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      role="img"
      aria-label={props.title}
    >
      <title safe>
        {i18n.t('account.performance.chart.title', { title: props.title, values: listText(i18n, values) })}
      </title>
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
            {percent(row.value, i18n)}
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
        {i18n.t('account.performance.chart.threshold', {
          direction: props.higherIsBetter ? 'higher' : 'lower',
          threshold: percent(props.threshold, i18n),
        })}
      </text>
    </svg>
  );
}

/** Vertical bars: how many replies took how long, in business hours; each bar is labelled with its count. */
function DistributionChart(props: { buckets: ResponseBucketView[]; days: number; i18n: Messages }): JSX.Element {
  const { i18n } = props;
  const height = 172;
  const base = 140;
  const slot = CHART_WIDTH / props.buckets.length;
  const most = Math.max(1, ...props.buckets.map((bucket) => bucket.replies));
  const label = (bucket: ResponseBucketView) =>
    bucket.toHours === null
      ? i18n.t('account.performance.distribution.open', { from: bucket.fromHours })
      : i18n.t('account.performance.distribution.range', { from: bucket.fromHours, to: bucket.toHours });
  const entries = props.buckets.map((bucket) =>
    bucket.toHours === null
      ? i18n.t('account.performance.distribution.openEntry', { from: bucket.fromHours, replies: bucket.replies })
      : i18n.t('account.performance.distribution.rangeEntry', {
          from: bucket.fromHours,
          to: bucket.toHours,
          replies: bucket.replies,
        }),
  );
  const title = i18n.t('account.performance.distribution.title', { days: props.days });
  return (
    <svg
      class="chart perf-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      role="img"
      aria-label={title}
    >
      <title safe>{i18n.t('account.performance.chart.title', { title, values: listText(i18n, entries) })}</title>
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
              {i18n.number(bucket.replies)}
            </text>
            <text x={middle} y={String(base + 16)} text-anchor="middle" safe>
              {label(bucket)}
            </text>
          </g>
        );
      })}
      <text x={String(CHART_WIDTH / 2)} y={String(height - 2)} text-anchor="middle" safe>
        {i18n.t('account.performance.distribution.axis')}
      </text>
    </svg>
  );
}

const REASONS: Record<StandingMetric, MessageKey> = {
  onTimeReplyRate: 'account.performance.reason.onTimeReplyRate',
  claimRate: 'account.performance.reason.claimRate',
  orderDefectRate: 'account.performance.reason.orderDefectRate',
  responseWithin24hRate: 'account.performance.reason.responseWithin24hRate',
};

const STANDINGS: Record<Standing, MessageKey> = {
  good: 'account.performance.standing.good',
  at_risk: 'account.performance.standing.atRisk',
  flagged: 'account.performance.standing.flagged',
};

/** A standing as a labelled badge, as StateBadge draws states: its class gives its colour, its words say the same. */
function StandingBadge(props: { standing: Standing; i18n: Messages }): JSX.Element {
  return (
    <span class={`state state-${props.standing}`} safe>
      {props.i18n.t(STANDINGS[props.standing])}
    </span>
  );
}

/** What a standing means, what sets it now and what moves it: from the view's thresholds and reasons, so the page decides nothing. */
function StandingExplanation(props: { performance: PerformanceView; i18n: Messages }): JSX.Element {
  const { performance, i18n } = props;
  const { thresholds, claims } = performance;
  const days = performance.standingWindowDays;
  const safeTitle = i18n.html('account.performance.standing.title', {
    standing: new Html(<StandingBadge standing={performance.standing} i18n={i18n} />),
  });
  return (
    <section class="card" aria-labelledby="standing">
      <h2 id="standing">{safeTitle}</h2>
      {performance.standingReasons.length > 0 ? (
        <ul>
          {performance.standingReasons.map((reason: StandingReasonView) => (
            <li safe>
              {i18n.t(REASONS[reason.metric], {
                value: percent(reason.value, i18n),
                days: reason.days,
                threshold: percent(reason.threshold, i18n),
              })}
            </li>
          ))}
        </ul>
      ) : (
        <p safe>{i18n.t('account.performance.standing.allMet')}</p>
      )}
      <h3 safe>{i18n.t('account.performance.levels.title')}</h3>
      <dl class="facts">
        <dt>
          <StandingBadge standing="good" i18n={i18n} />
        </dt>
        <dd safe>{i18n.t('account.performance.levels.good')}</dd>
        <dt>
          <StandingBadge standing="at_risk" i18n={i18n} />
        </dt>
        <dd safe>
          {i18n.t('account.performance.levels.atRisk', {
            threshold: percent(thresholds.responseWithin24hRate, i18n),
            days,
          })}
        </dd>
        <dt>
          <StandingBadge standing="flagged" i18n={i18n} />
        </dt>
        <dd safe>
          {i18n.t('account.performance.levels.flagged', {
            onTime: percent(thresholds.onTimeReplyRate, i18n),
            days,
            defects: percent(thresholds.orderDefectRate, i18n),
            claimDays: claims.days,
          })}
        </dd>
      </dl>
      <h3 safe>{i18n.t('account.performance.moves.title')}</h3>
      <p safe>{i18n.t('account.performance.moves.text', { days, claimDays: claims.days })}</p>
    </section>
  );
}

export function PerformancePage(props: { ctx: PageContext; performance: PerformanceView }): JSX.Element {
  const { ctx, performance } = props;
  const { i18n } = ctx;
  const windows = performance.windows;
  const label = (days: number) => i18n.t('account.performance.days', { days });
  const judged =
    windows.find((window) => window.days === performance.standingWindowDays) ?? windows[windows.length - 1];
  const safeFromNow = (at: string) =>
    i18n.html('account.performance.fromNow', { from: new Html(<Time at={at} i18n={i18n} />) });
  return (
    <Layout ctx={ctx} title={i18n.t('account.performance.pageTitle')}>
      <h1 safe>{i18n.t('account.performance.title')}</h1>
      <StandingExplanation performance={performance} i18n={i18n} />
      <p class="muted" safe>
        {i18n.t('account.performance.periods')}
      </p>
      <div class="metrics">
        {windows.map((window) => {
          const late = window.lateReplies + window.missedReplies;
          return (
            <section class="card metric" data-window={String(window.days)} aria-labelledby={`window-${window.days}`}>
              <h2 id={`window-${window.days}`} class="metric-title">
                <span safe>{i18n.t('account.performance.window.title', { days: window.days })}</span>
                {window.days === judged?.days ? (
                  <span class="muted" safe>
                    {i18n.t('account.performance.window.judged')}
                  </span>
                ) : (
                  ''
                )}
              </h2>
              <p class="muted">{safeFromNow(window.from)}</p>
              <strong safe>{percent(window.onTimeReplyRate, i18n)}</strong>
              <span class="muted" data-figure="on-time" safe>
                {i18n.t('account.performance.window.onTime', {
                  onTime: window.onTimeReplies,
                  windows: window.replyCycles,
                })}
              </span>
              <ul class="figures">
                <li data-figure="late" safe>
                  {i18n.t('account.performance.window.late', {
                    late,
                    afterDeadline: window.lateReplies,
                    missed: window.missedReplies,
                  })}
                </li>
                <li data-figure="flags" safe>
                  {i18n.t('account.performance.window.flags', { flags: window.flags })}
                </li>
                <li data-figure="within-24h" safe>
                  {window.buyerMessages === 0
                    ? i18n.t('account.performance.window.noBuyerMessages')
                    : i18n.t('account.performance.window.within24h', {
                        answered: window.answeredWithin24h,
                        messages: window.buyerMessages,
                        rate: percent(window.responseWithin24hRate, i18n),
                      })}
                </li>
                <li data-figure="escalations" safe>
                  {i18n.t('account.performance.window.escalations', { escalations: window.escalations })}
                </li>
              </ul>
            </section>
          );
        })}
        <section class="card metric" data-window="claims" aria-labelledby="window-claims">
          <h2 id="window-claims" class="metric-title" safe>
            {i18n.t('account.performance.claims.title', { days: performance.claims.days })}
          </h2>
          <p class="muted">{safeFromNow(performance.claims.from)}</p>
          <strong safe>{percent(performance.claims.orderDefectRate, i18n)}</strong>
          <span class="muted" safe>
            {i18n.t('account.performance.claims.defects', {
              defective: performance.claims.defectiveOrders,
              orders: performance.claims.orders,
            })}
          </span>
          <ul class="figures">
            <li safe>
              {i18n.t('account.performance.claims.filed', {
                claims: performance.claims.claims,
                rate: percent(performance.claims.claimRate, i18n),
              })}
            </li>
          </ul>
        </section>
      </div>
      <div class="grid halves">
        <section class="card">
          <h2 safe>{i18n.t('account.performance.within24h.title')}</h2>
          <RateChart
            title={i18n.t('account.performance.within24h.chart')}
            rows={windows.map((w) => ({ label: label(w.days), value: w.responseWithin24hRate }))}
            threshold={performance.thresholds.responseWithin24hRate}
            higherIsBetter
            i18n={i18n}
          />
        </section>
        <section class="card">
          <h2 safe>{i18n.t('account.performance.onTime.title')}</h2>
          <RateChart
            title={i18n.t('account.performance.onTime.chart')}
            rows={windows.map((w) => ({ label: label(w.days), value: w.onTimeReplyRate }))}
            threshold={performance.thresholds.onTimeReplyRate}
            higherIsBetter
            i18n={i18n}
          />
        </section>
        <section class="card">
          <h2 safe>{i18n.t('account.performance.responseTime.title')}</h2>
          {judged ? <DistributionChart buckets={judged.responseTimeDistribution} days={judged.days} i18n={i18n} /> : ''}
          {judged ? (
            <p class="muted" safe>
              {i18n.t('account.performance.responseTime.summary', {
                days: judged.days,
                median: hoursText(judged.medianResponseBusinessHours, i18n),
                p90: hoursText(judged.p90ResponseBusinessHours, i18n),
              })}
            </p>
          ) : (
            ''
          )}
        </section>
        <section class="card">
          <h2 safe>{i18n.t('account.performance.defects.title')}</h2>
          <RateChart
            title={i18n.t('account.performance.defects.chart')}
            rows={[{ label: label(performance.claims.days), value: performance.claims.orderDefectRate }]}
            threshold={performance.thresholds.orderDefectRate}
            higherIsBetter={false}
            i18n={i18n}
          />
        </section>
      </div>
    </Layout>
  );
}
