import { formatScenario, loadSettings } from './compare.js';
import { runInboxBench } from './inbox-bench.js';

// npm run bench:inbox [items] [users] — needs the build (npm run build) for the Parley process.
const items = Number(process.argv[2] ?? 5_000_000);
const users = Number(process.argv[3] ?? 100_000);
const settings = loadSettings();
const { connections } = settings;
const result = await runInboxBench({
  ...settings,
  users,
  items,
  heavyUserItems: Math.min(100_000, Math.floor(items / 10)),
});
console.log('');
console.log(`pool size: parley ${result.poolSize.parley}, bare ${result.poolSize.bare}`);
for (const scenario of result.scenarios) console.log(formatScenario(scenario));
const measured = (name: string) => result.scenarios.find((s) => s.name === name);
const few = Math.max(1, Math.round(connections / 5));
console.log(
  `bulk delete of ${result.bulkDelete.items.toLocaleString('en-US')} items: ${result.bulkDelete.ms} ms (target < 1000 ms: ${result.bulkDelete.ms < 1000 ? 'met' : 'NOT met'})`,
);
console.log(
  `broadcast to ${result.broadcast.users.toLocaleString('en-US')} users: ${(result.broadcast.ms / 1000).toFixed(1)} s (target: seconds, < 5 s: ${result.broadcast.ms < 5000 ? 'met' : 'NOT met'}); a recipient's first look after it, which makes that user's item: ${result.broadcast.firstLookMs} ms`,
);
for (const [name, bound] of [
  ['GET /inbox (search)', 50],
  ['GET /inbox/counts', 10],
] as const) {
  const fewName = name.endsWith(')') ? `${name.slice(0, -1)}, ${few} conns)` : `${name} (${few} conns)`;
  const [many, less] = [measured(name), measured(fewName)];
  // With BENCH_ONLY, a scenario may not have been measured.
  if (!many) continue;
  const atFew = less ? `; at ${few}: parley ${less.parley.p99Ms} ms, bare ${less.bare.p99Ms} ms` : '';
  console.log(
    `target: ${name} p99 < ${bound} ms at ${connections} connections: ${many.parley.p99Ms < bound ? 'met' : 'NOT met'} (parley ${many.parley.p99Ms} ms, bare ${many.bare.p99Ms} ms${atFew})`,
  );
}
if (result.scenarios.length > 0) {
  const lowest = result.scenarios.reduce((low, s) => (s.ratio < low.ratio ? s : low));
  console.log(`target: every scenario ≥ 0.7× bare: ${lowest.ratio >= 0.7 ? 'met' : 'NOT met'}`);
  console.log(`ratio parley/bare (lowest, ${lowest.name}): ${lowest.ratio.toFixed(2)}x`);
}
