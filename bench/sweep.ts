import { runSweepBench } from './sweep-bench.js';

// npm run bench:sweep [openCases] [dueCases] — needs the build (the script runs it first).
const openCases = Number(process.argv[2] ?? 1_000_000);
const dueCases = Number(process.argv[3] ?? Math.floor(openCases / 10));
const result = await runSweepBench({
  serverUrl: process.env.BENCH_DATABASE_URL,
  openCases,
  dueCases,
  log: (line) => console.log(line),
});
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log('');
console.log(
  `swept: at_risk ${fmt(result.swept.atRisk)}, late ${fmt(result.swept.late)}, escalated ${fmt(result.swept.escalated)}`,
);
console.log(
  `empty sweep over ${fmt(openCases)} open cases: ${result.emptySweepSqlMs.toFixed(1)} ms for its statement, ${result.emptySweepMs.toFixed(1)} ms for the whole job through HTTP (medians of 5; target < 20 ms); claim plan:`,
);
for (const line of result.emptyClaimPlan) console.log(`  ${line}`);
console.log(`claim uses cases_next_action_idx: ${result.usesIndex ? 'yes' : 'NO'}`);
console.log(`parley sweep: ${fmt(result.parleyRowsPerSecond)} cases/s (${result.parleySeconds.toFixed(2)} s)`);
console.log(`bare SQL:     ${fmt(result.bareRowsPerSecond)} cases/s (${result.bareSeconds.toFixed(2)} s)`);
console.log(`ratio parley/bare: ${result.ratio.toFixed(2)}x`);
