import 'reflect-metadata';
import { errSerializer, logTransport } from './common/log-format.js';
import exitHook from 'async-exit-hook';
import { pino } from 'pino';
import { ConfigError, loadEnvironment } from '../config/environment.js';
import { createApp } from './app.js';
import { EmbeddedDatabaseError } from './common/database/embedded-postgres.js';
import { prepareRuntime } from './runtime.js';

async function main(): Promise<void> {
  const env = loadEnvironment();
  const log = pino({
    level: env.LOG_LEVEL,
    name: 'parley',
    transport: logTransport(),
    serializers: { err: errSerializer },
  });
  const runtime = await prepareRuntime(env, { info: (m) => log.info(m), debug: (m) => log.debug(m) });
  if (runtime.appliedMigrations.length > 0) log.info({ migrations: runtime.appliedMigrations }, 'Applied migrations');
  if (runtime.firstAdmin?.generatedPassword) {
    console.log(
      [
        '',
        '  Parley created the first admin account. The password is shown this once:',
        `    email:    ${runtime.firstAdmin.email}`,
        `    password: ${runtime.firstAdmin.generatedPassword}`,
        '  Set ADMIN_EMAIL and ADMIN_PASSWORD to choose them instead.',
        '',
      ].join('\n'),
    );
  }

  const app = await createApp(runtime.config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    await app.close().catch((error: unknown) => log.error({ err: error }, 'Error while closing the app'));
    await runtime.stop();
    process.exit(0);
  };
  // embedded-postgres stops its server on these signals by itself, at the same moment as the app
  // closes; main.ts takes them over so that the database stops after the last request.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    exitHook.unhookEvent(signal);
    process.once(signal, () => void stop(signal));
  }

  try {
    await app.listen({ port: env.PORT, host: env.HOST });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  const base = env.PUBLIC_URL.replace(/\/$/, '');
  log.info(
    `Parley listening on http://${env.HOST}:${env.PORT}: the portal at ${base}/app, the API docs at ${base}/docs`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(
      `Port already in use: ${(error as Error).message}. Set PORT to another port, or stop the other process.`,
    );
  } else {
    console.error('Parley failed to start:', error);
  }
  process.exit(1);
});
