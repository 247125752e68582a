import { connect, Socket } from 'node:net';

export const BOUNDARY = 'parley-probe-boundary';

/** The head of a multipart message upload: a body field, then a file part whose bytes follow. */
export function multipartHead(fileName = 'photo.png', fields: Record<string, string> = { body: 'Photos' }): string {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join('')}--${BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename="${fileName}"\r\nContent-Type: image/png\r\n\r\n`;
}

export interface RawExchange {
  /** Everything the server sent. */
  response: string;
  /** Body bytes the client managed to write before the server answered or closed. */
  sent: number;
  /** Whether the server closed the connection. */
  closed: boolean;
}

/**
 * Sends a request whose body is announced as `bodyBytes` long and written in
 * chunks as fast as the socket takes them, until the server answers (or
 * closes), the whole body is sent, or `stallAfter` bytes went out (then the
 * client waits, sending nothing). Resolves once the server has answered and
 * closed, or after `waitMs` without that.
 */
export function rawRequest(
  port: number,
  options: {
    path: string;
    headers: Record<string, string>;
    head?: Buffer | string;
    bodyBytes: number;
    stallAfter?: number;
    waitMs?: number;
  },
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const head = Buffer.from(options.head ?? '');
    let sent = 0;
    let response = '';
    let closed = false;
    const socket: Socket = connect(port, '127.0.0.1');
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, sent, closed });
    };
    const timer = setTimeout(finish, options.waitMs ?? 10_000);
    const pump = () => {
      const limit = Math.min(options.bodyBytes, options.stallAfter ?? Infinity);
      while (sent < limit && !response && !socket.destroyed) {
        const piece = sent === 0 && head.length > 0 ? head : chunk.subarray(0, Math.min(chunk.length, limit - sent));
        sent += piece.length;
        if (!socket.write(piece)) return;
      }
    };
    socket.on('connect', () => {
      const headers = Object.entries({
        Host: '127.0.0.1',
        'Content-Length': String(options.bodyBytes),
        ...options.headers,
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST ${options.path} HTTP/1.1\r\n${headers}\r\n`);
      pump();
    });
    socket.on('drain', pump);
    socket.on('data', (data) => (response += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}

/** The status line's code of a raw response. */
export const statusOf = (exchange: RawExchange): number =>
  Number(/^HTTP\/1\.1 (\d{3})/.exec(exchange.response)?.[1] ?? 0);
