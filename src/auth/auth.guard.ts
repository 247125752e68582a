import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import type { Role } from '../users/user.entity.js';
import { Caller, KEY_SCOPES, PUBLIC_ROUTE, ROLES_ALLOWED } from './auth.decorators.js';
import { ApiKeyAuth, keyMayCall } from '../integration/api-key-auth.service.js';
import { API_KEY_START, carriesApiKey, type ApiScope } from '../integration/api-keys.js';
import type { TokenClaims } from './auth.service.js';
import { SessionCache } from './session-cache.js';
import { cookieOptionsFor, csrfOf, csrfTokenOf, sameToken, sessionCookieName } from './browser-session.js';
import { isPortalRoute } from '../common/portal-routes.js';

/** The user behind a token, as it is now: an indexed lookup, kept by SessionCache until a trigger says the user changed. */
const SESSION = `
SELECT u.role, u.auth_version = $2 AND u.disabled_at IS NULL AND NOT EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $3) AS valid
  FROM users u WHERE u.id = $1`;

/**
 * Global guard: every route needs a valid bearer token unless marked
 * @Public(); @Roles() narrows it further. The signature alone is not enough:
 * the user must exist, be enabled, and the session not ended; the role comes
 * from the database, not the token. What the database said is kept per
 * session (SessionCache) until the user changes, so most requests need no
 * round trip for it. The portal's pages (/app) take the same token from
 * their session cookie instead, and every change they make must carry the
 * session's CSRF token.
 */
/** Tokens whose signature was checked, kept to skip the HMAC on their next requests. */
const VERIFIED_TOKENS = 10_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verified = new Map<string, TokenClaims>();
  /** The portal's session cookie, named as the portal sets it (`__Host-` on https). */
  private readonly sessionCookie: string;

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionCache,
    private readonly config: AppConfig,
    private readonly keys: ApiKeyAuth,
  ) {
    this.sessionCookie = sessionCookieName(cookieOptionsFor(config.env.PUBLIC_URL).secure);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { caller?: Caller }>();
    refuseKeyInQuery(request);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const portal = isPortalRoute(request.routeOptions.url);
    const caller = await this.callerOf(request);
    if (!caller) {
      if (!portal) http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new DomainError(
        'unauthorized',
        portal
          ? 'Please sign in'
          : bearerOf(request)?.startsWith(API_KEY_START)
            ? 'This API key is unknown, revoked or expired'
            : 'A valid bearer access token is required',
      );
    }
    if (caller.apiKey) {
      // A key calls only the routes its scopes open, whatever roles they are for; it is counted against its own limit.
      const wanted = this.reflector.getAllAndOverride<ApiScope[] | undefined>(KEY_SCOPES, targets);
      if (!wanted) throw new DomainError('forbidden', 'API keys cannot call this route: it is for people');
      if (!keyMayCall(caller.apiKey.scopes, wanted))
        throw new DomainError('forbidden', `This API key lacks the scope this route needs: ${wanted.join(' or ')}`);
      await this.keys.admit(caller.apiKey);
      return true;
    }
    // An upload refused before its form was read carries no token to check; its refusal is raised next, and nothing is done.
    if (
      portal &&
      !SAFE_METHODS.has(request.method) &&
      !request.uploadRefusal &&
      !this.carriesCsrf(caller, csrfOf(request))
    ) {
      throw new DomainError(
        'forbidden',
        'This form has expired or did not come from this site; reload the page and try again',
      );
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_ALLOWED, targets);
    if (allowed && !allowed.includes(caller.role)) {
      throw new DomainError('forbidden', `This action is for ${allowed.join(' or ')} accounts`);
    }
    return true;
  }

  /**
   * The signed-in caller of a request (the portal's session cookie on /app,
   * the bearer token elsewhere), or undefined; kept on the request, so a hook
   * that needed it before the body was read (uploads) and the guard ask once.
   */
  async callerOf(request: FastifyRequest & { caller?: Caller }): Promise<Caller | undefined> {
    if (request.caller) return request.caller;
    // The portal reads only its session cookie: a key sent to a page is ignored (keys never sign in to the portal).
    const portal = isPortalRoute(request.routeOptions.url);
    const token = portal ? request.cookies[this.sessionCookie] : bearerOf(request);
    const caller = !token
      ? undefined
      : !portal && token.startsWith(API_KEY_START)
        ? await this.keys.authenticate(token)
        : await this.authenticate(token);
    if (caller) request.caller = caller;
    return caller;
  }

  /** Whether `given` is the CSRF token of the caller's portal session. */
  carriesCsrf(caller: Caller, given: unknown): boolean {
    return sameToken(given, csrfTokenOf(this.config.jwtSecret, caller.tokenId!));
  }

  private async authenticate(token: string): Promise<Caller | undefined> {
    if (token.startsWith(API_KEY_START)) return undefined;
    let claims = this.verified.get(token);
    if (!claims || (claims.exp !== undefined && claims.exp * 1000 <= Date.now())) {
      try {
        claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
      } catch {
        this.verified.delete(token);
        return undefined;
      }
      // A token's signature and claims never change: checked once, it is only its expiry that needs looking at again.
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.clear();
      this.verified.set(token, claims);
    }
    if (
      typeof claims.sub !== 'string' ||
      !isUuid(claims.sub) ||
      !Number.isInteger(claims.ver) ||
      typeof claims.jti !== 'string' ||
      !isUuid(claims.jti)
    )
      return undefined;
    const key = `${claims.ver}:${claims.jti}`;
    let role = this.sessions.get(claims.sub, key);
    if (!role) {
      const snapshot = this.sessions.snapshot(claims.sub);
      const [session]: { role: Role; valid: boolean }[] = await this.db.query(SESSION, [
        claims.sub,
        claims.ver,
        claims.jti,
      ]);
      if (!session?.valid) return undefined;
      role = session.role;
      this.sessions.put(claims.sub, key, role, snapshot);
    }
    return {
      id: claims.sub,
      role,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp ? new Date(claims.exp * 1000) : undefined,
    };
  }
}

/** The bearer token of a request's Authorization header, if it has one. */
const bearerOf = (request: FastifyRequest): string | undefined =>
  request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];

/** 400 for an API key in the address (any route): addresses land in logs and browser histories, so such a key is spent. */
function refuseKeyInQuery(request: FastifyRequest): void {
  const query = request.query;
  if (!query || typeof query !== 'object') return;
  for (const [name, value] of Object.entries(query as Record<string, unknown>))
    if (carriesApiKey(value))
      throw DomainError.invalid(
        name,
        'An API key goes in the Authorization header (Bearer pk_…), never in the address, which logs keep: revoke this key and make another',
      );
}
