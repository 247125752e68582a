import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Category } from './categories.js';
import { isCategory } from './categories.js';

const VALID_FOR_MS = 180 * 86_400_000;

export interface UnsubscribeClaim {
  userId: string;
  category: Category;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', `unsubscribe:${secret}`).update(payload).digest('base64url');
}

/** A signed, expiring token naming a user and a category, for RFC 8058 one-click unsubscribe links. */
export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim, now: Date): string {
  const payload = Buffer.from(
    JSON.stringify({ u: claim.userId, c: claim.category, e: now.getTime() + VALID_FOR_MS }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The claim of a genuine, unexpired token; undefined for anything else. */
export function verifyUnsubscribeToken(secret: string, token: string, now: Date): UnsubscribeClaim | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const { u, c, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      u: unknown;
      c: unknown;
      e: unknown;
    };
    if (typeof u !== 'string' || typeof c !== 'string' || !isCategory(c) || typeof e !== 'number' || e < now.getTime())
      return undefined;
    return { userId: u, category: c };
  } catch {
    return undefined;
  }
}
