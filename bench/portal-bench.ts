import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import { tokenClaims } from '../src/auth/auth.service.js';
import { SESSION_COOKIE } from '../src/auth/browser-session.js';
import { onDatabase } from '../test/support/database.js';
import type { RunningProcess } from '../test/support/parley-process.js';
import {
  insertPlannedCases,
  resetStatements,
  seedSellerCalendars,
  timedSeed,
  topStatements,
  withBenchDatabase,
} from './bench-database.js';
import { LoadOptions, startParley } from './compare.js';

export interface PortalBenchOptions extends LoadOptions {
  /** A PostgreSQL server to create the bench database on; default: a throwaway embedded one. */
  serverUrl?: string;
  /** Open cases of each measured seller (the en one and the ja one have the same cases). */
  openCases: number;
  /** Messages on the case whose page is measured (every other case has two). */
  messages: number;
  /** Cases of other sellers, so the measured ones share their tables and indexes. */
  otherCases: number;
  /** Parley's connection pool. */
  poolSize: number;
  log?: (line: string) => void;
}

/** One side of a scenario: pages (or sets of API requests standing for one page) a second. */
export interface Rate {
  perSecond: number;
  /** The median over the rounds of each round's p99, per request (an API set is several requests). */
  p99Ms: number;
  /** Bytes of one page, or of one set of API responses. */
  bytes: number;
  errors: number;
}

export interface PortalScenario {
  name: 'dashboard' | 'case';
  /** What the page fetches, and what the API side fetches for the same data: printed with the figures. */
  page: string;
  api: string;
  rates: { api: Rate; en: Rate; ja?: Rate };
  /** en pages ÷ API sets. */
  enOverApi: number;
  jaOverApi?: number;
  jaOverEn?: number;
}

export interface PortalBenchResult {
  machine: string;
  poolSize: number;
  /** Whether the ja half ran: the catalogue exists and the build serves `ja`; when not, why (printed). */
  ja: { measured: true } | { measured: false; why: string };
  seedSeconds: number;
  scenarios: PortalScenario[];
}

const JWT_SECRET = randomBytes(32).toString('hex');
const SELLER_EN = '00000000-0000-4000-8000-0000000000e1';
const SELLER_JA = '00000000-0000-4000-8000-0000000000e2';
const JA_CATALOGUE = join(process.cwd(), 'src/i18n/locales/ja.json');
/** The portal lists this many cases on a page (CasePagesController); the API side asks for as many. */
const PAGE_SIZE = 25;
const OTHER_SELLERS = 100;
const BUYERS = 500;
const MESSAGE_TEXT =
  'Hello, the parcel has still not arrived and the tracking page has not changed since Monday. Could you ask the carrier where it is, please?';

/** `(case 007)`: the unique part of the subject of the measured sellers' case k, which the checks look for. */
const caseTag = (k: number) => `(case ${String(k).padStart(3, '0')})`;
const messageTag = (n: number) => `Message ${String(n).padStart(2, '0')}:`;

