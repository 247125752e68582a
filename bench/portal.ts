import { existsSync } from 'node:fs';
import { loadSettings } from './compare.js';
import { report, runPortalBench } from './portal-bench.js';

// npm run bench:portal — needs the build (the script runs it). BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_POOL_SIZE, BENCH_DATABASE_URL,
// BENCH_ONLY (dashboard | case), BENCH_STATEMENTS=1 and BENCH_PARLEY_NODE_ARGS as in the other benchmarks.
if (!existsSync('src/i18n/locales/ja.json'))
  console.log('ja: src/i18n/locales/ja.json does not exist yet: ja will NOT be measured, the en half only');
const result = await runPortalBench({ ...loadSettings(), openCases: 50, messages: 50, otherCases: 20_000 });
console.log('');
for (const line of report(result)) console.log(line);
