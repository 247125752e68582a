import { errSerializer, logTransport } from './common/log-format.js';
import 'reflect-metadata';
import { pino } from 'pino';
import { ConfigError, loadEnvironment } from '../config/environment.js';
import { prepareRuntime } from './runtime.js';

/** `npm run migration:run`: applies pending migrations (to the embedded database without DATABASE_URL) and exits. */
async function main(): Promise<void> {
  const env = loadEnvironment();
  const log = pino({
    level: env.LOG_LEVEL,
    name: 'parley-migrate',
    transport: logTransport(),
    serializers: { err: errSerializer },
  });
  const runtime = await prepareRuntime(
    env,
    { info: (m) => log.info(m), debug: (m) => log.debug(m) },
    { migrateOnly: true },
  );
  log.info(
    runtime.appliedMigrations.length ? `Applied: ${runtime.appliedMigrations.join(', ')}` : 'No pending migrations',
  );
  await runtime.stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