export function machine(): string {
  const cores = cpus();
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${platform()} ${arch()}`;
}

/**
 * Two sellers with the same `openCases` open cases (the same buyers, subjects,
 * deadlines and messages; one will read in en, the other in ja), case 1 of
 * each with `messages` messages; other sellers' cases around them. Every seller
 * has a business calendar, so each open case's deadline has its explanation.
 */
async function seed(url: string, options: PortalBenchOptions): Promise<void> {
  await onDatabase(url, async (db) => {
    await db.query('SET synchronous_commit = off');
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
       VALUES ($1, 'seller-en@bench.test', 'x', 'seller', 'Bolt Gadgets', '2025-01-01', '2025-01-01'),
              ($2, 'seller-ja@bench.test', 'x', 'seller', 'Kite Gadgets', '2025-01-01', '2025-01-01')`,
      [SELLER_EN, SELLER_JA],
    );
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
       SELECT md5('portal-seller' || i)::uuid, 'seller' || i || '@bench.test', 'x', 'seller', 'Seller ' || i, '2025-01-01', '2025-01-01'
         FROM generate_series(1, $1) i`,
      [OTHER_SELLERS],
    );
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
       SELECT md5('portal-buyer' || i)::uuid, 'buyer' || i || '@bench.test', 'x', 'buyer', 'Buyer ' || i, '2025-01-01', '2025-01-01'
         FROM generate_series(1, $1) i`,
      [BUYERS],
    );
    await seedSellerCalendars(db);
    // Case i: the en seller's case k = i for i ≤ openCases, the ja seller's k = i − openCases up to twice that, then other sellers'.
    // The measured sellers' cases are open, four in five waiting for the seller (opened k × 13 minutes ago, so nothing is due yet).
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE plan ON COMMIT DROP AS
       SELECT i, k, hot,
              md5('portal-case' || i)::uuid AS id,
              md5('portal-cycle' || i)::uuid AS cycle_id,
              CASE WHEN i <= $1 THEN $3::uuid WHEN hot THEN $4::uuid ELSE md5('portal-seller' || (1 + i % $5))::uuid END AS seller_id,
              md5('portal-buyer' || (1 + k % $6))::uuid AS buyer_id,
              'listing-' || k AS listing_ref,
              CASE WHEN hot THEN (CASE WHEN k % 5 = 0 THEN 'awaiting_buyer' ELSE 'awaiting_seller' END)
                   ELSE (ARRAY['awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_seller','awaiting_buyer','resolved','closed'])[1 + i % 10]
              END AS status,
              'Where is my parcel? ' || CASE WHEN hot THEN '(case ' || lpad(k::text, 3, '0') || ')' ELSE '#' || i END AS subject,
              now() - interval '1 minute' - (k % 100) * interval '13 minutes' AS opened_at
         FROM generate_series(1, 2 * $1 + $2) i,
              LATERAL (SELECT i <= 2 * $1 AS hot) h,
              LATERAL (SELECT CASE WHEN hot THEN 1 + (i - 1) % $1 ELSE i END AS k) c`,
      [options.openCases, options.otherCases, SELLER_EN, SELLER_JA, OTHER_SELLERS, BUYERS],
    );
    await insertPlannedCases(db);
    // Buyer and seller in turn, the last one the buyer's (the case waits for the seller), ending at the case's opening.
    await db.query(
      `INSERT INTO messages (id, case_id, author_id, author_role, internal, body, visible_body, masked, quarantined, created_at)
       SELECT gen_random_uuid(), p.id, CASE WHEN (total - n) % 2 = 0 THEN p.buyer_id ELSE p.seller_id END,
              CASE WHEN (total - n) % 2 = 0 THEN 'buyer'::user_role ELSE 'seller'::user_role END,
              false, text, text, '{}', false, p.opened_at - (total - n) * interval '1 minute'
         FROM plan p,
              LATERAL (SELECT CASE WHEN p.hot AND p.k = 1 THEN $1 ELSE 2 END AS total) t,
              generate_series(1, total) n,
              LATERAL (SELECT 'Message ' || lpad(n::text, 2, '0') || ': ' || $2 AS text) b`,
      [options.messages, MESSAGE_TEXT],
    );
    await db.query('COMMIT');
    await db.query('VACUUM ANALYZE');
  });
}

/** One side under load: a page, or the API requests that fetch the same data, in turn on each connection. */
interface Side {
  label: 'api' | 'en' | 'ja';
  headers: Record<string, string>;
  /** Each request with what its response must hold (a problem in words, or undefined). */
  requests: { path: string; check: (body: string) => string | undefined }[];
}

async function load(
  url: string,
  side: Side,
  options: Pick<LoadOptions, 'connections' | 'durationSeconds'>,
): Promise<Rate & { detail: string }> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: side.headers,
    requests: side.requests.map(({ path }) => ({ method: 'GET', path })),
  });
  const sets = result.requests.average / side.requests.length;
  return {
    perSecond: sets,
    p99Ms: result.latency.p99,
    bytes: sets > 0 ? result.throughput.average / sets : 0,
    errors: result.non2xx + result.errors + result.timeouts,
    detail: `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
  };
}

/** Rounds of one side as one figure: the mean rate and size, the median p99, every error. */
function combine(rounds: Rate[]): Rate {
  const p99s = rounds.map((rate) => rate.p99Ms).sort((a, b) => a - b);
  const mean = (pick: (rate: Rate) => number) => rounds.reduce((sum, rate) => sum + pick(rate), 0) / rounds.length;
  return {
    perSecond: mean((rate) => rate.perSecond),
    p99Ms: p99s[Math.floor(p99s.length / 2)],
    bytes: mean((rate) => rate.bytes),
    errors: rounds.reduce((sum, rate) => sum + rate.errors, 0),
  };
}

