import { tokenClaims } from '../src/auth/auth.service.js';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { createTestDatabase, TestDatabase, testPool } from './support/database.js';
import { createUser } from './support/factories.js';
import { RunningProcess, startProcess } from './support/parley-process.js';

const JWT_SECRET = 'concurrency-test-secret-0123456789abcdefghij';
const CASES = 5_000;

/** Three app instances (separate processes, one database) sweep the same 5,000 due cases at once. */
describe('the SLA sweep on several instances', () => {
  let database: TestDatabase;
  let sql: pg.Pool;
  const instances: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = testPool(database.url);
    const buyer = await createUser(sql, 'buyer');
    const seller = await createUser(sql, 'seller');
    // 5,000 cases whose reply cycles passed all three levels a day ago, loaded set-based.
    await sql.query(
      `WITH plan AS (
         SELECT gen_random_uuid() AS id, gen_random_uuid() AS cycle_id, now() - interval '4 days' AS opened_at FROM generate_series(1, $1)
       ), cases_in AS (
         INSERT INTO cases (id, buyer_id, seller_id, listing_ref, topic, subject, status, cycle_id, clock_started_at, warn_at, due_at, escalate_at, sla_level, next_action_at, created_at, updated_at)
         SELECT id, $2, $3, 'l', 'question', 'Due', 'awaiting_seller', cycle_id, opened_at, opened_at + interval '1 day', opened_at + interval '2 days', opened_at + interval '3 days', 0, opened_at + interval '1 day', opened_at, opened_at
           FROM plan RETURNING 1
       )
       INSERT INTO reply_cycles (id, case_id, seq, opened_at, clock_started_at, warn_at, due_at, escalate_at, calendar_id, calendar_version, policy_version)
       SELECT p.cycle_id, p.id, 1, p.opened_at, p.opened_at, p.opened_at + interval '1 day', p.opened_at + interval '2 days', p.opened_at + interval '3 days',
              (SELECT id FROM calendars WHERE seller_id = $3), 1, 1
         FROM plan p WHERE (SELECT count(*) FROM cases_in) > 0`,
      [CASES, buyer.id, seller.id],
    );
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      DATABASE_POOL_SIZE: '4',
      ADMIN_EMAIL: 'ops@example.test',
      ADMIN_PASSWORD: 'a long admin password',
    };
    instances.push(...(await Promise.all([startProcess(env), startProcess(env), startProcess(env)])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await sql.end();
    await database.drop();
  });

  it('applies every level exactly once: 5,000 escalations, 5,000 outbox rows per level and party, no duplicates', async () => {
    const [admin] = (await sql.query(`SELECT id FROM users WHERE role = 'admin'`)).rows;
    const token = new JwtService({ secret: JWT_SECRET }).sign(tokenClaims(admin.id));
    const results = await Promise.all(
      instances.map((instance) =>
        fetch(`${instance.url}/admin/jobs/sla-sweep/run`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        }).then(async (r) => {
          expect(r.status).toBe(200);
          return (await r.json()) as { atRisk: number; late: number; escalated: number; failed: number };
        }),
      ),
    );
    const total = (key: 'atRisk' | 'late' | 'escalated' | 'failed') => results.reduce((sum, r) => sum + r[key], 0);
    expect({
      atRisk: total('atRisk'),
      late: total('late'),
      escalated: total('escalated'),
      failed: total('failed'),
    }).toEqual({
      atRisk: CASES,
      late: CASES,
      escalated: CASES,
      failed: 0,
    });

    const one = async (query: string) => (await sql.query(query)).rows[0];
    expect(
      await one(
        `SELECT count(*)::int AS n, count(DISTINCT case_id)::int AS cases FROM escalations WHERE reason = 'missed_reply_window'`,
      ),
    ).toEqual({ n: CASES, cases: CASES });
    expect(await one(`SELECT count(*)::int AS n FROM sla_actions`)).toEqual({ n: 3 * CASES });
    expect(await one(`SELECT count(*)::int AS n FROM seller_flags`)).toEqual({ n: CASES });
    const outbox = (
      await sql.query(
        `SELECT kind, u.role, count(*)::int AS n FROM outbox o JOIN users u ON u.id = o.recipient_id GROUP BY kind, u.role ORDER BY kind, u.role`,
      )
    ).rows;
    expect(outbox).toEqual([
      { kind: 'case_escalated', role: 'buyer', n: CASES },
      { kind: 'case_escalated', role: 'seller', n: CASES },
      { kind: 'reply_window_at_risk', role: 'seller', n: CASES },
      { kind: 'reply_window_late', role: 'buyer', n: CASES },
      { kind: 'reply_window_late', role: 'seller', n: CASES },
    ]);
    expect(await one(`SELECT count(*)::int AS n FROM case_events WHERE type LIKE 'sla_%'`)).toEqual({ n: 3 * CASES });
    expect(
      await one(
        `SELECT count(*)::int AS n FROM cases WHERE status = 'escalated' AND sla_level = 3 AND next_action_at IS NULL`,
      ),
    ).toEqual({ n: CASES });
  });
});
