import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './postgres-server.js';

export interface RunningProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts a Node process (by default the built Parley, dist/src/main.js) on a
 * free port and waits until `readyPath` answers 200.
 */
export async function startProcess(
  env: Record<string, string>,
  options: { args?: string[]; readyPath?: string; timeoutMs?: number } = {},
): Promise<RunningProcess> {
  const port = await freePort();
  const args = options.args ?? [join(process.cwd(), 'dist/src/main.js')];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${output}`);
    if (
      (await fetch(url + (options.readyPath ?? '/health/ready')).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} not ready in time: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
