import { stdSerializers, type TransportSingleOptions } from 'pino';

/**
 * Logs read as lines for a person at a terminal, and as JSON lines for a
 * collector everywhere else. At a terminal an access line's fields are left
 * out: its message says the same ("GET /app/login 200 3.1 ms"), and its
 * request id still follows.
 */
export function logTransport(stream: { isTTY?: boolean } = process.stdout): TransportSingleOptions | undefined {
  return stream.isTTY
    ? {
        target: 'pino-pretty',
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,method,route,path,status,ms',
        },
      }
    : undefined;
}

/** Keys of an error (and of its driver error) that may hold users' data: a query's parameters, a row's values. */
const SECRET_KEYS = ['parameters', 'detail', 'where'];

/**
 * Errors as pino logs them, less what may carry personal data or secrets:
 * a failed query is logged with its text, never its parameters (password
 * hashes, message bodies, emails).
 */
export function errSerializer(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  // pino-http hands custom serializers an error already serialized by pino's own: scrub either form.
  const serialized = {
    ...(error instanceof Error
      ? (stdSerializers.err(error) as unknown as Record<string, unknown>)
      : (error as Record<string, unknown>)),
  };
  const scrub = (value: Record<string, unknown>) => {
    for (const key of SECRET_KEYS) delete value[key];
  };
  scrub(serialized);
  const driver = serialized.driverError;
  if (driver && typeof driver === 'object') {
    serialized.driverError = { ...(driver as Record<string, unknown>) };
    scrub(serialized.driverError as Record<string, unknown>);
  }
  return serialized;
}
