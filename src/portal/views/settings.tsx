import type { EmailPreferencesView } from '../../notifications/notifications.dto.js';
import type { Category } from '../../notifications/categories.js';
import type { PerformanceView } from '../../sellers/sellers.dto.js';
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
                  <input type="checkbox" name="email" value={category} checked={preference?.email ?? true} disabled={preference?.locked ?? false} />{' '}
                  <span safe>{CATEGORY_NAMES[category]}</span>
                  {preference?.locked ? <span class="muted"> (always sent: it is about your own orders and cases)</span> : ''}
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
    </Layout>
  );
}

const percent = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`);

/** A horizontal bar per row against a dashed threshold line; the numbers are in the text too, so the chart is never the only way to read them. */
function RateChart(props: { title: string; rows: { label: string; value: number | null }[]; threshold: number; higherIsBetter: boolean }): JSX.Element {
  const width = 320;
  const left = 70;
  const bar = 22;
  const height = props.rows.length * (bar + 10) + 24;
  const x = (rate: number) => left + Math.min(1, Math.max(0, rate)) * (width - left - 40);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} width={String(width)} height={String(height)} role="img" aria-label={props.title}>
      <title safe>{props.title}</title>
      {props.rows.map((row, i) => (
        <g>
          <text x="0" y={String(i * (bar + 10) + 16)} safe>
            {row.label}
          </text>
          <rect class="bar" x={String(left)} y={String(i * (bar + 10))} width={String(row.value === null ? 0 : x(row.value) - left)} height={String(bar)} />
          <text x={String((row.value === null ? left : x(row.value)) + 4)} y={String(i * (bar + 10) + 16)} safe>
            {percent(row.value)}
          </text>
        </g>
      ))}
      <line class="threshold" x1={String(x(props.threshold))} x2={String(x(props.threshold))} y1="0" y2={String(height - 20)} />
      <text x={String(Math.max(0, x(props.threshold) - 60))} y={String(height - 4)} safe>
        {`${props.higherIsBetter ? 'min' : 'max'} ${percent(props.threshold)}`}
      </text>
    </svg>
  );
}

function HoursChart(props: { rows: { label: string; median: number | null; p90: number | null }[] }): JSX.Element {
  const width = 320;
  const left = 70;
  const bar = 10;
  const max = Math.max(16, ...props.rows.flatMap((row) => [row.median ?? 0, row.p90 ?? 0]));
  const x = (hours: number) => left + (hours / max) * (width - left - 60);
  const height = props.rows.length * 34 + 8;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={String(width)}
      height={String(height)}
      role="img"
      aria-label="Response time in business hours: median and 90th percentile"
    >
      <title>Response time in business hours: median and 90th percentile</title>
      {props.rows.map((row, i) => (
        <g>
          <text x="0" y={String(i * 34 + 14)} safe>
            {row.label}
          </text>
          <rect class="bar" x={String(left)} y={String(i * 34)} width={String(x(row.median ?? 0) - left)} height={String(bar)} />
          <rect class="bar" x={String(left)} y={String(i * 34 + bar + 2)} width={String(x(row.p90 ?? 0) - left)} height={String(bar)} opacity="0.5" />
          <text x={String(x(Math.max(row.median ?? 0, row.p90 ?? 0)) + 4)} y={String(i * 34 + 14)} safe>
            {`${row.median === null ? '—' : row.median.toFixed(1)} / ${row.p90 === null ? '—' : row.p90.toFixed(1)} h`}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function PerformancePage(props: { ctx: PageContext; performance: PerformanceView }): JSX.Element {
  const { ctx, performance } = props;
  const windows = performance.windows;
  const label = (days: number) => `${days} days`;
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
            <span class="muted" safe>{`answered within 24 h (${window.answeredWithin24h} of ${window.buyerMessages})`}</span>
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
          <HoursChart rows={windows.map((w) => ({ label: label(w.days), median: w.medianResponseBusinessHours, p90: w.p90ResponseBusinessHours }))} />
          <p class="muted">Median (dark) and 90th percentile (light), in business hours.</p>
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
