import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 CPU profile (node --cpu-prof) of a benchmark run, per
 * request: `npx tsx bench/cpu-profile.ts <file.cpuprofile> <requests> [skip-ms] [function …]`.
 * Prints the busy time by package (self time) and, for each function named,
 * its inclusive time (everything it called), both divided by `requests`.
 * `skip-ms` leaves out the start (module loading, warm-up).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, requestsArg, skipArg = '0', ...functions] = process.argv.slice(2);
if (!file || !requestsArg)
  throw new Error('usage: bench/cpu-profile.ts <file.cpuprofile> <requests> [skip-ms] [function …]');
const requests = Number(requestsArg);
const skipMicros = Number(skipArg) * 1000;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const packageOf = (node: ProfileNode): string => {
  const { url, functionName } = node.callFrame;
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const own = /\/(dist\/)?src\/([^/]+)\//.exec(url);
  if (own) return `parley: ${own[2]}`;
  if (url.startsWith('node:')) return 'node';
  return functionName || '(native)';
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>(functions.map((name) => [name, 0]));
let elapsed = 0;
let busy = 0;
profile.samples.forEach((sample, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  const leaf = byId.get(sample)!;
  if (elapsed < skipMicros || leaf.callFrame.functionName === '(idle)') return;
  busy += delta;
  self.set(packageOf(leaf), (self.get(packageOf(leaf)) ?? 0) + delta);
  const seen = new Set<string>();
  for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
    const name = byId.get(id)!.callFrame.functionName;
    if (inclusive.has(name) && !seen.has(name)) {
      seen.add(name);
      inclusive.set(name, inclusive.get(name)! + delta);
    }
  }
});

const perRequest = (micros: number) => `${(micros / 1000 / requests).toFixed(3)} ms`;
console.log(`busy ${perRequest(busy)} per request (${requests} requests)`);
for (const [name, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  self  ${perRequest(micros).padStart(10)}  ${name}`);
for (const [name, micros] of inclusive) console.log(`  incl  ${perRequest(micros).padStart(10)}  ${name}`);