/** Every request of a side answered once with 200 and what it must hold, before anything is timed. */
async function check(url: string, side: Side): Promise<void> {
  for (const request of side.requests) {
    const response = await fetch(`${url}${request.path}`, { headers: side.headers, redirect: 'manual' });
    const body = await response.text();
    if (response.status !== 200)
      throw new Error(`${side.label} GET ${request.path}: ${response.status} ${body.slice(0, 300)}`);
    const problem = request.check(body);
    if (problem) throw new Error(`${side.label} GET ${request.path}: ${problem}`);
  }
}

const holds =
  (...needles: string[]) =>
  (body: string): string | undefined => {
    const missing = needles.filter((needle) => !body.includes(needle));
    return missing.length > 0
      ? `the response lacks ${missing.map((needle) => JSON.stringify(needle)).join(', ')}`
      : undefined;
  };

const json = (test: (value: unknown) => string | undefined) => (body: string) => test(JSON.parse(body));

/**
 * bench:portal: the seller's dashboard and a case page rendered by Parley, in
 * en and in ja, against the JSON API fetching the same data, in one run on one
 * Parley process, at `connections` connections. Each side is warmed up, then
 * measured in rounds that alternate the order of the sides.
 */
export async function runPortalBench(options: PortalBenchOptions): Promise<PortalBenchResult> {
  const log = options.log ?? (() => undefined);
  return withBenchDatabase(options.serverUrl, async (databaseUrl) => {
    const children: RunningProcess[] = [];
    try {
      const seedSeconds = await timedSeed(
        log,
        `2 sellers (en, ja) with ${options.openCases} open cases each, ${options.messages} messages on the case measured, and ${options.otherCases.toLocaleString('en-US')} other cases`,
        () => seed(databaseUrl, options),
      );

      const parley = await startParley({
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(options.poolSize),
        LOG_LEVEL: 'warn',
        JWT_SECRET,
      });
      children.push(parley);

      const jwt = new JwtService({ secret: JWT_SECRET });
      const token = (user: string) => jwt.sign(tokenClaims(user), { expiresIn: 3600 });
      const [enToken, jaToken] = [token(SELLER_EN), token(SELLER_JA)];
      // Each seller chooses a language as a person does in settings (PUT /me), so the page reads it from the user, not the browser.
      const choose = async (bearer: string, locale: string) => {
        const response = await fetch(`${parley.url}/me`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ locale }),
        });
        return { status: response.status, body: await response.text() };
      };
      const chosen = await choose(enToken, 'en');
      if (chosen.status !== 200) throw new Error(`PUT /me { locale: "en" }: ${chosen.status} ${chosen.body}`);
      const jaChosen = await choose(jaToken, 'ja');
      let ja: PortalBenchResult['ja'] = { measured: true };
      if (jaChosen.status !== 200) {
        if (existsSync(JA_CATALOGUE))
          throw new Error(
            `src/i18n/locales/ja.json exists but the build refuses ja (PUT /me: ${jaChosen.status} ${jaChosen.body}): ${
              existsSync(join(process.cwd(), 'dist/src/i18n/locales/ja.json'))
                ? 'is the build older than the catalogue? run npm run build'
                : 'dist/src/i18n/locales/ja.json is missing: the build must copy the catalogues'
            }`,
          );
        ja = { measured: false, why: 'no ja catalogue (src/i18n/locales/ja.json), so Parley does not serve ja' };
      }
      log(ja.measured ? 'ja: served, measured' : `ja NOT measured: ${ja.why}; the en half only`);

      const page = (lang: string, bearer: string) => ({
        cookie: `${SESSION_COOKIE}=${bearer}`,
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'accept-language': lang === 'ja' ? 'ja,en;q=0.8' : 'en-GB,en;q=0.8',
      });
      const api = { authorization: `Bearer ${enToken}`, accept: 'application/json' };
      const [enCase, jaCase] = [1, options.openCases + 1].map((i) => caseId(i));
      // What the seller's first page of cases is, from the API: the page must show the same cases, and none of the seller's others.
      const allTags = Array.from({ length: options.openCases }, (_, k) => caseTag(k + 1));
      const firstPage = async (bearer: string) => {
        const response = await fetch(`${parley.url}/cases?limit=${PAGE_SIZE}`, {
          headers: { authorization: `Bearer ${bearer}` },
        });
        if (response.status !== 200) throw new Error(`GET /cases: ${response.status} ${await response.text()}`);
        const { items } = (await response.json()) as { items: { subject: string }[] };
        const shown = allTags.filter((tag) => items.some((item) => item.subject.endsWith(tag)));
        if (shown.length !== Math.min(PAGE_SIZE, options.openCases) || shown.length !== items.length)
          throw new Error(`GET /cases: ${items.length} cases, ${shown.length} of them the seller's open ones`);
        return { shown, hidden: allTags.filter((tag) => !shown.includes(tag)) };
      };
      const messageTags = Array.from({ length: options.messages }, (_, n) => messageTag(n + 1));

      const dashboardPage = async (lang: 'en' | 'ja', bearer: string): Promise<Side> => {
        const { shown, hidden } = await firstPage(bearer);
        return {
          label: lang,
          headers: page(lang, bearer),
          requests: [
            {
              path: '/app/dashboard',
              check: (body) =>
                holds(`lang="${lang}"`, ...shown)(body) ??
                (hidden.some((tag) => body.includes(tag))
                  ? `the page shows cases past the first ${PAGE_SIZE}`
                  : undefined),
            },
          ],
        };
      };
      const casePage = (lang: 'en' | 'ja', bearer: string, id: string): Side => ({
        label: lang,
        headers: page(lang, bearer),
        requests: [
          { path: `/app/cases/${id}`, check: holds(`lang="${lang}"`, caseTag(1), 'id="why"', ...messageTags) },
        ],
      });
      const scenarios: PortalScenario[] = [];
      await onDatabase(databaseUrl, async (db) => {
        const measure = async (
          name: PortalScenario['name'],
          describe: { page: string; api: string },
          sides: Side[],
        ): Promise<void> => {
          // BENCH_ONLY=<part of a name> measures that scenario alone (for profiling one at a time).
          if (process.env.BENCH_ONLY && !name.includes(process.env.BENCH_ONLY)) return;
          for (const side of sides) await check(parley.url, side);
          for (const side of sides) await load(parley.url, side, { ...options, durationSeconds: 1 });
          const round = {
            ...options,
            durationSeconds: Math.max(1, Math.round(options.durationSeconds / options.rounds)),
          };
          const runs = new Map<Side['label'], (Rate & { detail: string })[]>(sides.map((side) => [side.label, []]));
          for (let index = 0; index < options.rounds; index++) {
            for (const side of index % 2 === 0 ? sides : [...sides].reverse()) {
              await resetStatements(db);
              runs.get(side.label)!.push(await load(parley.url, side, round));
              for (const line of await topStatements(db)) log(`  ${side.label.padEnd(3)} ${line}`);
            }
          }
          const failed = [...runs].flatMap(([label, rounds]) =>
            rounds.filter((rate) => rate.errors > 0).map((rate) => `${label}: ${rate.detail}`),
          );
          if (failed.length > 0) throw new Error(`${name}: responses other than 2xx under load: ${failed.join('; ')}`);
          const rate = (label: Side['label']) => {
            const rounds = runs.get(label);
            return rounds ? combine(rounds) : undefined;
          };
          const rates = { api: rate('api')!, en: rate('en')!, ja: rate('ja') };
          const scenario: PortalScenario = {
            name,
            ...describe,
            rates,
            enOverApi: rates.en.perSecond / rates.api.perSecond,
            ...(rates.ja
              ? {
                  jaOverApi: rates.ja.perSecond / rates.api.perSecond,
                  jaOverEn: rates.ja.perSecond / rates.en.perSecond,
                }
              : {}),
          };
          for (const line of formatScenario(scenario)) log(line);
          scenarios.push(scenario);
        };

        const apiList: Side = {
          label: 'api',
          headers: api,
          requests: [
            {
              path: `/cases?limit=${PAGE_SIZE}`,
              check: json((value) =>
                (value as { items: unknown[] }).items.length === Math.min(PAGE_SIZE, options.openCases)
                  ? undefined
                  : `not the seller's first ${PAGE_SIZE} cases`,
              ),
            },
          ],
        };
        await measure(
          'dashboard',
          {
            page: `GET /app/dashboard: the first ${PAGE_SIZE} of the seller's ${options.openCases} open cases by nearest deadline, with the buyers' names, and the page's frame (the viewer, the unread count) read by the same statement`,
            api: `GET /cases?limit=${PAGE_SIZE}: the same ${PAGE_SIZE} cases from the same list statement (buyers as ids)`,
          },
          [apiList, await dashboardPage('en', enToken), ...(ja.measured ? [await dashboardPage('ja', jaToken)] : [])],
        );

        const apiCase: Side = {
          label: 'api',
          headers: api,
          requests: [
            {
              path: `/cases/${enCase}`,
              check: json((value) =>
                (value as { subject: string }).subject.endsWith(caseTag(1)) ? undefined : `not case ${caseTag(1)}`,
              ),
            },
            {
              path: `/cases/${enCase}/messages`,
              check: json((value) =>
                (value as unknown[]).length === options.messages ? undefined : `not ${options.messages} messages`,
              ),
            },
            {
              path: `/cases/${enCase}/sla`,
              check: json((value) =>
                (value as { explanation?: { segments?: unknown[] } }).explanation?.segments?.length
                  ? undefined
                  : 'no explanation of the deadline',
              ),
            },
          ],
        };
        await measure(
          'case',
          {
            page: `GET /app/cases/:id: the case, its ${options.messages} messages, its deadline and why it falls there, the names of who wrote, and the page's frame`,
            api: `GET /cases/:id, GET /cases/:id/messages and GET /cases/:id/sla in turn on each connection: three requests, counted as one page`,
          },
          [apiCase, casePage('en', enToken, enCase), ...(ja.measured ? [casePage('ja', jaToken, jaCase)] : [])],
        );
      });
      return { machine: machine(), poolSize: options.poolSize, ja, seedSeconds, scenarios };
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
  });
}

