import { tokenClaims } from '../../src/auth/auth.service.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { loadEnvironment } from '../../config/environment.js';
import { createApp } from '../../src/app.js';
import { Clock } from '../../src/common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import type { ClaimPolicy } from '../../config/policies.js';
import { createTestDatabase, TestDatabase, testPool } from './database.js';
import { ManualClock } from './manual-clock.js';

export const TEST_JWT_SECRET = 'parley-test-secret-0123456789abcdef0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  /** Direct access to this file's database, for assertions on rows. */
  sql: pg.Pool;
  database: TestDatabase;
  clock: ManualClock;
  /** A valid access token for a user, without going through /auth/login (and its rate limits). */
  tokenFor(user: { id: string; role: string }): string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Share an existing database (several app instances on one database). */
  database?: TestDatabase;
  /** Claim policy versions instead of config/policies.ts. */
  claimPolicies?: readonly ClaimPolicy[];
}

/** The real application on Fastify against a real PostgreSQL database of its own, with an overridable clock. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const env = loadEnvironment({
    LOG_LEVEL: 'error',
    SCHEDULER_ENABLED: 'false',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '4',
    // Test webhook receivers listen on loopback; the target policy's own spec turns this off.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    ...options.env,
  });
  if (env.CLOCK_MODE === 'simulated') {
    // As start-up does (src/runtime.ts): the shared clock starts at CLOCK_START unless the database already has one.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('INSERT INTO simulated_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
      env.CLOCK_START ? new Date(env.CLOCK_START) : new Date(),
    ]);
    await client.end();
  }
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const app = await createApp(new AppConfig(env, database.url, env.JWT_SECRET!, false), {
    clock: options.clock ?? clock,
    claimPolicies: options.claimPolicies,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const sql = testPool(database.url);
  const jwt = app.get(JwtService);
  return {
    app,
    http: request(app.getHttpServer()),
    sql,
    database,
    clock,
    tokenFor: (user) => jwt.sign(tokenClaims(user.id)),
    close: async () => {
      await app.close();
      await sql.end();
      if (!options.database) await database.drop();
    },
  };
}

/** Starts the test app listening on a port of its own (for a browser or an HTTP client) and returns its address. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}
