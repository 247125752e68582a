import type { FastifyReply, FastifyRequest } from 'fastify';
import { hostCookie } from '../auth/browser-session.js';
import { isPortalRoute } from '../common/portal-routes.js';

/** A notice for the next page after a change ("3 messages moved to Trash"): in a cookie, so no link can make the site say something it did not. */
export const FLASH_COOKIE = 'parley_flash';

declare module 'fastify' {
  interface FastifyRequest {
    /** The notice left by the change before this page, taken from its cookie. */
    flash?: string;
  }
}

/** The notice cookie's name: `__Host-` on https, like the session's, so no other site can plant a notice. */
export const flashCookieName = (secure: boolean): string => hostCookie(FLASH_COOKIE, secure);

export function setFlash(reply: FastifyReply, notice: string): void {
  const secure = reply.request.portalSecure;
  void reply.setCookie(flashCookieName(secure), notice.slice(0, 200), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: 60,
  });
}

/**
 * Takes the notice out of its cookie on the next full page (a partial
 * update fetched by htmx leaves it for the page), so it shows once.
 */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): void {
  const name = flashCookieName(request.portalSecure);
  const notice = request.cookies[name];
  if (notice === undefined || request.method !== 'GET' || !isPortalRoute(request.routeOptions.url)) return;
  if (request.headers['hx-request'] === 'true' && request.headers['hx-boosted'] !== 'true') return;
  request.flash = notice;
  void reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.portalSecure });
}
