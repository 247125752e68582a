import 'reflect-metadata';
import { ConfigError, loadEnvironment } from '../config/environment.js';
import { prepareRuntime } from './runtime.js';

/** `npm run migration:run`: applies pending migrations (to the embedded database without DATABASE_URL) and exits. */
async function main(): Promise<void> {
  const env = loadEnvironment();
  const runtime = await prepareRuntime(env, { info: (m) => console.log(m), debug: () => undefined }, { migrateOnly: true });
  console.log(runtime.appliedMigrations.length ? `Applied: ${runtime.appliedMigrations.join(', ')}` : 'No pending migrations');
  await runtime.stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
