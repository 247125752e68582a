import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Body, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { CurrentCaller, Public } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { LoginDto } from '../auth/auth.dto.js';
import { AuthService } from '../auth/auth.service.js';
import { DomainError } from '../common/domain-error.js';
import { PortalPages } from './portal-pages.js';
import {
  clearLoginCsrfCookie,
  clearSessionCookie,
  cookieOptionsFor,
  LOGIN_CSRF_COOKIE,
  loginCsrfCookieName,
  loginCsrfHolds,
  newLoginCsrf,
  PAGE_FIELD,
  safeNext,
  setLoginCsrfCookie,
  setSessionCookie,
} from '../auth/browser-session.js';
import { formDto, PortalController, redirectTo } from './portal.js';
import { HOME, Layout } from './views/layout.js';
import type { PageContext } from './views/layout.js';
import { ApiExcludeController } from '@nestjs/swagger';

const resolve = createRequire(import.meta.url).resolve;

/** The portal's scripts and styles, read once: its own, and htmx with its SSE extension from node_modules (no CDN). */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'portal.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('./assets/portal.css', import.meta.url)),
  },
  'portal.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('./assets/portal.js', import.meta.url)),
  },
  'htmx.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(resolve('htmx.org/dist/htmx.min.js')) },
  'sse.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(resolve('htmx-ext-sse/dist/sse.min.js')) },
};

@ApiExcludeController()
@Controller('app/assets')
export class PortalAssetsController {
  @Public()
  @Get(':name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException('No such asset');
    void reply.type(asset.type).header('Cache-Control', 'public, max-age=300').send(asset.body);
  }
}

@PortalController()
@Controller()
export class PortalAuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly pages: PortalPages,
    private readonly config: AppConfig,
  ) {}

  private get cookieOptions() {
    return cookieOptionsFor(this.config.env.PUBLIC_URL);
  }

  @Public()
  @Get()
  root(@Res() reply: FastifyReply): void {
    redirectTo(reply, '/app');
  }

  @Get('app')
  home(@CurrentCaller() caller: Caller, @Res() reply: FastifyReply): void {
    redirectTo(reply, HOME[caller.role]);
  }

  @Public()
  @Get('app/login')
  async loginPage(
    @Query('next') next: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const csrf = newLoginCsrf(this.config.jwtSecret, Date.now());
    setLoginCsrfCookie(reply, csrf.cookie, this.cookieOptions);
    // Earlier versions kept this cookie on Path=/app/login, where it would be sent first and shadow the new one.
    if (!this.cookieOptions.secure && request.cookies[LOGIN_CSRF_COOKIE] !== undefined)
      void reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/app/login' });
    reply.send(
      await LoginPage({
        ctx: await this.pages.context(undefined, undefined, request),
        next: safeNext(next),
        csrf: csrf.field,
      }),
    );
  }

  @Public()
  @Post('app/login')
  async login(
    @Body() form: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const next = safeNext(form.next);
    if (
      !fromThisOrigin(request) ||
      !loginCsrfHolds(
        this.config.jwtSecret,
        request.cookies[loginCsrfCookieName(this.cookieOptions.secure)],
        form._csrf,
        Date.now(),
      )
    ) {
      // Said on the portal's error page (this form is the portal's own), so in the reader's language.
      const i18n = await this.pages.messages(undefined, request);
      throw new DomainError('forbidden', i18n.t('auth.login.expired'));
    }
    const dto = await formDto(LoginDto, { email: form.email, password: form.password });
    let session;
    try {
      session = await this.auth.login(dto, request.ip);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'unauthorized') throw error;
      reply.status(401);
      return void reply.send(
        await LoginPage({
          ctx: await this.pages.context(undefined, undefined, request),
          next,
          csrf: String(form._csrf),
          failed: true,
          email: dto.email,
        }),
      );
    }
    setSessionCookie(reply, session.accessToken, session.expiresIn, this.cookieOptions);
    clearLoginCsrfCookie(reply, this.cookieOptions);
    redirectTo(reply, next === '/app' ? HOME[session.user.role] : next);
  }

  /** Signing out: the sign-in page after it, signed out, is in the browser's language, and so is its notice. */
  @Post('app/logout')
  async logout(
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(caller);
    clearSessionCookie(reply, this.cookieOptions);
    const i18n = await this.pages.messages(undefined, request);
    redirectTo(reply, '/app/login', i18n.t('auth.signedOut'));
  }

  /** Settings' "Sign out everywhere": every session of the account ends, in every browser and app, on every instance. */
  @Post('app/logout-all')
  async logoutEverywhere(
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logoutEverywhere(caller);
    clearSessionCookie(reply, this.cookieOptions);
    const i18n = await this.pages.messages(undefined, request);
    redirectTo(reply, '/app/login', i18n.t('auth.signedOutEverywhere'));
  }
}

/**
 * A sign-in form must be posted from Parley's own pages. Browsers say where a
 * request comes from (Sec-Fetch-Site); a sibling subdomain is "same-site",
 * which SameSite cookies let through, so it is refused here. Clients that send
 * no such header (older browsers, scripts) rely on the CSRF pair alone.
 */
function fromThisOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

function LoginPage(props: {
  ctx: PageContext;
  next: string;
  csrf: string;
  failed?: boolean;
  email?: string;
}): JSX.Element {
  const { i18n } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={i18n.t('auth.login.pageTitle')}>
      <div class="login card">
        <h1 safe>{i18n.t('auth.login.title')}</h1>
        {props.failed && (
          <p class="error" role="alert" safe>
            {i18n.t('auth.login.failed')}
          </p>
        )}
        <form method="post" action="/app/login">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <input type="hidden" name={PAGE_FIELD} value={`/app/login?next=${encodeURIComponent(props.next)}`} />
          <label for="email" safe>
            {i18n.t('form.field.email')}
          </label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ''} />
          <label for="password" safe>
            {i18n.t('form.field.password')}
          </label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <p class="actions">
            <button type="submit" safe>
              {i18n.t('auth.login.submit')}
            </button>
          </p>
        </form>
      </div>
    </Layout>
  );
}
