import { existsSync } from 'node:fs';
import { loadSettings } from './compare.js';
import { report, runPortalBench } from './portal-bench.js';

// npm run bench:portal — needs the build (the script runs it). BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_POOL_SIZE, BENCH_DATABASE_URL,
// BENCH_ONLY (dashboard | case), BENCH_STATEMENTS=1 and BENCH_PARLEY_NODE_ARGS as in the other benchmarks.
if (!existsSync('src/i18n/locales/ja.json'))
  console.log('ja: src/i18n/locales/ja.json does not exist yet: ja will NOT be measured, the en half only');
// Pages cost more than the API's answers and the two differ by a few per cent between runs of 4 s: 30 s a side by
// default, in five rounds, so the ratios hold from one run to the next.
const result = await runPortalBench({
  ...loadSettings(),
  durationSeconds: Number(process.env.BENCH_SECONDS ?? 30),
  rounds: 5,
  openCases: 50,
  messages: 50,
  otherCases: 20_000,
});
console.log('');
for (const line of report(result)) console.log(line);
