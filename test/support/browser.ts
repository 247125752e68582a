import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import type { TestUser } from './factories.js';

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
