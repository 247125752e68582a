import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../src/common/database/embedded-postgres.js';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { LEASE_MS } from '../src/notifications/outbox-dispatcher.service.js';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';
import { freePort } from './support/postgres-server.js';

/**
 * PostgreSQL stopped under load and started again: readiness goes 503 and
 * back, requests fail fast with 503 problem+json (no hangs, no 500s), the
 * scheduled dispatcher carries on by itself, and nothing is lost or doubled.
 * Bounded: every wait has a deadline, and the server is always stopped.
 */
describe('the database going away and coming back', () => {
  let root: string;
  let port: number;
  let postgres: EmbeddedDatabase | undefined;
  let t: TestApp;
  let buyer: TestUser;
  let seller: TestUser;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({
      dataDir: join(root, 'data'),
      port,
      persistent: true,
      database: 'postgres',
    });
    return postgres.url;
  };
  const until = async (what: string, check: () => Promise<boolean>, seconds = 20) => {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-fault-'));
    await chmod(root, 0o755);
    port = await freePort();
    const url = await startPostgres();
    await withSchemaLock(url, runMigrations);
    const database = { name: 'postgres', url, drop: async () => undefined };
    // The scheduler on: the outbox dispatcher runs every five seconds by itself, through the outage.
    t = await startTestApp({
      database,
      env: { SCHEDULER_ENABLED: 'true', DATA_DIR: root, POST_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    [buyer, seller, admin] = [
      await createUser(t.sql, 'buyer'),
      await createUser(t.sql, 'seller'),
      await createUser(t.sql, 'admin'),
    ];
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await postgres?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers 503 while it is down, recovers by itself, and loses or doubles nothing', async () => {
    t.clock.set('2026-03-02T18:00:00Z');
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Outage', body: 'First' })
      .expect(201);
    const caseId = opened.body.id as string;
    const accepted: string[] = [];
    const statuses: number[] = [];
    let load = true;
    // Steady load: a buyer writing and a seller reading, until told to stop.
    const loader = (async () => {
      for (let i = 0; load && i < 10_000; i++) {
        const began = Date.now();
        const [post, list] = await Promise.all([
          t.http
            .post(`/cases/${caseId}/messages`)
            .set('Authorization', as(buyer))
            .send({ body: `message ${i}` }),
          t.http.get('/cases').set('Authorization', as(seller)),
        ]);
        expect(Date.now() - began).toBeLessThan(8000);
        statuses.push(post.status, list.status);
        if (post.status === 201) accepted.push(post.body.id as string);
        else expect(post.headers['content-type']).toMatch(/^application\/problem\+json/);
        await sleep(20);
      }
    })();

    await until('some load', async () => accepted.length >= 5);
    await postgres!.stop();
    postgres = undefined;
    await until('readiness to fail', async () => (await t.http.get('/health/ready')).status === 503);
    await until('a request refused with 503', async () => statuses.includes(503));
    const down = await t.http.get('/cases').set('Authorization', as(seller));
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    await t.http.get('/health/live').expect(200);

    await startPostgres();
    await until('readiness to return', async () => (await t.http.get('/health/ready')).status === 200, 30);
    const afterwards = accepted.length;
    await until('writes to succeed again', async () => accepted.length >= afterwards + 5);
    load = false;
    await loader;

    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    // Every message answered 201 is stored exactly once; none refused with 503 is.
    const { rows } = await t.sql.query(`SELECT id FROM messages WHERE case_id = $1 AND body LIKE 'message %'`, [
      caseId,
    ]);
    expect(rows.map((row) => row.id as string).sort()).toEqual([...accepted].sort());

    // The sweep runs again on demand, and the scheduled dispatcher empties the outbox by itself: rows a
    // dispatcher had leased when the database went away are taken again once their lease runs out.
    await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
    t.clock.advance(LEASE_MS + 1000);
    await until(
      'the outbox to drain',
      async () => (await t.sql.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`)).rows[0].n === 0,
      30,
    );
    const sent = (await t.sql.query(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n as number;
    expect((await readdir(join(root, 'mail'))).length).toBe(sent);
  }, 150_000);
});
