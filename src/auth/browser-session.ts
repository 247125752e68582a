import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';

/** The portal's session: the same access token the API issues, kept in an HttpOnly cookie (named by `sessionCookieName`). */
export const SESSION_COOKIE = 'parley_session';
/** Before sign-in there is no session to tie a CSRF token to: the sign-in form is checked against a signed nonce in this cookie instead (named by `loginCsrfCookieName`). */
export const LOGIN_CSRF_COOKIE = 'parley_login_csrf';
/** How long a sign-in form stays good, in seconds (wall-clock time, as for access tokens). */
export const LOGIN_CSRF_TTL_SECONDS = 2 * 3600;
/** Where a form puts its CSRF token; htmx sends the same token in a header. */
export const CSRF_FIELD = '_csrf';
/** The hidden field every portal form carries: the address of the page it is on, where a refusal shows it again. */
export const PAGE_FIELD = '_page';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether the portal is served over https (PUBLIC_URL says so), which names and secures its cookies; not the request's own protocol, which a TLS proxy hides. */
    portalSecure: boolean;
  }
}

/** Sessions' CSRF tokens computed lately, by session id and secret (at most MAX_CSRF_TOKENS). */
const csrfTokens = new Map<string, string>();
const MAX_CSRF_TOKENS = 10_000;

/** The CSRF token of a session: derived from the token's id, so it needs no storage and dies with the session. */
export function csrfTokenOf(secret: string, sessionId: string): string {
  // Every page carries its session's token: each is computed once while its session is in use.
  const key = `${sessionId}|${secret}`;
  let token = csrfTokens.get(key);
  if (token === undefined) {
    token = createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');
    if (csrfTokens.size >= MAX_CSRF_TOKENS) csrfTokens.clear();
    csrfTokens.set(key, token);
  }
  return token;
}

/** The key of the sign-in form's tokens: derived from the signing secret for this use alone, so it can never stand for a session's CSRF token or anything else. */
const loginCsrfKey = (secret: string): Buffer => Buffer.from(hkdfSync('sha256', secret, '', 'parley login-csrf', 32));

const loginCsrfMac = (secret: string, cookie: string): string =>
  createHmac('sha256', loginCsrfKey(secret)).update(cookie).digest('base64url');

/**
 * A sign-in form's CSRF pair: the cookie holds a random nonce and its expiry,
 * the form field holds their HMAC. Only the server can make a field that fits
 * a cookie, so a cookie a sibling site plants with a field of its choosing is
 * refused. A genuine pair it fetched from the sign-in page would still fit
 * (until it expires): the `__Host-` name on https keeps such a site from
 * planting the cookie at all, and the sign-in form refuses posts browsers
 * mark as coming from another origin.
 */
export function newLoginCsrf(secret: string, now: number): { cookie: string; field: string } {
  const cookie = `${randomBytes(24).toString('base64url')}.${Math.floor(now / 1000) + LOGIN_CSRF_TTL_SECONDS}`;
  return { cookie, field: loginCsrfMac(secret, cookie) };
}

/** Whether a sign-in form's field is the HMAC of the nonce in its cookie, and that nonce has not expired. */
export function loginCsrfHolds(secret: string, cookie: unknown, field: unknown, now: number): boolean {
  if (typeof cookie !== 'string') return false;
  const match = /^[A-Za-z0-9_-]{32}\.(\d{1,12})$/.exec(cookie);
  if (!match || Number(match[1]) * 1000 <= now) return false;
  return sameToken(field, loginCsrfMac(secret, cookie));
}

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

export const cookieOptionsFor = (publicUrl: string): CookieOptions => ({ secure: publicUrl.startsWith('https:') });

/**
 * On https the portal's cookies are `__Host-` cookies: browsers take them only
 * when Secure, for Path=/ and without Domain, so no other site (a sibling
 * subdomain included) can set or shadow them. Browsers refuse the prefix
 * without Secure, so on plain http they keep their bare names.
 */
export const hostCookie = (name: string, secure: boolean): string => (secure ? `__Host-${name}` : name);
export const sessionCookieName = (secure: boolean): string => hostCookie(SESSION_COOKIE, secure);
export const loginCsrfCookieName = (secure: boolean): string => hostCookie(LOGIN_CSRF_COOKIE, secure);

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
  options: CookieOptions,
): void {
  void reply.setCookie(sessionCookieName(options.secure), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, options: CookieOptions): void {
  void reply.clearCookie(sessionCookieName(options.secure), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
  });
}

export function setLoginCsrfCookie(reply: FastifyReply, value: string, options: CookieOptions): void {
  void reply.setCookie(loginCsrfCookieName(options.secure), value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
    maxAge: LOGIN_CSRF_TTL_SECONDS,
  });
}

export function clearLoginCsrfCookie(reply: FastifyReply, options: CookieOptions): void {
  void reply.clearCookie(loginCsrfCookieName(options.secure), {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
  });
}

/** Only a path inside the portal is a place to return to after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/app(\/[A-Za-z0-9\-._~/%?=&]*)?$/.test(next) && !next.startsWith('//')
    ? next
    : '/app';
}
