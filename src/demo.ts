import 'reflect-metadata';
import { pino } from 'pino';
import { ConfigError, loadEnvironment } from '../config/environment.js';
import { JwtService } from '@nestjs/jwt';
import { createApp } from './app.js';
import { tokenClaims } from './auth/auth.service.js';
import { errSerializer, logTransport } from './common/log-format.js';
import { EmbeddedDatabaseError } from './common/database/embedded-postgres.js';
import { DEMO_PASSWORD, DEMO_START, seedDemo } from './demo/seed.js';
import { prepareRuntime } from './runtime.js';

const ADMIN_EMAIL = 'admin@demo.parley';

/**
 * `npm run demo`: Parley on an embedded database of its own (DATA_DIR
 * .data/demo, not `npm start`'s), on the simulated clock, filled on first
 * start with a demo marketplace; prints the accounts and where to sign in.
 * Settings given in the environment still win.
 */
async function demo(): Promise<void> {
  const env = loadEnvironment({
    DATA_DIR: '.data/demo',
    EMBEDDED_POSTGRES_PORT: '54330',
    CLOCK_MODE: 'simulated',
    CLOCK_START: DEMO_START,
    ADMIN_EMAIL,
    ADMIN_PASSWORD: DEMO_PASSWORD,
    LOG_LEVEL: 'warn',
    ...process.env,
  });
  const log = pino({
    level: env.LOG_LEVEL,
    name: 'parley-demo',
    transport: logTransport(),
    serializers: { err: errSerializer },
  });
  const runtime = await prepareRuntime(env, { info: (m) => log.info(m), debug: (m) => log.debug(m) });
  const app = await createApp(runtime.config);
  const stop = async () => {
    await app.close();
    await runtime.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
  await app.listen({ port: env.PORT, host: env.HOST });
  const base = env.PUBLIC_URL.replace(/\/$/, '');
  const admin = runtime.firstAdmin;
  let accounts: { email: string; role: string; name: string }[] | undefined;
  if (admin) {
    const started = Date.now();
    const jwt = app.get(JwtService);
    process.stdout.write('Filling the demo marketplace:');
    accounts = await seedDemo(
      { baseUrl: base, adminId: admin.id, tokenFor: (id) => jwt.sign(tokenClaims(id)) },
      (step) => process.stdout.write(` ${step}…`),
    );
    process.stdout.write(` (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  const lines = [
    '',
    `  Parley demo: open ${base}/app and sign in. Every account's password is ${DEMO_PASSWORD}`,
    `    admin   ${ADMIN_EMAIL}`,
    ...(accounts ?? []).map((account) => `    ${account.role.padEnd(7)} ${account.email.padEnd(28)} ${account.name}`),
    ...(accounts
      ? []
      : ['    (the demo database was filled before; its accounts are listed on the admin’s Users page)']),
    `  The clock is simulated: move it on the admin's Clock page. Data lives in ${env.DATA_DIR}; delete it to start over.`,
    '',
  ];
  // The accounts are the demo's answer to whoever started it, printed whatever LOG_LEVEL says (the log stays for the service).
  process.stdout.write(`${lines.join('\n')}\n`);
}

demo().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof EmbeddedDatabaseError ? error.message : error);
  process.exit(1);
});
