import { ChildProcess, spawn } from 'node:child_process';
import { chmod, cp, mkdtemp, readdir, readFile, readlink, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/postgres-server.js';

// What `npm start` runs (the build is part of `npm test`): the real process, its signals and its exit codes.
const MAIN = join(process.cwd(), 'dist/src/main.js');
/** What `npm start` needs of a checkout: its build runs in a copy, so that it never rewrites the dist/ other tests run. */
const CHECKOUT = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'lib', 'src', 'config', 'migrations'];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, command = [process.execPath, MAIN], cwd?: string): Run {
  const child = spawn(command[0], command.slice(1), {
    cwd,
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

/** Polls `check` every 100 ms until it holds; false if it still does not after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const answers = (port: number): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/health/live`).then(
    () => true,
    () => false,
  );

/** The ids of running processes whose command line names `text`, or that run in the directory `text` (Linux's /proc). */
async function processesOf(text: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    pids.map(async (pid) => {
      const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
      return commandLine.split('\0').includes(text) || cwd === text ? Number(pid) : undefined;
    }),
  );
  return found.filter((pid) => pid !== undefined);
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
  }, 120_000);

  it('runs as the README says (`npm start`): the build, the listening line without the route table, and SIGTERM to npm stops Parley and its PostgreSQL', async () => {
    const checkout = join(root, 'checkout');
    for (const entry of CHECKOUT) await cp(join(process.cwd(), entry), join(checkout, entry), { recursive: true });
    await symlink(join(process.cwd(), 'node_modules'), join(checkout, 'node_modules'));
    const dataDir = join(root, 'npm-start-data');
    const port = await freePort();
    // LOG_LEVEL is left at its default.
    const npm = start(
      {
        HOME: process.env.HOME ?? tmpdir(),
        PORT: String(port),
        DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: String(await freePort()),
      },
      ['npm', 'start'],
      checkout,
    );
    const postgresOfDataDir = () => processesOf(join(dataDir, 'postgres'));
    try {
      await waitReady(port, npm, 240_000);
      expect(npm.output()).toContain('> npm run build');
      expect(await stat(join(checkout, 'dist/src/portal/assets/portal.css'))).toBeTruthy();
      expect(npm.output()).toMatch(/Parley listening on http:\/\/127\.0\.0\.1:\d+: the portal at /);
      expect(npm.output()).not.toContain('Mapped {');
      expect(npm.output()).not.toContain('RoutesResolver');
      // The postmaster names its data directory, and it and its workers run in it.
      expect((await postgresOfDataDir()).length).toBeGreaterThan(1);

      npm.child.kill('SIGTERM');
      expect(await eventually(async () => !(await answers(port)), 30_000)).toBe(true);
      expect(await eventually(async () => (await postgresOfDataDir()).length === 0, 30_000)).toBe(true);
      expect(await npm.exited).toBe(0);
      expect(npm.output()).toContain('"signal":"SIGTERM","msg":"Shutting down"');
    } finally {
      // Whatever a failure left running: npm, Parley (in the checkout) and its PostgreSQL.
      if (npm.child.exitCode === null) npm.child.kill('SIGKILL');
      for (const pid of [...(await processesOf(checkout)), ...(await postgresOfDataDir())])
        process.kill(pid, 'SIGKILL');
    }
    await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 300_000);

  it('refuses to start with a bad configuration, naming each variable', async () => {
    const run = start({ PORT: 'eighty', CLOCK_MODE: 'sometimes', DATA_DIR: join(root, 'unused') });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/Invalid configuration:\n {2}- PORT: .*\n {2}- CLOCK_MODE: /);
  });
});
