import { runSweepBench, SweepBenchResult } from './sweep-bench.js';

// npm run bench:sweep [openCases] [dueCases] — needs the build (the script runs it first). Two runs: the due cases
// spread over 1,000 sellers, then all of one seller (SWEEP_SCENARIOS=spread or one-seller runs one of them).
const openCases = Number(process.argv[2] ?? 1_000_000);
const dueCases = Number(process.argv[3] ?? Math.floor(openCases / 10));
const scenarios = (process.env.SWEEP_SCENARIOS ?? 'spread,one-seller').split(',');
const targets: Record<string, number> = { spread: 0.9, 'one-seller': 0.7 };
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1).padStart(8);

const results: [string, SweepBenchResult][] = [];
for (const scenario of scenarios) {
  if (!(scenario in targets)) throw new Error(`SWEEP_SCENARIOS: unknown scenario ${scenario}`);
  console.log(`\n## ${scenario === 'spread' ? 'due cases spread over 1,000 sellers' : 'due cases all of one seller'}`);
  const result = await runSweepBench({
    serverUrl: process.env.BENCH_DATABASE_URL,
    openCases,
    dueCases,
    oneSeller: scenario === 'one-seller',
    log: (line) => console.log(line),
  });
  results.push([scenario, result]);
  console.log('');
  console.log(
    `swept: at_risk ${fmt(result.swept.atRisk)}, late ${fmt(result.swept.late)}, escalated ${fmt(result.swept.escalated)}`,
  );
  console.log(
    result.differences.length === 0
      ? 'both runs wrote the same rows (checksums of every table a sweep writes agree)'
      : `ROWS DIFFER in: ${result.differences.join(', ')}`,
  );
  console.log('\none batch of 1,000 cases, per phase (EXPLAIN ANALYZE, rolled back; its timing adds to both sides):');
  console.log(`  ${'phase'.padEnd(34)} ${'parley ms'.padStart(9)} ${'bare ms'.padStart(8)}  parley WAL   bare WAL`);
  for (const phase of result.phases)
    console.log(
      `  ${phase.phase.padEnd(34)} ${ms(phase.parleyMs).padStart(9)} ${ms(phase.bareMs)}  ${(phase.parleyWalBytes / 1024).toFixed(0).padStart(7)} kB ${(phase.bareWalBytes / 1024).toFixed(0).padStart(7)} kB`,
    );
  const { batch } = result;
  console.log(
    `a batch without EXPLAIN (medians of 5): parley ${batch.parleyMs.toFixed(1)} ms + commit ${batch.parleyCommitMs.toFixed(1)} ms, bare ${batch.bareMs.toFixed(1)} ms + commit ${batch.bareCommitMs.toFixed(1)} ms`,
  );
  console.log(
    `the Parley process's own processor time during its sweep: ${fmt(result.parleyProcessCpuMs)} ms (${((result.parleyProcessCpuMs / 1000 / result.parleySeconds) * 100).toFixed(1)}% of the sweep's ${result.parleySeconds.toFixed(1)} s)`,
  );
  console.log(
    `empty sweep over ${fmt(openCases)} open cases: ${result.emptySweepSqlMs.toFixed(1)} ms for its look for due cases, ${result.emptySweepMs.toFixed(1)} ms for the whole job through HTTP (medians of 5; target < 20 ms); plans of that look and of the claim:`,
  );
  for (const line of result.emptyClaimPlan) console.log(`  ${line}`);
  console.log(`the look and the claim use cases_next_action_idx: ${result.usesIndex ? 'yes' : 'NO'}`);
  console.log(`parley sweep: ${fmt(result.parleyRowsPerSecond)} cases/s (${result.parleySeconds.toFixed(2)} s)`);
  console.log(`bare SQL:     ${fmt(result.bareRowsPerSecond)} cases/s (${result.bareSeconds.toFixed(2)} s)`);
  console.log(`ratio parley/bare (${scenario}): ${result.ratio.toFixed(2)}x (target ≥ ${targets[scenario]}x)`);
}
console.log('');
console.log(
  `ratio parley/bare: ${results.map(([scenario, result]) => `${result.ratio.toFixed(2)}x ${scenario}`).join(', ')}`,
);
