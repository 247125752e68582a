import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type pg from 'pg';
import { RunningProcess, startProcess } from '../test/support/parley-process.js';
import { resetStatements, topStatements } from './bench-database.js';

export interface Measurement {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

export interface Scenario {
  name: string;
  parley: Measurement;
  bare: Measurement;
  ratio: number;
}

export interface LoadOptions {
  connections: number;
  /** Seconds of load per side and scenario, split into `rounds` that alternate which side goes first. */
  durationSeconds: number;
  rounds: number;
}

/** One side under load: where it listens, what to ask, with which headers. */
export interface Side {
  url: string;
  request: autocannon.Request;
  headers?: Record<string, string>;
}

export async function load(
  options: Pick<LoadOptions, 'connections' | 'durationSeconds'>,
  url: string,
  request: autocannon.Request,
  headers: Record<string, string> = {},
): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [request],
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** Rounds of one side as one figure: the mean rate, the median p99, every error. */
function combine(rounds: Measurement[]): Measurement {
  const p99s = rounds.map((m) => m.p99Ms).sort((a, b) => a - b);
  return {
    requestsPerSecond: rounds.reduce((sum, m) => sum + m.requestsPerSecond, 0) / rounds.length,
    p99Ms: p99s[Math.floor(p99s.length / 2)],
    errors: rounds.reduce((sum, m) => sum + m.errors, 0),
  };
}

/**
 * One scenario, Parley against the bare server: a short warm-up of each side
 * first, so that neither pays for JIT and cold caches in the measured runs;
 * then rounds that alternate which side goes first, so that whatever drifts on
 * the machine (a checkpoint, autovacuum) falls on both. With
 * BENCH_STATEMENTS=1, `db` prints each round's busiest statements.
 */
export async function compare(
  options: LoadOptions,
  name: string,
  sides: { parley: Side; bare: Side },
  db?: pg.Client,
  log: (line: string) => void = () => undefined,
): Promise<Scenario> {
  for (const side of [sides.parley, sides.bare])
    await load({ ...options, durationSeconds: 1 }, side.url, side.request, side.headers);
  const round = { ...options, durationSeconds: Math.max(1, Math.round(options.durationSeconds / options.rounds)) };
  const runs = { parley: [] as Measurement[], bare: [] as Measurement[] };
  for (let index = 0; index < options.rounds; index++) {
    for (const name of index % 2 === 0 ? (['parley', 'bare'] as const) : (['bare', 'parley'] as const)) {
      if (db) await resetStatements(db);
      runs[name].push(await load(round, sides[name].url, sides[name].request, sides[name].headers));
      for (const line of db ? await topStatements(db) : []) log(`  ${name.padEnd(6)} ${line}`);
    }
  }
  const parley = combine(runs.parley);
  const bare = combine(runs.bare);
  const scenario = { name, parley, bare, ratio: parley.requestsPerSecond / bare.requestsPerSecond };
  log(formatScenario(scenario));
  return scenario;
}

export function formatScenario(scenario: Scenario): string {
  const side = (m: Measurement) =>
    `${Math.round(m.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${m.p99Ms} ms${m.errors ? `, ${m.errors} errors` : ''}`;
  return `${scenario.name.padEnd(26)} parley ${side(scenario.parley)} | bare ${side(scenario.bare)} | ratio ${scenario.ratio.toFixed(2)}x`;
}

/**
 * How a load benchmark runs unless the environment says otherwise: on a
 * throwaway server (or BENCH_DATABASE_URL), 50 connections (BENCH_CONNECTIONS),
 * 12 seconds a side (BENCH_SECONDS) in 3 rounds, a pool of 10
 * (BENCH_POOL_SIZE), its progress printed.
 */
export function loadSettings(): LoadOptions & {
  serverUrl: string | undefined;
  poolSize: number;
  log: (line: string) => void;
} {
  return {
    serverUrl: process.env.BENCH_DATABASE_URL,
    connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
    durationSeconds: Number(process.env.BENCH_SECONDS ?? 12),
    rounds: 3,
    poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
    log: (line) => console.log(line),
  };
}

/**
 * Extra node arguments for one side's process, from BENCH_PARLEY_NODE_ARGS or
 * BENCH_BARE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" profiles it).
 */
export function nodeArgs(side: 'parley' | 'bare'): string[] {
  return process.env[`BENCH_${side.toUpperCase()}_NODE_ARGS`]?.split(' ').filter(Boolean) ?? [];
}

/**
 * The built Parley as the benchmarks run it, with `env` (its database, its
 * JWT secret, what else the run needs): an admin of its own, no scheduler
 * (a benchmark runs jobs when it measures them), BENCH_PARLEY_NODE_ARGS.
 */
export function startParley(env: Record<string, string>): Promise<RunningProcess> {
  return startProcess(
    {
      ...env,
      SCHEDULER_ENABLED: 'false',
      ADMIN_EMAIL: 'bench-admin@bench.test',
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    },
    { args: [...nodeArgs('parley'), join(process.cwd(), 'dist/src/main.js')] },
  );
}
