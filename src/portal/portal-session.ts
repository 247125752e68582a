import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';

/** The portal's session: the same access token the API issues, kept in an HttpOnly cookie. */
export const SESSION_COOKIE = 'parley_session';
/** Before sign-in there is no session to tie a CSRF token to: the sign-in form is checked against this cookie instead (double submit). */
export const LOGIN_CSRF_COOKIE = 'parley_login_csrf';
/** Where a form puts its CSRF token; htmx sends the same token in a header. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** A notice for the next page after a change ("3 messages moved to Trash"): in a cookie, so no link can make the site say something it did not. */
export const FLASH_COOKIE = 'parley_flash';

declare module 'fastify' {
  interface FastifyRequest {
    /** The notice left by the change before this page, taken from its cookie. */
    flash?: string;
  }
}

/** Routes of the portal: sessions come from the cookie there, and nowhere else (the JSON API takes bearer tokens only). */
export const isPortalRoute = (url: string | undefined): boolean => url === '/app' || (url?.startsWith('/app/') ?? false);

/** The CSRF token of a session: derived from the token's id, so it needs no storage and dies with the session. */
export const csrfTokenOf = (secret: string, sessionId: string): string => createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');

export const newLoginCsrf = (): string => randomBytes(24).toString('base64url');

export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** The CSRF token a request carries, from the form or the htmx header. */
export function csrfOf(request: FastifyRequest): unknown {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string') return header;
  const body = request.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
}

export interface CookieOptions {
  /** Secure cookies only when the portal is served over https (PUBLIC_URL says so). */
  secure: boolean;
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, options: CookieOptions): void {
  void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, options: CookieOptions): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure });
}

/** Only a path inside the portal is a place to return to after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/app(\/[A-Za-z0-9\-._~/%?=&]*)?$/.test(next) && !next.startsWith('//') ? next : '/app';
}

export function setFlash(reply: FastifyReply, notice: string): void {
  void reply.setCookie(FLASH_COOKIE, notice.slice(0, 200), { path: '/app', httpOnly: true, sameSite: 'lax', secure: reply.request.protocol === 'https', maxAge: 60 });
}

/**
 * Takes the notice out of its cookie on the next full page (a partial
 * update fetched by htmx leaves it for the page), so it shows once.
 */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): void {
  const notice = request.cookies[FLASH_COOKIE];
  if (notice === undefined || request.method !== 'GET' || !isPortalRoute(request.routeOptions.url)) return;
  if (request.headers['hx-request'] === 'true' && request.headers['hx-boosted'] !== 'true') return;
  request.flash = notice;
  void reply.clearCookie(FLASH_COOKIE, { path: '/app' });
}
