import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { toProblem } from '../common/problem.filter.js';
import type { Problem } from '../common/problem.filter.js';
import { PortalPages } from './portal-pages.js';
import { Layout } from './views/layout.js';
import type { PageContext } from './views/layout.js';

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
    const { body, retryAfterSeconds } = toProblem(exception, this.logger);
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    reply.status(body.status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    if (htmx && request.method !== 'GET') {
      // A form sent in place: the message goes where notices go, and the form keeps what was typed.
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

function ErrorNotice(props: { problem: Problem }): JSX.Element {
  const { problem } = props;
  return (
    <div class="error" role="alert">
      <p safe>{problem.detail}</p>
      {!!problem.errors && (
        <ul>
          {problem.errors.map((error) => (
            <li safe>{`${error.field}: ${error.message}`}</li>
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
