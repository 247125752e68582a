import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { tokenClaims } from '../src/auth/auth.service.js';
import { createTestDatabase, TestDatabase, testPool } from './support/database.js';
import { createUser } from './support/factories.js';
import { RunningProcess, startProcess } from './support/parley-process.js';

const JWT_SECRET = 'claims-concurrency-secret-0123456789abcdefgh';
const SILENT = 700;
const UNANSWERED = 650;
const APPEALABLE = 650;

/** Three app instances (separate processes, one database) sweep 2,000 claims with passed deadlines at once. */
describe('the claims sweep on several instances', () => {
  let database: TestDatabase;
  let sql: pg.Pool;
  const instances: RunningProcess[] = [];
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = testPool(database.url);
    const buyer = await createUser(sql, 'buyer');
    const seller = await createUser(sql, 'seller');
    const agent = await createUser(sql, 'agent');
    // 2,000 claims, each on its own order and case, loaded set-based: three kinds of passed deadline.
    await sql.query(
      `WITH plan AS (
         SELECT n, gen_random_uuid() AS order_id, gen_random_uuid() AS case_id, gen_random_uuid() AS claim_id,
                CASE WHEN n <= $1::int THEN 'awaiting_seller' WHEN n <= $1::int + $2::int THEN 'info_requested' ELSE 'granted' END AS status
           FROM generate_series(1, $1::int + $2::int + $3::int) n
       ), orders_in AS (
         INSERT INTO orders (id, external_id, buyer_id, seller_id, placed_at, max_delivery_date, total_amount, currency, items, created_at, updated_at)
         SELECT order_id, 'BULK-' || n, $4, $5, now() - interval '20 days', (now() - interval '10 days')::date, 5000, 'USD', '[]', now(), now() FROM plan RETURNING 1
       ), cases_in AS (
         INSERT INTO cases (id, buyer_id, seller_id, order_id, topic, subject, status, sla_level, claim_id, created_at, updated_at)
         SELECT case_id, $4, $5, order_id, 'damaged_or_defective', 'Broken', 'awaiting_buyer', 0, claim_id, now() - interval '9 days', now() FROM plan
          WHERE (SELECT count(*) FROM orders_in) > 0 RETURNING 1
       )
       INSERT INTO claims (id, order_id, order_external_id, case_id, buyer_id, seller_id, filed_by, reason, status, outcome, amount, currency, policy_version,
                           seller_response_due_at, info_due_at, info_from, appeal_until, next_deadline_at,
                           decision_outcome, decision_funding, decision_refund, decided_by, decided_at, decision_note, created_at, updated_at)
       SELECT claim_id, order_id, 'BULK-' || n, case_id, $4, $5, $4, 'damaged_or_defective', status, CASE WHEN status = 'granted' THEN 'granted' END, 5000, 'USD', 1,
              now() - interval '5 days' + interval '72 hours',
              CASE WHEN status = 'info_requested' THEN now() - interval '1 hour' END,
              CASE WHEN status = 'info_requested' THEN 'seller' END,
              CASE WHEN status = 'granted' THEN now() - interval '1 hour' END,
              CASE status WHEN 'awaiting_seller' THEN now() - interval '2 days' WHEN 'info_requested' THEN now() - interval '1 hour' ELSE now() - interval '1 hour' END,
              CASE WHEN status = 'granted' THEN 'granted' END, CASE WHEN status = 'granted' THEN 'seller' END, CASE WHEN status = 'granted' THEN 5000 END,
              CASE WHEN status = 'granted' THEN $6::uuid END, CASE WHEN status = 'granted' THEN now() - interval '31 days' END, CASE WHEN status = 'granted' THEN 'ok' END,
              now() - interval '5 days', now() - interval '5 days'
         FROM plan WHERE (SELECT count(*) FROM cases_in) > 0`,
      [SILENT, UNANSWERED, APPEALABLE, buyer.id, seller.id, agent.id],
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
    const [admin] = (await sql.query(`SELECT id FROM users WHERE role = 'admin'`)).rows;
    token = new JwtService({ secret: JWT_SECRET }).sign(tokenClaims(admin.id));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await sql.end();
    await database.drop();
  });

  const sweepEverywhere = () =>
    Promise.all(
      instances.map((instance) =>
        fetch(`${instance.url}/admin/jobs/claims-sweep/run`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        }).then(async (r) => {
          expect(r.status).toBe(200);
          return (await r.json()) as { sellerResponse: number; infoRequest: number; appealWindow: number };
        }),
      ),
    );

  it('acts on each passed deadline exactly once: 700 to review, 650 back from info requests, 650 closed; a second sweep does nothing', async () => {
    const results = await sweepEverywhere();
    const total = (key: 'sellerResponse' | 'infoRequest' | 'appealWindow') =>
      results.reduce((sum, r) => sum + r[key], 0);
    expect({
      sellerResponse: total('sellerResponse'),
      infoRequest: total('infoRequest'),
      appealWindow: total('appealWindow'),
    }).toEqual({
      sellerResponse: SILENT,
      infoRequest: UNANSWERED,
      appealWindow: APPEALABLE,
    });
    const one = async (query: string) => (await sql.query(query)).rows[0];
    expect(
      await one(`SELECT count(*)::int AS n, count(DISTINCT claim_id)::int AS claims FROM claim_deadline_actions`),
    ).toEqual({ n: 2000, claims: 2000 });
    expect(
      (
        await sql.query(
          `SELECT status, flags, count(*)::int AS n FROM claims GROUP BY status, flags ORDER BY status, flags`,
        )
      ).rows,
    ).toEqual([
      { status: 'closed', flags: [], n: APPEALABLE },
      { status: 'under_review', flags: ['info_not_provided'], n: UNANSWERED },
      { status: 'under_review', flags: ['no_seller_response'], n: SILENT },
    ]);
    expect(
      await one(
        `SELECT count(*)::int AS n, count(DISTINCT claim_id)::int AS claims FROM escalations WHERE reason = 'claim'`,
      ),
    ).toEqual({ n: SILENT, claims: SILENT });
    expect(await one(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'claim_no_seller_response'`)).toEqual({
      n: SILENT,
    });
    expect(await one(`SELECT count(*)::int AS n FROM webhook_events WHERE type = 'claim.closed'`)).toEqual({
      n: APPEALABLE,
    });
    expect(await one(`SELECT count(*)::int AS n FROM claim_events WHERE type = 'status_changed'`)).toEqual({ n: 2000 });
    expect(await one(`SELECT count(*)::int AS n FROM claims WHERE next_deadline_at IS NOT NULL`)).toEqual({ n: 0 });

    const again = await sweepEverywhere();
    expect(again.every((r) => r.sellerResponse + r.infoRequest + r.appealWindow === 0)).toBe(true);
  });
});
