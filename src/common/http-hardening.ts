import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { isPortalRoute } from './portal-routes.js';
import { problem } from './problem.filter.js';
import { checkJsonShape, checkQueryShape, RequestShapeError } from './request-shape.js';

/** Routes that take an HTML form (`application/x-www-form-urlencoded`): the unsubscribe link and the portal's pages; every other route is JSON only (415). */
export const takesForms = (url: string | undefined): boolean => url === '/unsubscribe' || isPortalRoute(url);

/**
 * What every request passes before a handler sees it: JSON bodies parsed and
 * checked for shape (depth, key count, NUL, prototype keys) before any
 * validation runs; forms only where a form is meant; single-valued query
 * parameters without NUL.
 */
export function hardenHttp(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      try {
        const fields = formFields(typeof body === 'string' ? body : body.toString('utf8'));
        checkJsonShape(fields);
        done(null, fields);
      } catch (error) {
        done(error as Error, undefined);
      }
    },
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

  fastify.addHook('onRequest', (request, reply, done) => {
    const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded' && !takesForms(request.routeOptions.url)) {
      void reply
        .status(415)
        .header('Content-Type', 'application/problem+json; charset=utf-8')
        .send(problem(415, 'This endpoint takes application/json'));
      return;
    }
    done();
  });

  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      checkQueryShape((request.query ?? {}) as Record<string, unknown>);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
}

/** A form's fields; a name given more than once (a list of checkboxes) becomes a list. */
export function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const before = fields[name];
    fields[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return { ...fields };
}

/** Errors on the connection before any request exists (headers too large, malformed HTTP), answered as problem+json. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request headers are too large'
      : status === 408
        ? 'The request took too long to arrive'
        : 'The request is not valid HTTP';
  const body = JSON.stringify(problem(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