/** The id the seed gives case i (`md5('portal-case' || i)::uuid`; the en seller's case 1 is i = 1, the ja seller's is openCases + 1). */
function caseId(i: number): string {
  return createHash('md5')
    .update(`portal-case${i}`)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

const perSecond = (rate: Rate) => Math.round(rate.perSecond).toLocaleString('en-US');

/** A scenario's lines: what each side fetches, then each side's pages a second, p99 per request and size. */
export function formatScenario(scenario: PortalScenario): string[] {
  const side = (label: string, rate: Rate | undefined, ratio: string) =>
    rate
      ? `  ${label.padEnd(8)} ${perSecond(rate).padStart(6)} pages/s, p99 ${rate.p99Ms} ms a request, ${(rate.bytes / 1024).toFixed(1)} KiB a page${ratio}`
      : `  ${label.padEnd(8)} not measured`;
  return [
    `${scenario.name}:`,
    `  page: ${scenario.page}`,
    `  API:  ${scenario.api}`,
    side('API', scenario.rates.api, ''),
    side('page en', scenario.rates.en, ` | ${scenario.enOverApi.toFixed(2)}× API`),
    side(
      'page ja',
      scenario.rates.ja,
      scenario.jaOverEn === undefined
        ? ''
        : ` | ${scenario.jaOverApi!.toFixed(2)}× API, ${scenario.jaOverEn.toFixed(2)}× en`,
    ),
  ];
}

/** The summary printed after the run: the machine, the targets, and the ratios on the last line. */
export function report(result: PortalBenchResult): string[] {
  const lines = [
    `machine: ${result.machine}`,
    `pool size: ${result.poolSize} (DATABASE_POOL_SIZE)`,
    ...(result.ja.measured ? [] : [`ja NOT measured: ${result.ja.why}`]),
  ];
  for (const scenario of result.scenarios) lines.push(...formatScenario(scenario));
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  for (const s of result.scenarios) {
    const pages = [
      `en ${s.enOverApi.toFixed(2)}×`,
      ...(s.jaOverApi === undefined ? [] : [`ja ${s.jaOverApi.toFixed(2)}×`]),
    ];
    lines.push(
      `target: ${s.name} pages ≥ 0.7× the API (${pages.join(', ')}): ${met(s.enOverApi >= 0.7 && (s.jaOverApi ?? 1) >= 0.7)}`,
    );
    lines.push(
      s.jaOverEn === undefined
        ? `target: ${s.name} ja ≥ 0.95× en: not measured`
        : `target: ${s.name} ja ≥ 0.95× en (${s.jaOverEn.toFixed(2)}×): ${met(s.jaOverEn >= 0.95)}`,
    );
  }
  const ratios = result.scenarios.map(
    (s) =>
      `${s.name} en ${s.enOverApi.toFixed(2)}× API, ${s.jaOverEn === undefined ? 'ja not measured' : `ja ${s.jaOverEn.toFixed(2)}× en`}`,
  );
  lines.push(`ratio: ${ratios.join('; ')}`);
  return lines;
}
