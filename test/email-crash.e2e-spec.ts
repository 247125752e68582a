import { tokenClaims } from '../src/auth/auth.service.js';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import { LEASE_MS, OutboxDispatcherService } from '../src/notifications/outbox-dispatcher.service.js';
import { startTestApp } from './support/app.js';
import { createTestDatabase, TestDatabase, testPool } from './support/database.js';
import { createUser } from './support/factories.js';
import { RunningProcess, startProcess } from './support/parley-process.js';
import { TestSmtpServer } from './support/smtp.js';

const JWT_SECRET = 'crash-test-secret-0123456789abcdefghijklmnop';
const EMAILS = 60;

/** A dispatcher process killed (SIGKILL) in the middle of a batch loses nothing: every row ends sent, duplicates carry the same Message-ID. */
describe('a dispatcher killed mid-batch', () => {
  let database: TestDatabase;
  let sql: pg.Pool;
  let smtp: TestSmtpServer;
  let dispatcher: RunningProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = testPool(database.url);
    smtp = await new TestSmtpServer().start();
    smtp.delayMs = 250;
    for (let i = 0; i < EMAILS; i++) {
      const user = await createUser(sql, 'buyer');
      await sql.query(
        `INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, next_attempt_at, created_at)
         VALUES ('broadcast', 'notices', $1, $2, '{"subject":"Crash test","body":"b"}', now() - interval '1 minute', now())`,
        [user.id, `crash:${i}`],
      );
    }
    dispatcher = await startProcess({
      DATABASE_URL: database.url,
      JWT_SECRET,
      LOG_LEVEL: 'fatal',
      SCHEDULER_ENABLED: 'false',
      SMTP_URL: smtp.url,
      ADMIN_EMAIL: 'ops@example.test',
      ADMIN_PASSWORD: 'a long admin password',
    });
  }, 60_000);

  afterAll(async () => {
    await dispatcher.stop();
    await smtp.stop();
    await sql.end();
    await database.drop();
  });

  it('leaves every row sent or to be retried, and a second dispatcher sends the rest once the lease ends', async () => {
    const [admin] = (await sql.query(`SELECT id FROM users WHERE role = 'admin'`)).rows;
    const token = new JwtService({ secret: JWT_SECRET }).sign(tokenClaims(admin.id));
    void fetch(`${dispatcher.url}/admin/jobs/outbox-dispatch/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    }).catch(() => undefined);
    while (smtp.received.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    dispatcher.child.kill('SIGKILL');
    await dispatcher.stop();

    const after = (await sql.query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status`))
      .rows;
    expect(after.map((r) => r.status).every((s) => s === 'sent' || s === 'sending')).toBe(true);
    expect(after.find((r) => r.status === 'sending')?.n).toBeGreaterThan(0);
    const sentBefore = after.find((r) => r.status === 'sent')?.n ?? 0;
    expect(sentBefore).toBeLessThan(EMAILS);

    // Another dispatcher, once the dead one's lease has run out.
    const rescuer = await startTestApp({ database, env: { SMTP_URL: smtp.url } });
    try {
      const dispatcherService = rescuer.app.get(OutboxDispatcherService);
      rescuer.clock.set(new Date(Date.now() - 1000));
      expect(await dispatcherService.dispatch()).toMatchObject({ claimed: 0 });
      rescuer.clock.set(new Date(Date.now() + LEASE_MS + 1000));
      smtp.delayMs = 0;
      const result = await dispatcherService.dispatch();
      expect(result.sent).toBe(EMAILS - sentBefore);
    } finally {
      await rescuer.close();
    }
    expect((await sql.query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status`)).rows).toEqual([
      { status: 'sent', n: EMAILS },
    ]);
    const ids = (await sql.query('SELECT id FROM outbox')).rows.map((r) => `<outbox-${r.id}@parley.local>`);
    const delivered = smtp.byMessageId();
    expect(ids.every((id) => (delivered.get(id) ?? 0) >= 1)).toBe(true);
    expect([...delivered.keys()].every((id) => ids.includes(id))).toBe(true);
  });
});
