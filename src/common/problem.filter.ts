import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode, FieldError } from './domain-error.js';
import { isRetryableConflict } from './transaction.js';

/** RFC 9457 problem details, as docs/api.md "Errors" describes. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  /** RFC 9457 extension members, e.g. `currentState` on a forbidden transition. */
  [extension: string]: unknown;
}

const STATUS_OF: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  forbidden_transition: 409,
  not_eligible: 422,
  rate_limited: 429,
  unavailable: 503,
};

const SLUG_OF: Record<number, string> = {
  400: 'invalid-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'not-eligible',
  429: 'rate-limited',
  500: 'internal-error',
  503: 'unavailable',
};

export function problem(status: number, detail: string, extra: { errors?: FieldError[]; slug?: string } = {}): Problem {
  const slug = extra.slug ?? SLUG_OF[status] ?? (status >= 500 ? 'server-error' : 'client-error');
  const body: Problem = {
    type: `https://parley.dev/problems/${slug}`,
    title: (HttpStatus[status] ?? 'Error')
      .toString()
      .replace(/_/g, ' ')
      .toLowerCase()
      .replace(/^\w/, (c) => c.toUpperCase()),
    status,
    detail,
  };
  if (extra.errors && extra.errors.length > 0) body.errors = extra.errors;
  return body;
}

interface HttpExceptionBody {
  message?: string | string[];
  errors?: FieldError[];
}

/** Turns every error into application/problem+json; only unexpected ones are logged as errors and shown generically. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { body, retryAfterSeconds } = toProblem(exception, this.logger);
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    reply.status(body.status).header('Content-Type', 'application/problem+json; charset=utf-8').send(body);
  }
}

/** What an error means for the client (the portal shows the same as a page); only unexpected errors are logged as errors. */
export function toProblem(exception: unknown, logger: Logger): { body: Problem; retryAfterSeconds?: number } {
  if (exception instanceof DomainError) {
    const body = problem(STATUS_OF[exception.code], exception.message, {
      errors: exception.details.errors,
      slug: exception.code === 'forbidden_transition' ? 'forbidden-transition' : undefined,
    });
    return {
      body: { ...exception.details.extensions, ...body },
      retryAfterSeconds: exception.details.retryAfterSeconds,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const fields = typeof response === 'object' ? (response as HttpExceptionBody) : {};
    const message = Array.isArray(fields.message) ? fields.message.join('; ') : (fields.message ?? exception.message);
    if (status === 500) logger.error(exception);
    return {
      body: problem(status, status === 500 ? 'The service could not handle this request.' : message, {
        errors: fields.errors,
      }),
    };
  }
  if (isDatabaseUnavailable(exception)) {
    const code = (exception as { code?: unknown }).code;
    logger.warn(`The database is unavailable${typeof code === 'string' ? ` (${code})` : ''}`);
    return { body: problem(503, 'The database is unavailable; try again shortly'), retryAfterSeconds: 5 };
  }
  if (isStatementTimeout(exception)) {
    // The statement ran past STATEMENT_TIMEOUT_MS (or an operator cancelled it) and PostgreSQL stopped it: the request changed nothing.
    logger.warn('A statement was cancelled (statement timeout)');
    return { body: problem(503, 'The database took too long to answer; try again shortly'), retryAfterSeconds: 5 };
  }
  if (isRetryableConflict(exception)) {
    // Retried already (common/transaction.ts) and still colliding with other writers: the client may try again.
    logger.warn('A transaction kept colliding with others (deadlock or serialisation failure)');
    return { body: problem(503, 'The service is busy with conflicting changes; try again'), retryAfterSeconds: 1 };
  }
  const statusCode = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Errors raised before a handler runs (malformed JSON, a refused body shape, wrong content type, body too large).
    const errors = (exception as { errors?: unknown }).errors;
    return {
      body: problem(statusCode, (exception as Error).message, {
        errors: Array.isArray(errors) ? (errors as FieldError[]) : undefined,
      }),
    };
  }
  logger.error(exception);
  return { body: problem(500, 'The service could not handle this request.') };
}

/** SQLSTATE classes and client errors that mean the database cannot be reached right now (not that the request was wrong). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
// TypeORM's "query runner already released" (in two wordings) follows a connection lost in the middle of a transaction.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Connection refused|database system is (starting up|shutting down|in recovery mode)|Query runner already released|connection provided by a query runner was already released/i;

export function isDatabaseUnavailable(exception: unknown): boolean {
  if (typeof exception !== 'object' || exception === null) return false;
  // Connection failures come as Errors and as bare objects ({ errno, code, syscall }), sometimes wrapped in TypeORM's error.
  const codes = [
    (exception as { code?: unknown }).code,
    (exception as { driverError?: { code?: unknown } }).driverError?.code,
  ];
  const message = (exception as { message?: unknown }).message;
  return (
    codes.some((code) => typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message))
  );
}

/** SQLSTATE 57014 (query_canceled): a statement stopped by statement_timeout, bare from pg or wrapped by TypeORM. */
export function isStatementTimeout(exception: unknown): boolean {
  if (typeof exception !== 'object' || exception === null) return false;
  const codes = [
    (exception as { code?: unknown }).code,
    (exception as { driverError?: { code?: unknown } }).driverError?.code,
  ];
  return codes.includes('57014');
}
