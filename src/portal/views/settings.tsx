import type { EmailPreferencesView } from '../../notifications/notifications.dto.js';
import type { Category } from '../../notifications/categories.js';
import type { PerformanceView, ResponseBucketView } from '../../sellers/sellers.dto.js';
import { CATEGORY_NAMES, categoriesFor } from './inbox.js';
import { Csrf, Layout, StateBadge } from './layout.js';
import type { PageContext } from './layout.js';

export function SettingsPage(props: { ctx: PageContext; preferences: EmailPreferencesView }): JSX.Element {
  const { ctx, preferences } = props;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title="Settings">
      <h1>Settings</h1>
      <form method="post" action="/app/settings/email" class="card">
        <Csrf viewer={viewer} />
        <fieldset>
          <legend>Email me about</legend>
          {categoriesFor(viewer.role).map((category: Category) => {
            const preference = preferences.categories[category];
            return (
              <p>
                <label class="inline">
                  <input
                    type="checkbox"
                    name="email"
                    value={category}
                    checked={preference?.email ?? true}
                    disabled={preference?.locked ?? false}
                  />{' '}
                  <span safe>{CATEGORY_NAMES[category]}</span>
                  {preference?.locked ? (
                    <span class="muted"> (always sent: it is about your own orders and cases)</span>
                  ) : (
                    ''
                  )}
                </label>
              </p>
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

/** A horizontal bar per row against a dashed threshold line; the numbers are in the text too, so the chart is never the only way to read them. */
function RateChart(props: {
  title: string;
  rows: { label: string; value: number | null }[];
  threshold: number;
  higherIsBetter: boolean;
}): JSX.Element {
  const width = 320;
  const left = 70;
  const bar = 22;
  const height = props.rows.length * (bar + 10) + 24;
  const x = (rate: number) => left + Math.min(1, Math.max(0, rate)) * (width - left - 60);
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={String(width)}
      height={String(height)}
      role="img"
      aria-label={props.title}
    >
      <title safe>{props.title}</title>
      {props.rows.map((row, i) => (
        <g>
          <text x="0" y={String(i * (bar + 10) + 16)} safe>
            {row.label}
          </text>
          <rect
            class="bar"
            x={String(left)}
            y={String(i * (bar + 10))}
            width={String(row.value === null ? 0 : x(row.value) - left)}
            height={String(bar)}
          />
          <text x={String((row.value === null ? left : x(row.value)) + 4)} y={String(i * (bar + 10) + 16)} safe>
            {percent(row.value)}
          </text>
        </g>
      ))}
      <line
        class="threshold"
        x1={String(x(props.threshold))}
        x2={String(x(props.threshold))}
        y1="0"
        y2={String(height - 20)}
      />
      <text x={String(Math.max(0, x(props.threshold) - 60))} y={String(height - 4)} safe>
        {`${props.higherIsBetter ? 'min' : 'max'} ${percent(props.threshold)}`}
      </text>
    </svg>
  );
}

/** Vertical bars: how many replies took how long, in business hours; each bar is labelled with its count. */
function DistributionChart(props: { buckets: ResponseBucketView[]; days: number }): JSX.Element {
  const width = 320;
  const height = 170;
  const base = 140;
  const slot = width / props.buckets.length;
  const most = Math.max(1, ...props.buckets.map((bucket) => bucket.replies));
  const label = (bucket: ResponseBucketView) =>
    bucket.toHours === null ? `${bucket.fromHours}+ h` : `${bucket.fromHours}–${bucket.toHours} h`;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={String(width)}
      height={String(height)}
      role="img"
      aria-label={`Replies by business hours taken, last ${props.days} days`}
    >
      <title
        safe
      >{`Replies by business hours taken, last ${props.days} days: ${props.buckets.map((bucket) => `${label(bucket)}: ${bucket.replies}`).join(', ')}`}</title>
      {props.buckets.map((bucket, i) => {
        const tall = Math.round((bucket.replies / most) * (base - 20));
        return (
          <g>
            <rect
              class="bar"
              x={String(i * slot + 8)}
              y={String(base - tall)}
              width={String(slot - 16)}
              height={String(tall)}
            />
            <text x={String(i * slot + slot / 2 - 4)} y={String(base - tall - 4)} safe>
              {String(bucket.replies)}
            </text>
            <text x={String(i * slot + 4)} y={String(base + 16)} safe>
              {label(bucket)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function PerformancePage(props: { ctx: PageContext; performance: PerformanceView }): JSX.Element {
  const { ctx, performance } = props;
  const windows = performance.windows;
  const label = (days: number) => `${days} days`;
  const judged = windows.find((window) => window.days === 30) ?? windows[windows.length - 1];
  return (
    <Layout ctx={ctx} title="Performance">
      <h1>Your performance</h1>
      <p>
        Standing: <StateBadge state={performance.standing} />
      </p>
      <div class="metrics">
        {windows.map((window) => (
          <div class="card metric">
            <span safe>{`Last ${window.days} days`}</span>
            <strong safe>{percent(window.responseWithin24hRate)}</strong>
            <span
              class="muted"
              safe
            >{`answered within 24 h (${window.answeredWithin24h} of ${window.buyerMessages})`}</span>
            <br />
            <span
              class="muted"
              safe
            >{`${percent(window.onTimeReplyRate)} on time (${window.onTimeReplies} of ${window.replyCycles}), ${window.lateReplies} late, ${window.flags} flags`}</span>
          </div>
        ))}
        <div class="card metric">
          <span safe>{`Claims, last ${performance.claims.days} days`}</span>
          <strong safe>{percent(performance.claims.orderDefectRate)}</strong>
          <span
            class="muted"
            safe
          >{`order defect rate (${performance.claims.defectiveOrders} of ${performance.claims.orders} orders; ${performance.claims.claims} claims, rate ${percent(performance.claims.claimRate)})`}</span>
        </div>
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
              ? `Last ${judged.days} days: median ${hoursText(judged.medianResponseBusinessHours)}, 90th percentile ${hoursText(judged.p90ResponseBusinessHours)} (business hours).`
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
