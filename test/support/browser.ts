import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Role } from '../../src/users/user.entity.js';
import { listen, startTestApp, TestApp } from './app.js';
import { createUser, TestUser } from './factories.js';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'portal');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Chromium for the browser tests, found on the machine with no download:
 * Debian's package when installed, otherwise the binary the npm package
 * @sparticuz/chromium ships (unpacked to /tmp on first use).
 */
export async function launchBrowser(): Promise<Browser> {
  if (existsSync(DEBIAN_CHROMIUM))
    return chromium.launch({ executablePath: DEBIAN_CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const { default: packaged } = await import('@sparticuz/chromium');
  // Its single-process mode takes the whole browser down when a context closes: each test's contexts are closed, so leave it out.
  const args = packaged.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({ executablePath: await packaged.executablePath(), args, headless: true });
}

export async function signIn(page: Page, base: string, user: TestUser): Promise<void> {
  await page.goto(`${base}/app/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/app/login'));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * What every page must pass: exactly one h1, no serious or critical axe-core
 * violations, nothing wider than a 375 px phone screen; a screenshot of it is
 * kept as a test artifact.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  expect(await page.locator('h1').count()).toBe(1);
  // Run axe through the debugging protocol: the page's CSP allows no injected script, and rightly so.
  await page.evaluate(AXE_SOURCE);
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    serious.map(
      (violation) =>
        `${name}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth,
  );
  expect(`${name}: ${overflow}px wide at 375`).toBe(`${name}: ${Math.min(overflow, 375)}px wide at 375`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-375.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Monday 2 March 2026, 9 am in California: the morning most portal scenarios start on. */
const MONDAY_MORNING = '2026-03-02T17:00:00Z';

/** A browser test signs in and posts far more often than a person would. */
const GENEROUS_RATE_LIMITS = { POST_RATE_LIMIT_PER_MINUTE: '10000', LOGIN_RATE_LIMIT_PER_IP: '1000' };

type UserOverrides = NonNullable<Parameters<typeof createUser>[2]>;

export interface PortalInBrowserOptions<R extends Role> {
  /** Added to the test app's environment, over generous rate limits. */
  env?: Record<string, string>;
  /** Run on the clock kept in the database, as `npm run demo` does: in every test, or in those whose name it accepts. */
  simulated?: boolean | ((testName: string) => boolean);
  /** Where the clock starts (the simulated one too); MONDAY_MORNING unless given. */
  start?: string;
  /** A fresh app and database for each test (the default), or one for the whole file, whose tests then share rows. */
  app?: 'per-test' | 'per-file';
  /** The users made on each app, in this order, with their factory overrides; an admin, a buyer, a seller and an agent unless given. */
  users?: { [K in R]: UserOverrides };
  /** Of every page's context unless a page asks otherwise: 1280 × 900 unless given. */
  viewport?: { width: number; height: number };
  javaScript?: boolean;
}

/** The app of the running test (or file), its address and its users, and pages signed in to it. */
export interface PortalInBrowser<R extends Role> {
  readonly t: TestApp;
  readonly base: string;
  readonly users: Readonly<Record<R, TestUser>>;
  /** For a spec that opens (and keeps across tests) contexts of its own; they are closed with the file. */
  readonly browser: Browser;
  /** A page with cookies of its own, signed in as nobody; closed after the test. */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
  /** A page with cookies of its own, signed in as `user`; closed after the test. */
  pageFor: (user: TestUser, options?: BrowserContextOptions) => Promise<Page>;
}

/**
 * The setup every portal spec in a browser shares, with its jest hooks: call
 * it at the top of a describe. Chromium is launched once for the describe;
 * the test app (its own database, the injected clock set to `start`, listening
 * on a port) and its users are made before each test or once, and closed with
 * the pages the tests opened.
 */
export function portalInBrowser<R extends Role = Role>(options: PortalInBrowserOptions<R> = {}): PortalInBrowser<R> {
  const start = options.start ?? MONDAY_MORNING;
  const roles = options.users ?? ({ admin: {}, buyer: {}, seller: {}, agent: {} } as { [K in R]: UserOverrides });
  const defaults: BrowserContextOptions = {
    viewport: options.viewport ?? { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScript ?? true,
  };
  let browser: Browser | undefined;
  let app: { t: TestApp; base?: string; users?: Record<R, TestUser> } | undefined;
  const opened: BrowserContext[] = [];

  const startApp = async () => {
    const name = expect.getState().currentTestName ?? '';
    const simulated = typeof options.simulated === 'function' ? options.simulated(name) : options.simulated;
    const t = await startTestApp({
      env: {
        ...GENEROUS_RATE_LIMITS,
        ...(simulated ? { CLOCK_MODE: 'simulated', CLOCK_START: start } : {}),
        ...options.env,
      },
    });
    app = { t };
    t.clock.set(start);
    app.base = await listen(t);
    const users = {} as Record<R, TestUser>;
    for (const [role, overrides] of Object.entries(roles) as [R, UserOverrides][])
      users[role] = await createUser(t.sql, role, overrides);
    app.users = users;
  };
  const closeApp = async () => {
    const closing = app;
    app = undefined;
    await closing?.t.close();
  };
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`portalInBrowser: no ${what} yet; read it in a hook or a test`);
    return value;
  };
  const newPage = async (contextOptions: BrowserContextOptions = {}): Promise<Page> => {
    const context = await ready(browser, 'browser').newContext({ ...defaults, ...contextOptions });
    opened.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    if (options.app === 'per-file') await startApp();
  });
  if (options.app !== 'per-file') beforeEach(startApp);
  afterEach(async () => {
    for (const context of opened.splice(0)) await context.close();
    if (options.app !== 'per-file') await closeApp();
  });
  afterAll(async () => {
    // The spec's own contexts too, first: a page still holding its live stream would keep the app from closing.
    for (const context of browser?.contexts() ?? []) await context.close();
    await closeApp();
    await browser?.close();
  });

  return {
    get t() {
      return ready(app, 'app').t;
    },
    get base() {
      return ready(app?.base, 'app');
    },
    get users() {
      return ready(app?.users, 'users');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    newPage,
    pageFor: async (user, contextOptions) => {
      const page = await newPage(contextOptions);
      await signIn(page, ready(app?.base, 'app'), user);
      return page;
    },
  };
}
