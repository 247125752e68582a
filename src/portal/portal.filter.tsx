import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { toProblem } from '../common/problem.filter.js';
import type { Problem } from '../common/problem.filter.js';
import type { MessageKey } from '../i18n/catalogues.js';
import type { Messages } from '../i18n/messages.js';
import { PortalPages } from './portal-pages.js';
import { listedFieldError, refusedFormPage } from './refused-form.js';
import { Layout } from './views/layout.js';
import type { PageContext } from './views/layout.js';

/** Refusals a person can act on in the form itself: what they typed, a conflict with the current state, a size, a limit. */
const REFUSALS = new Set([400, 409, 413, 422, 429]);

/** A limit's refusal in words: what was limited (the API's words), and when to try again, in minutes once it is more than a minute. */
export function tryAgainIn(detail: string | undefined, seconds: number, i18n: Messages): string {
  const what = (detail ?? i18n.t('errors.tryAgain.tooMany')).replace(/[;,.]?\s*try again in \d+ seconds?\.?$/i, '');
  return seconds <= 60
    ? i18n.t('errors.tryAgain.seconds', { what, seconds })
    : i18n.t('errors.tryAgain.minutes', { what, minutes: Math.ceil(seconds / 60) });
}

const TITLES: Record<number, MessageKey> = {
  400: 'errors.title.invalid',
  403: 'errors.title.forbidden',
  404: 'errors.title.notFound',
  409: 'errors.title.conflict',
  413: 'errors.title.tooLarge',
  422: 'errors.title.notEligible',
  429: 'errors.title.rateLimited',
  503: 'errors.title.unavailable',
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
    const i18n = await this.pages.messages(request.caller, request).catch(() => this.pages.bare(request).i18n);
    const { body: problem, retryAfterSeconds } = toProblem(exception, this.logger);
    const body =
      retryAfterSeconds === undefined
        ? problem
        : { ...problem, detail: tryAgainIn(problem.detail, retryAfterSeconds, i18n) };
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    reply.status(body.status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    if (REFUSALS.has(body.status)) {
      // A refused form: its page again, with what was typed and each error beside its field.
      const page = await refusedFormPage(request, reply, body, i18n).catch((error: unknown) => {
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
      return void reply.header('HX-Reswap', 'none').send(await ErrorNotice({ problem: body, i18n }));
    }
    if (htmx && request.method !== 'GET') {
      // A form whose page is gone: the message goes where notices go, and the form keeps what was typed.
      return void reply
        .header('HX-Retarget', '#flash')
        .header('HX-Reswap', 'innerHTML')
        .send(await ErrorNotice({ problem: body, i18n }));
    }
    let ctx: PageContext;
    try {
      ctx = await this.pages.context(request.caller, undefined, request);
    } catch {
      ctx = this.pages.bare(request);
    }
    reply.send(await ErrorPage({ ctx, problem: body }));
  }
}

/** Why a change was refused: the field errors in words for people, or the reason when no field is at fault; said once. */
function ErrorNotice(props: { problem: Problem; i18n: Messages }): JSX.Element {
  const { problem, i18n } = props;
  const errors = problem.errors ?? [];
  return (
    <div class="error" role="alert">
      {errors.length === 0 ? (
        <p safe>{problem.detail}</p>
      ) : (
        <ul>
          {errors.map((error) => (
            <li safe>{listedFieldError(error, i18n)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ErrorPage(props: { ctx: PageContext; problem: Problem }): JSX.Element {
  const { problem } = props;
  const { i18n } = props.ctx;
  const key = TITLES[problem.status] ?? (problem.status >= 500 ? 'errors.title.failed' : 'errors.title.refused');
  const title = i18n.t(key);
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 safe>{title}</h1>
      {problem.status === 404 ? (
        <p safe>{i18n.t('errors.notFound.explanation')}</p>
      ) : (
        <ErrorNotice problem={problem} i18n={i18n} />
      )}
      <p>
        <a href="/app" safe>
          {i18n.t('errors.backToStart')}
        </a>
      </p>
    </Layout>
  );
}
