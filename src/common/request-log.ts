import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger as Pino } from 'pino';

/** The longest unmatched path an access line keeps: enough to tell what was asked for, too little to flood a log. */
const PATH_LIMIT = 200;

/** A route that answers for any address below it (the portal's not-found page, the API docs' files): the line names the path too. */
const catchAll = (route: string | undefined): boolean => route === undefined || route.endsWith('*');

/**
 * One info line per request once it is answered: method, route pattern,
 * status, time in ms and request id. Never the body, the query string (tokens
 * travel there, as in unsubscribe links), cookies or headers: a matched route
 * is logged by its pattern (`/app/cases/:id`), and only an address no route
 * names is logged by its path, without the query.
 */
export function logRequests(fastify: FastifyInstance, log: Pino): void {
  // Above info the lines would never print: the hook is left out rather than run for nothing on every request.
  if (!log.isLevelEnabled('info')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const path = catchAll(route) ? pathOf(request) : undefined;
    log.info(
      { reqId: request.id, method: request.method, route: route ?? null, path, status: reply.statusCode, ms },
      `${request.method} ${path ?? route} ${reply.statusCode} ${ms} ms`,
    );
    done();
  });
}

function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > PATH_LIMIT ? `${path.slice(0, PATH_LIMIT)}…` : path;
}

/** What Nest says while it starts: a line per module and per route (about 150), worth reading only when looking for a route. */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * Nest's logger with its start-up lines at debug, so that at the default
 * level the start shows Parley's own lines ("listening on …") and what went
 * wrong, not the route table.
 */
export class QuietStartLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    if (START_UP_CONTEXTS.has(params.at(-1) as string)) this.inner.debug?.(message, ...params);
    else this.inner.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.inner.fatal?.(message, ...params);
  }
}
