import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import type { PortalInBrowser } from './browser.js';
import type { TestUser } from './factories.js';

/**
 * Fills the portal's app with `npm run demo`'s marketplace (through the API,
 * as the demo does) and picks an account of each role that has every kind of
 * page to show: the seller with the most claims, the buyer of the oldest
 * claim, the agent who decided the most claims; with the app's own admin.
 */
export async function seedDemoAccounts(portal: PortalInBrowser<'admin'>): Promise<Map<string, TestUser>> {
  const { t } = portal;
  const { admin } = portal.users;
  const accounts = await seedDemo(
    { baseUrl: portal.base, adminId: admin.id, tokenFor: (id) => t.tokenFor({ id, role: '' }) },
    () => undefined,
  );
  const users = new Map<string, TestUser>([['admin', admin]]);
  const [{ seller, buyer, agent }] = (
    await t.sql.query(`
      SELECT (SELECT seller_id FROM claims GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS seller,
             (SELECT buyer_id FROM claims ORDER BY created_at, id LIMIT 1) AS buyer,
             (SELECT decided_by FROM claims WHERE decided_by IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS agent`)
  ).rows as { seller: string; buyer: string; agent: string }[];
  for (const [role, id] of [
    ['seller', seller],
    ['buyer', buyer],
    ['agent', agent],
  ]) {
    const account = accounts.find((a) => a.id === id)!;
    users.set(role, { id, email: account.email, role: account.role as TestUser['role'], password: DEMO_PASSWORD });
  }
  return users;
}
