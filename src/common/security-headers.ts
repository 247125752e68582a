import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets with these options, worked out once: every
 * response gets the same ones, so they are a constant object set in one call
 * rather than helmet's dozen middlewares run on every request.
 */
export function securityHeadersOf(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name] = value),
    removeHeader: (name: string) => void delete headers[name],
  };
  let failure: unknown;
  helmet(options)({} as never, response as never, (error?: unknown) => (failure = error));
  if (failure instanceof Error) throw failure;
  if (failure !== undefined) throw new Error('helmet refused its options');
  return headers;
}

/**
 * Sets the security headers on every response (a route may still replace
 * one, as the attachment download does). The exception's paths, exactly
 * (not what merely starts like them), get its headers instead (the API docs'
 * UI needs inline script).
 */
export function useSecurityHeaders(
  fastify: FastifyInstance,
  options: HelmetOptions,
  exception?: { paths: readonly string[]; options: HelmetOptions },
): void {
  const headers = securityHeadersOf(options);
  const paths = new Set(exception?.paths);
  const excepted = exception && securityHeadersOf(exception.options);
  fastify.addHook('onRequest', (request, reply, done) => {
    const query = request.url.indexOf('?');
    const path = query === -1 ? request.url : request.url.slice(0, query);
    reply.headers(excepted && paths.has(path) ? excepted : headers);
    done();
  });
}
