import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { toProblem } from '../common/problem.filter.js';
import type { Problem } from '../common/problem.filter.js';
import { PortalPages } from './portal-pages.js';
import { fieldLabel, humanFieldMessage, refusedFormPage } from './refused-form.js';
import { Layout } from './views/layout.js';
import type { PageContext } from './views/layout.js';

/** Refusals a person can act on in the form itself: what they typed, a conflict with the current state, a size, a limit. */
const REFUSALS = new Set([400, 409, 413, 422, 429]);

/** A limit's refusal in words: what was limited, and when to try again, in minutes once it is more than a minute. */
export function tryAgainIn(detail: string | undefined, seconds: number): string {
  const what = (detail ?? 'Too many attempts').replace(/[;,.]?\s*try again in \d+ seconds?\.?$/i, '');
  const wait =
    seconds <= 60
      ? `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`
      : `${Math.ceil(seconds / 60)} ${Math.ceil(seconds / 60) === 1 ? 'minute' : 'minutes'}`;
  return `${what}. Please try again in ${wait}.`;
}

const TITLES: Record<number, string> = {
  400: 'Please check what you entered',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'That can’t be done now',
  413: 'Too large',
  422: 'Not possible yet',
  429: 'Too many attempts',
  503: 'Parley is unavailable for a moment',
};

/**
 * Errors on the portal's pages, as pages: signing in when the session is
 * missing, a 404 page for what the viewer may not see, and for forms sent by
 * htmx the message in the page's notice area, keeping what was typed.
 */
@Catch()
@Injectable()
export class PortalFilter implements ExceptionFilter {
  private readonly logger = new Logger('Portal');

  constructor(private readonly pages: PortalPages) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest & { caller?: Caller }>();
    const reply = http.getResponse<FastifyReply>();
    const htmx = request.headers['hx-request'] === 'true';
    if (exception instanceof DomainError && exception.code === 'unauthorized') {
      const next = request.method === 'GET' ? request.url : '/app';
      const login = `/app/login?next=${encodeURIComponent(next)}`;
      if (htmx) return void reply.status(200).header('HX-Redirect', login).send();
      return void reply.status(303).header('Location', login).send();
    }
    const { body: problem, retryAfterSeconds } = toProblem(exception, this.logger);
    const body =
      retryAfterSeconds === undefined ? problem : { ...problem, detail: tryAgainIn(problem.detail, retryAfterSeconds) };
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    reply.status(body.status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    if (REFUSALS.has(body.status)) {
      // A refused form: its page again, with what was typed and each error beside its field.
      const page = await refusedFormPage(request, reply, body).catch((error: unknown) => {
        this.logger.warn(`The page of a refused form could not be shown: ${String(error)}`);
        return undefined;
      });
      if (page !== undefined) {
        if (htmx) reply.header('HX-Retarget', 'body').header('HX-Reswap', 'innerHTML').header('HX-Push-Url', 'false');
        return void reply.send(page);
      }
    }
    if (htmx && request.method === 'GET' && request.headers['hx-boosted'] !== 'true') {
      // A part of a page refreshed in place (a list, the unread badge): a failure leaves the page as it is.
      return void reply.header('HX-Reswap', 'none').send(await ErrorNotice({ problem: body }));
    }
    if (htmx && request.method !== 'GET') {
      // A form whose page is gone: the message goes where notices go, and the form keeps what was typed.
      return void reply
        .header('HX-Retarget', '#flash')
        .header('HX-Reswap', 'innerHTML')
        .send(await ErrorNotice({ problem: body }));
    }
    let ctx: PageContext;
    try {
      ctx = await this.pages.context(request.caller);
    } catch {
      ctx = { now: new Date(), simulatedClock: false };
    }
    reply.send(await ErrorPage({ ctx, problem: body }));
  }
}

/** Why a change was refused: the field errors in words for people, or the reason when no field is at fault; said once. */
function ErrorNotice(props: { problem: Problem }): JSX.Element {
  const { problem } = props;
  const errors = problem.errors ?? [];
  return (
    <div class="error" role="alert">
      {errors.length === 0 ? (
        <p safe>{problem.detail}</p>
      ) : (
        <ul>
          {errors.map((error) => (
            <li safe>{`${fieldLabel(error.field)}: ${humanFieldMessage(error.field, error.message)}`}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ErrorPage(props: { ctx: PageContext; problem: Problem }): JSX.Element {
  const { problem } = props;
  const title = TITLES[problem.status] ?? (problem.status >= 500 ? 'Something went wrong' : 'That didn’t work');
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 safe>{title}</h1>
      {problem.status === 404 ? (
        <p>There is nothing here for you: it may never have existed, or it belongs to someone else.</p>
      ) : (
        <ErrorNotice problem={problem} />
      )}
      <p>
        <a href="/app">Back to the start</a>
      </p>
    </Layout>
  );
}
