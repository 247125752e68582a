import type { TransportSingleOptions } from 'pino';

/** Logs read as lines for a person at a terminal, and as JSON lines for a collector everywhere else. */
export function logTransport(stream: { isTTY?: boolean } = process.stdout): TransportSingleOptions | undefined {
  return stream.isTTY ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } : undefined;
}
