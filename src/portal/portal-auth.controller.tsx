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
import { clearSessionCookie, LOGIN_CSRF_COOKIE, newLoginCsrf, safeNext, sameToken, setSessionCookie } from './portal-session.js';
import { formDto, PortalController, redirectTo } from './portal.js';
import { HOME, Layout } from './views/layout.js';
import type { PageContext } from './views/layout.js';
import { ApiExcludeController } from '@nestjs/swagger';

const resolve = createRequire(import.meta.url).resolve;

/** The portal's scripts and styles, read once: its own, and htmx with its SSE extension from node_modules (no CDN). */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./assets/portal.css', import.meta.url)) },
  'portal.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./assets/portal.js', import.meta.url)) },
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
    return { secure: this.config.env.PUBLIC_URL.startsWith('https:') };
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
  async loginPage(@Query('next') next: unknown, @Res() reply: FastifyReply): Promise<void> {
    const token = newLoginCsrf();
    void reply.setCookie(LOGIN_CSRF_COOKIE, token, { path: '/app/login', httpOnly: true, sameSite: 'strict', secure: this.cookieOptions.secure });
    reply.send(await LoginPage({ ctx: await this.pages.context(undefined), next: safeNext(next), csrf: token }));
  }

  @Public()
  @Post('app/login')
  async login(@Body() form: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const next = safeNext(form.next);
    const expected = request.cookies[LOGIN_CSRF_COOKIE];
    if (!expected || !sameToken(form._csrf, expected)) throw new DomainError('forbidden', 'The sign-in form has expired; reload the page and try again');
    const dto = await formDto(LoginDto, { email: form.email, password: form.password });
    let session;
    try {
      session = await this.auth.login(dto, request.ip);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'unauthorized') throw error;
      reply.status(401);
      return void reply.send(await LoginPage({ ctx: await this.pages.context(undefined), next, csrf: expected, failed: true, email: dto.email }));
    }
    setSessionCookie(reply, session.accessToken, session.expiresIn, this.cookieOptions);
    void reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/app/login' });
    redirectTo(reply, next === '/app' ? HOME[session.user.role] : next);
  }

  @Post('app/logout')
  async logout(@CurrentCaller() caller: Caller, @Res() reply: FastifyReply): Promise<void> {
    await this.auth.logout(caller);
    clearSessionCookie(reply, this.cookieOptions);
    redirectTo(reply, '/app/login', 'You are signed out');
  }
}

function LoginPage(props: { ctx: PageContext; next: string; csrf: string; failed?: boolean; email?: string }): JSX.Element {
  return (
    <Layout ctx={props.ctx} title="Sign in">
      <div class="login card">
        <h1>Sign in to Parley</h1>
        {props.failed && (
          <p class="error" role="alert">
            Wrong email or password.
          </p>
        )}
        <form method="post" action="/app/login">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ''} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <p class="actions">
            <button type="submit">Sign in</button>
          </p>
        </form>
      </div>
    </Layout>
  );
}
