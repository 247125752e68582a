import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode, FieldError } from './domain-error.js';

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
    const { body, retryAfterSeconds } = this.toProblem(exception);
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    reply.status(body.status).header('Content-Type', 'application/problem+json; charset=utf-8').send(body);
  }

  private toProblem(exception: unknown): { body: Problem; retryAfterSeconds?: number } {
    if (exception instanceof DomainError) {
      const body = problem(STATUS_OF[exception.code], exception.message, {
        errors: exception.details.errors,
        slug: exception.code === 'forbidden_transition' ? 'forbidden-transition' : undefined,
      });
      return { body: { ...exception.details.extensions, ...body }, retryAfterSeconds: exception.details.retryAfterSeconds };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const fields = typeof response === 'object' ? (response as HttpExceptionBody) : {};
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : (fields.message ?? exception.message);
      if (status === 500) this.logger.error(exception);
      return { body: problem(status, status === 500 ? 'The service could not handle this request.' : message, { errors: fields.errors }) };
    }
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      // Errors raised before a handler runs (malformed JSON, a refused body shape, wrong content type, body too large).
      const errors = (exception as { errors?: unknown }).errors;
      return { body: problem(statusCode, (exception as Error).message, { errors: Array.isArray(errors) ? (errors as FieldError[]) : undefined }) };
    }
    this.logger.error(exception);
    return { body: problem(500, 'The service could not handle this request.') };
  }
}
