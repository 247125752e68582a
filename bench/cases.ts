import { CasesBenchResult, runCasesBench } from './cases-bench.js';
import { formatScenario, loadSettings, Scenario } from './compare.js';

// npm run bench:cases [sizes…] — the sizes (cases) to compare, 100,000 and 1,000,000 by default; needs the build (the script runs it).
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100_000, 1_000_000];
const result = await runCasesBench({
  ...loadSettings(),
  sizes,
  messagesPerCase: 5,
  hotSellerCases: 10_000,
  sellers: 1_000,
  buyers: 50_000,
  sweepRuns: 9,
});
report(result);

function report({ poolSize, sizes: runs }: CasesBenchResult): void {
  const count = (n: number) => n.toLocaleString('en-US');
  const scenario = (index: number, name: string) => runs[index].scenarios.find((s) => s.name === name)!;
  const names = runs[0].scenarios.map((s) => s.name);
  console.log('');
  console.log(`pool size: parley ${poolSize.parley} (DATABASE_POOL_SIZE), bare ${poolSize.bare}; 50 connections`);
  for (const run of runs) {
    console.log(`${count(run.cases)} cases:`);
    for (const s of run.scenarios) console.log(`  ${formatScenario(s)}`);
    console.log(`  empty SLA sweep (HTTP job) ${run.emptySweepMs.toFixed(1)} ms`);
    for (const side of ['parley', 'bare'] as const) {
      const rows = run.rowChanges[side];
      console.log(
        `  ${side.padEnd(6)} replies ${count(rows.replies)}: message_posted ${count(rows.events)}, outbox ${count(rows.outbox)}, inbox items ${count(rows.items)}, cycles closed ${count(rows.cyclesClosed)}, status events ${count(rows.statusEvents)}`,
      );
    }
  }

  const last = runs.length - 1;
  // Parley's rate at the larger size ÷ at the smaller; the bare server's beside it shows how much of a change is the machine's own drift.
  const growth = (name: string, side: 'parley' | 'bare') =>
    scenario(last, name)[side].requestsPerSecond / scenario(0, name)[side].requestsPerSecond;
  const flat: [string, number, number | undefined][] = names.map((name) => [
    name,
    growth(name, 'parley'),
    growth(name, 'bare'),
  ]);
  flat.push(['empty SLA sweep (ms)', runs[0].emptySweepMs / runs[last].emptySweepMs, undefined]);
  if (last > 0) {
    console.log(
      `growth ${count(runs[0].cases)} → ${count(runs[last].cases)} cases (rate at the larger size ÷ at the smaller; 1.00 = flat):`,
    );
    for (const [name, factor, bare] of flat)
      console.log(
        `  ${name.padEnd(26)} parley ${factor.toFixed(2)}${bare === undefined ? '' : `, bare ${bare.toFixed(2)}`}`,
      );
  }
  const figures = (name: string, pick: (s: Scenario) => string) =>
    runs.map((_, index) => pick(scenario(index, name))).join(', ');
  const ratioTarget = (name: string, bound: number): [string, boolean] => [
    `${name} ≥ ${bound}× bare (${figures(name, (s) => `${s.ratio.toFixed(2)}×`)})`,
    runs.every((_, index) => scenario(index, name).ratio >= bound),
  ];
  const p99Target = (name: string, bound: number): [string, boolean] => [
    `${name} p99 < ${bound} ms (parley ${figures(name, (s) => `${s.parley.p99Ms} ms`)}; bare ${figures(name, (s) => `${s.bare.p99Ms} ms`)})`,
    runs.every((_, index) => scenario(index, name).parley.p99Ms < bound),
  ];
  // With BENCH_ONLY, only the targets of the scenarios measured.
  const bounds: [string, number, number][] = [
    ['GET /cases (first page)', 0.8, 50],
    ['GET /cases (deep cursor)', 0.8, 50],
    ['POST /cases/:id/messages', 0.6, 100],
  ];
  const targets: [string, boolean][] = bounds
    .filter(([name]) => names.includes(name))
    .flatMap(([name, ratio, p99]) => [ratioTarget(name, ratio), p99Target(name, p99)]);
  targets.push([
    `flat within 20 % (parley ${flat.map(([, factor]) => factor.toFixed(2)).join(', ')})`,
    last === 0 || flat.every(([, factor]) => factor >= 0.8),
  ]);
  for (const [target, met] of targets) console.log(`target: ${target}: ${met ? 'met' : 'NOT met'}`);
  for (const name of names)
    console.log(
      `ratio parley/bare ${name}: ${runs.map((run, index) => `${count(run.cases)} ${scenario(index, name).ratio.toFixed(2)}x`).join(', ')}`,
    );
}
