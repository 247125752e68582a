import { formatScenario, runCasesBench } from './cases-bench.js';

// npm run bench:cases [cases] — needs the build (npm run build) for the Parley process.
const cases = Number(process.argv[2] ?? 1_000_000);
const result = await runCasesBench({
  serverUrl: process.env.BENCH_DATABASE_URL,
  cases,
  messagesPerCase: 5,
  hotSellerCases: Math.min(20_000, Math.floor(cases / 10)),
  sellers: 1_000,
  buyers: 50_000,
  connections: 50,
  durationSeconds: Number(process.env.BENCH_SECONDS ?? 10),
  log: (line) => console.log(line),
});
console.log('');
for (const scenario of result.scenarios) console.log(formatScenario(scenario));
const list = result.scenarios.find((s) => s.name === 'GET /cases (first page)')!;
console.log(`target: list ≥ 0.5× bare and p99 < 100 ms: ${list.ratio >= 0.5 && list.parley.p99Ms < 100 ? 'met' : 'NOT met'}`);
console.log(`ratio parley/bare GET /cases (first page): ${list.ratio.toFixed(2)}x`);
