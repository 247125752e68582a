import { existsSync } from 'node:fs';
import { runCalendarBench } from '../bench/calendar-bench.js';
import { runCasesBench } from '../bench/cases-bench.js';
import { formatScenario } from '../bench/compare.js';
import { runEmailBench } from '../bench/email-bench.js';
import { runInboxBench } from '../bench/inbox-bench.js';
import { report, runPortalBench } from '../bench/portal-bench.js';
import { runSweepBench } from '../bench/sweep-bench.js';

// Short runs of each benchmark, so that `npm run bench:*` cannot rot unnoticed; the figures themselves come from the full runs.
describe('benchmark smoke runs', () => {
  it('bench:calendar measures both sides over the same starts', () => {
    const result = runCalendarBench(20_000, 1);
    expect(result.starts).toBe(20_000);
    expect(result.parleyOpsPerSecond).toBeGreaterThan(0);
    expect(result.dateFnsOpsPerSecond).toBeGreaterThan(0);
    expect(result.bytesPerCalendar).toBeGreaterThan(0);
    expect(Number.isFinite(result.buildMs)).toBe(true);
  });

  it('bench:cases seeds each size, starts Parley and the bare server, measures every scenario, and both sides write the same rows', async () => {
    const result = await runCasesBench({
      serverUrl: process.env.PARLEY_TEST_SERVER_URL,
      sizes: [1_000, 2_000],
      messagesPerCase: 2,
      hotSellerCases: 200,
      sellers: 20,
      buyers: 50,
      connections: 4,
      durationSeconds: 2,
      rounds: 2,
      poolSize: 4,
      sweepRuns: 3,
    });
    expect(result.sizes.map((size) => size.cases)).toEqual([1_000, 2_000]);
    for (const size of result.sizes) {
      expect(size.scenarios.map((s) => s.name)).toEqual([
        'POST /cases/:id/messages',
        'GET /cases (deep cursor)',
        'GET /cases (first page)',
      ]);
      for (const scenario of size.scenarios) {
        expect(scenario.parley.requestsPerSecond).toBeGreaterThan(0);
        expect(scenario.bare.requestsPerSecond).toBeGreaterThan(0);
        expect(scenario.parley.errors).toBe(0);
        expect(scenario.bare.errors).toBe(0);
      }
      expect(size.emptySweepMs).toBeGreaterThan(0);
      // Every reply of either side wrote its event, email and Message Center item; those that answered a waiting buyer closed the cycle and changed the status.
      for (const rows of [size.rowChanges.parley, size.rowChanges.bare]) {
        expect(rows.replies).toBeGreaterThan(0);
        expect([rows.events, rows.outbox, rows.items]).toEqual([rows.replies, rows.replies, rows.replies]);
        expect(rows.cyclesClosed).toBeGreaterThan(0);
        // (a status event is matched to its reply by case and instant, so two replies on one case in one millisecond could both claim it)
        expect(rows.statusEvents).toBeGreaterThanOrEqual(rows.cyclesClosed);
        expect(rows.statusEvents).toBeLessThanOrEqual(rows.replies);
      }
    }
  }, 180_000);

  it('bench:inbox seeds items, starts Parley and the bare server, measures every scenario, a bulk delete and a broadcast, and prints each figure', async () => {
    const lines: string[] = [];
    const result = await runInboxBench({
      serverUrl: process.env.PARLEY_TEST_SERVER_URL,
      users: 50,
      items: 2_000,
      heavyUserItems: 400,
      connections: 4,
      durationSeconds: 2,
      rounds: 2,
      poolSize: 4,
      log: (line) => lines.push(line),
    });
    expect(result.scenarios.map((s) => s.name)).toEqual([
      'GET /inbox (first page)',
      'GET /inbox (filtered)',
      'GET /inbox (search)',
      'GET /inbox/counts',
      'GET /inbox (search, 1 conns)',
      'GET /inbox/counts (1 conns)',
    ]);
    for (const scenario of result.scenarios) {
      expect(scenario.parley.requestsPerSecond).toBeGreaterThan(0);
      expect(scenario.bare.requestsPerSecond).toBeGreaterThan(0);
      expect(scenario.parley.errors).toBe(0);
      expect(scenario.bare.errors).toBe(0);
      // The line docs/performance.md takes its ratios from: printed, and read back as the ratio measured.
      const line = lines.find((printed) => printed.startsWith(`${scenario.name.padEnd(26)} parley `));
      expect(line).toBe(formatScenario(scenario));
      expect(/\| ratio (\d+\.\d{2})x$/.exec(line!)?.[1]).toBe(scenario.ratio.toFixed(2));
    }
    expect(result.bulkDelete.items).toBe(200); // every other item of the heavy user is from the seller
    expect(result.broadcast.users).toBe(50);
    // (the bench itself fails unless the first look made the heavy user's item)
    expect(lines).toContain(
      `broadcast: 50 users in ${result.broadcast.ms} ms; a recipient's first look after it: ${result.broadcast.firstLookMs} ms`,
    );
  }, 120_000);

  it('bench:portal checks and measures the dashboard and a case page, in en and in ja once its catalogue exists, against the API, and prints the ratios last', async () => {
    const lines: string[] = [];
    const result = await runPortalBench({
      serverUrl: process.env.PARLEY_TEST_SERVER_URL,
      openCases: 30,
      messages: 10,
      otherCases: 200,
      connections: 4,
      durationSeconds: 2,
      rounds: 2,
      poolSize: 4,
      log: (line) => lines.push(line),
    });
    // A ja catalogue that the build does not serve is an error of the bench itself; without the catalogue, the en half runs alone.
    const ja = existsSync('src/i18n/locales/ja.json');
    expect(result.ja.measured).toBe(ja);
    expect(result.scenarios.map((s) => s.name)).toEqual(['dashboard', 'case']);
    for (const scenario of result.scenarios) {
      expect(scenario.rates.ja !== undefined).toBe(ja);
      for (const rate of [scenario.rates.api, scenario.rates.en, ...(ja ? [scenario.rates.ja!] : [])]) {
        expect(rate.perSecond).toBeGreaterThan(0);
        expect(rate.bytes).toBeGreaterThan(0);
        expect(rate.errors).toBe(0);
      }
    }
    const [dashboard, page] = result.scenarios;
    const jaPart = (s: typeof dashboard) => (ja ? `ja ${s.jaOverEn!.toFixed(2)}× en` : 'ja not measured');
    expect(report(result).at(-1)).toBe(
      `ratio: dashboard en ${dashboard.enOverApi.toFixed(2)}× API, ${jaPart(dashboard)}; case en ${page.enOverApi.toFixed(2)}× API, ${jaPart(page)}`,
    );
  }, 120_000);

  it('bench:sweep sweeps a copy with Parley and with bare SQL, checks they wrote the same rows, times each phase, and shows the claim plan', async () => {
    const result = await runSweepBench({
      serverUrl: process.env.PARLEY_TEST_SERVER_URL,
      openCases: 2_000,
      dueCases: 200,
    });
    expect(result.swept).toMatchObject({ atRisk: 200, late: 200, escalated: 200 });
    // Both sides wrote the same rows, table by table, and each phase of a batch was timed on both.
    expect(result.differences).toEqual([]);
    expect(result.phases.find((phase) => phase.phase === 'Message Center items')).toMatchObject({
      parleyMs: expect.any(Number),
      bareMs: expect.any(Number),
    });
    expect(result.phases.reduce((sum, phase) => sum + phase.parleyMs, 0)).toBeGreaterThan(0);
    expect(result.parleyRowsPerSecond).toBeGreaterThan(0);
    expect(result.bareRowsPerSecond).toBeGreaterThan(0);
    expect(result.usesIndex).toBe(true);
  }, 120_000);

  it('bench:email sends the queue with Parley and with a bare nodemailer loop', async () => {
    const result = await runEmailBench({ serverUrl: process.env.PARLEY_TEST_SERVER_URL, emails: 300 });
    expect(result.sent).toBe(300);
    expect(result.parleyEmailsPerSecond).toBeGreaterThan(0);
    expect(result.bareEmailsPerSecond).toBeGreaterThan(0);
  }, 120_000);
});
