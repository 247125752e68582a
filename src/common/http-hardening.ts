import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { problem } from './problem.filter.js';
import { checkJsonShape, checkQueryShape, RequestShapeError } from './request-shape.js';

/** Routes that take an HTML form (`application/x-www-form-urlencoded`); every other route is JSON only (415). */
export const FORM_ROUTES: ReadonlySet<string> = new Set(['/unsubscribe']);

/**
 * What every request passes before a handler sees it: JSON bodies parsed and
 * checked for shape (depth, key count, NUL, prototype keys) before any
 * validation runs; forms only where a form is meant; single-valued query
 * parameters without NUL.
 */
export function hardenHttp(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')))),
  );
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(new RequestShapeError([{ field: 'body', message: 'the body is not valid JSON' }]), undefined);
    }
    try {
      checkJsonShape(parsed);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, parsed);
  });

  fastify.addHook('onRequest', async (request, reply) => {
    const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded' && !FORM_ROUTES.has(request.routeOptions.url ?? '')) {
      return reply.status(415).header('Content-Type', 'application/problem+json; charset=utf-8').send(problem(415, 'This endpoint takes application/json'));
    }
  });

  fastify.addHook('preValidation', async (request) => {
    checkQueryShape((request.query ?? {}) as Record<string, unknown>);
  });
}

/** Errors on the connection before any request exists (headers too large, malformed HTTP), answered as problem+json. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail = status === 431 ? 'The request headers are too large' : status === 408 ? 'The request took too long to arrive' : 'The request is not valid HTTP';
  const body = JSON.stringify(problem(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
