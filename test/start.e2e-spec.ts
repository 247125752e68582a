import { ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/postgres-server.js';

// What `npm start` runs (the build is part of `npm test`): the real process, its signals and its exit codes.
const MAIN = join(process.cwd(), 'dist/src/main.js');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitReady(port: number, run: Run, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null) throw new Error(`exited early: ${run.output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${run.output()}`);
}

describe('the service process', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-start-'));
    await chmod(root, 0o755);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('serves /health/ready on the embedded database, refuses a second start on the same data, and stops cleanly on SIGTERM', async () => {
    const dataDir = join(root, 'data');
    const env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    const port = await freePort();
    const first = start({ ...env, PORT: String(port) });
    try {
      await waitReady(port, first);
      expect(first.output()).toMatch(/email: +admin@parley\.local\n +password: +\S{24}/);
      const login = await fetch(`http://127.0.0.1:${port}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@parley.local', password: first.output().match(/password: +(\S+)/)![1] }),
      });
      expect(login.status).toBe(200);

      const second = start({ ...env, PORT: String(await freePort()) });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain('already in use by another process');
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
    await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to start with a bad configuration, naming each variable', async () => {
    const run = start({ PORT: 'eighty', CLOCK_MODE: 'sometimes', DATA_DIR: join(root, 'unused') });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/Invalid configuration:\n {2}- PORT: .*\n {2}- CLOCK_MODE: /);
  });
});
