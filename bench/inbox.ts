import { formatScenario } from './cases-bench.js';
import { runInboxBench } from './inbox-bench.js';

// npm run bench:inbox [items] [users] — needs the build (npm run build) for the Parley process.
const items = Number(process.argv[2] ?? 5_000_000);
const users = Number(process.argv[3] ?? 100_000);
const result = await runInboxBench({
  serverUrl: process.env.BENCH_DATABASE_URL,
  users,
  items,
  heavyUserItems: Math.min(100_000, Math.floor(items / 10)),
  connections: 50,
  durationSeconds: Number(process.env.BENCH_SECONDS ?? 10),
  log: (line) => console.log(line),
});
console.log('');
for (const scenario of result.scenarios) console.log(formatScenario(scenario));
const p99 = (name: string) => result.scenarios.find((s) => s.name === name)!.parley.p99Ms;
const lowest = result.scenarios.reduce((low, s) => (s.ratio < low.ratio ? s : low));
console.log(
  `bulk delete of ${result.bulkDelete.items.toLocaleString('en-US')} items: ${result.bulkDelete.ms} ms (target < 1000 ms: ${result.bulkDelete.ms < 1000 ? 'met' : 'NOT met'})`,
);
console.log(`broadcast to ${result.broadcast.users.toLocaleString('en-US')} users: ${(result.broadcast.ms / 1000).toFixed(1)} s`);
console.log(
  `search p99 ${p99('GET /inbox (search)')} ms (target < 50: ${p99('GET /inbox (search)') < 50 ? 'met' : 'NOT met'}), counts p99 ${p99('GET /inbox/counts')} ms (target < 10: ${p99('GET /inbox/counts') < 10 ? 'met' : 'NOT met'})`,
);
console.log(`target: every scenario ≥ 0.7× bare: ${lowest.ratio >= 0.7 ? 'met' : 'NOT met'}`);
console.log(`ratio parley/bare (lowest, ${lowest.name}): ${lowest.ratio.toFixed(2)}x`);
