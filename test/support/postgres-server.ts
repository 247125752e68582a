import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../../src/common/database/embedded-postgres.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway embedded PostgreSQL in a fresh temporary folder (readable by the `postgres` user when run as root). */
export async function startThrowawayPostgres(
  settings?: Record<string, string>,
): Promise<EmbeddedDatabase & { dataDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'parley-pg-'));
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    persistent: false,
    database: 'postgres',
    settings,
  });
  return {
    ...server,
    dataDir,
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
