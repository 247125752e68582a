import { createHash, randomBytes } from 'node:crypto';

/** What a key may do (docs/integration.md): each names the routes it opens. */
export const API_SCOPES = ['users:write', 'orders:write', 'webhooks:write', 'inbound:write', 'reports:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const isApiScope = (value: unknown): value is ApiScope =>
  typeof value === 'string' && (API_SCOPES as readonly string[]).includes(value);

/** Every key begins so: a bearer token that does is a key, never a person's session. */
export const API_KEY_START = 'pk_';
/** How many characters of a key are kept in clear and shown (`pk_` and 8 more): enough to tell keys apart in a list or a log. */
const PREFIX_LENGTH = API_KEY_START.length + 8;

/** A new key: `pk_` and 32 random bytes (base64url), its shown prefix, and the SHA-256 that is all that is stored of it. */
export function newApiKey(): { key: string; prefix: string; hash: Buffer } {
  const key = `${API_KEY_START}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, PREFIX_LENGTH), hash: apiKeyHash(key) };
}

/** What is stored of a key, and what a presented key is looked up by. */
export function apiKeyHash(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Whether a string has a key's shape (`pk_` and 43 base64url characters): anything else is no key of Parley's. */
export const looksLikeApiKey = (value: string): boolean => /^pk_[A-Za-z0-9_-]{43}$/.test(value);

/** Whether a query string value carries a key (`?key=pk_…`, or one among others): refused, as it would land in logs. */
export const carriesApiKey = (value: unknown): boolean =>
  (typeof value === 'string' && value.includes(API_KEY_START) && /(^|[^A-Za-z0-9])pk_[A-Za-z0-9_-]{20,}/.test(value)) ||
  (Array.isArray(value) && value.some(carriesApiKey));
