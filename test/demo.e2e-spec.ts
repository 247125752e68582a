import { DEMO_START, seedDemo } from '../src/demo/seed.js';
import { listen, startTestApp, TestApp } from './support/app.js';
import { createUser } from './support/factories.js';

/**
 * `npm run demo`'s marketplace, seeded through the API on the simulated
 * clock: every case status and reply-window state, every claim state that
 * lasts, every Message Center category and an open phishing report, in under
 * 30 s (the story is fixed: a seeded generator and the simulated clock).
 */
describe('demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { CLOCK_MODE: 'simulated', CLOCK_START: DEMO_START, POST_RATE_LIMIT_PER_MINUTE: '100000' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('fills a marketplace with every state, deterministically and in under 30 s', async () => {
    const admin = await createUser(t.sql, 'admin');
    const steps: string[] = [];
    const started = Date.now();
    const accounts = await seedDemo(
      { baseUrl: await listen(t), adminId: admin.id, tokenFor: (id) => t.tokenFor({ id, role: '' }) },
      (step) => steps.push(step),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(steps).toEqual(['accounts', 'orders', 'conversations', 'escalations and reports', 'today’s cases', 'done']);
    expect(accounts.map((a) => a.role).sort()).toEqual([
      ...Array(3).fill('agent'),
      ...Array(12).fill('buyer'),
      ...Array(5).fill('seller'),
    ]);

    const rows = async (sql: string) => (await t.sql.query(sql)).rows.map((row) => Object.values(row).join(':'));
    const zones = await rows(
      `SELECT DISTINCT v.definition->>'timeZone' FROM calendar_versions v JOIN calendars c ON c.id = v.calendar_id WHERE c.kind = 'seller' ORDER BY 1`,
    );
    expect(zones).toEqual(['America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Europe/Berlin', 'Europe/London']);
    expect(await rows(`SELECT count(*) FROM orders`)).toEqual(['300']);
    // Each seller prices in its own currency, in that currency's minor units: a ¥6,800 pen is 6800, an €82.99 pair of shoes 8299.
    expect(
      await rows(
        `SELECT u.email, string_agg(DISTINCT o.currency, ',') FROM orders o JOIN users u ON u.id = o.seller_id GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      'alpenhaus@demo.parley:EUR',
      'harbour@demo.parley:AUD',
      'sakura@demo.parley:JPY',
      'sunset@demo.parley:USD',
      'thames@demo.parley:GBP',
    ]);
    const unitPrices = await rows(`
      SELECT DISTINCT currency, items->0->>'title', total_amount FROM orders
       WHERE items->0->>'title' IN ('Fountain pen', 'Trail running shoes') AND (items->0->>'quantity')::int = 1 ORDER BY 1, 2`);
    expect(unitPrices).toEqual(
      expect.arrayContaining([
        'EUR:Fountain pen:4099',
        'EUR:Trail running shoes:8299',
        'JPY:Fountain pen:6800',
        'JPY:Trail running shoes:13500',
        'USD:Trail running shoes:8999',
      ]),
    );
    const refund = await rows(`SELECT c.currency = o.currency FROM claims c JOIN orders o ON o.id = c.order_id
                                WHERE c.seller_refund IS NOT NULL`);
    expect(refund).toEqual(['true']);
    expect(await rows(`SELECT DISTINCT status FROM cases ORDER BY 1`)).toEqual([
      'awaiting_buyer',
      'awaiting_seller',
      'closed',
      'escalated',
      'resolved',
    ]);
    const slaStates = await rows(`
      SELECT DISTINCT CASE WHEN c.status = 'escalated' THEN 'escalated' WHEN c.cycle_id IS NULL THEN 'stopped'
                           WHEN s.now < c.warn_at THEN 'on_track' WHEN s.now < c.due_at THEN 'at_risk' ELSE 'late' END
        FROM cases c, simulated_clock s ORDER BY 1`);
    expect(slaStates).toEqual(['at_risk', 'escalated', 'late', 'on_track', 'stopped']);
    // Withdrawn, refunded and appeal outcomes close at once; their histories keep them.
    expect(await rows(`SELECT DISTINCT status FROM claims ORDER BY 1`)).toEqual([
      'appealed',
      'awaiting_seller',
      'closed',
      'denied',
      'granted',
      'info_requested',
      'under_review',
    ]);
    const passed = await rows(`SELECT DISTINCT data->>'to' FROM claim_events WHERE type = 'status_changed' ORDER BY 1`);
    expect(passed).toEqual(
      expect.arrayContaining(['appeal_reversed', 'appeal_upheld', 'refunded_by_seller', 'withdrawn']),
    );
    // The broadcasts reach each account's Message Center when it looks (docs/inbox.md): every account looks once.
    for (const account of accounts)
      await t.http.get('/inbox/counts').set('Authorization', `Bearer ${account.token}`).expect(200);
    expect(await rows(`SELECT DISTINCT category FROM inbox_items ORDER BY 1`)).toEqual([
      'buyer_messages',
      'customer_service',
      'notices',
      'order_updates',
      'promotions',
      'seller_messages',
    ]);
    expect(await rows(`SELECT status FROM inbox_reports`)).toEqual(['open']);
    expect(await rows(`SELECT now FROM simulated_clock`)).toEqual([new Date('2026-03-19T12:00:00Z').toString()]);
  }, 60_000);
});
