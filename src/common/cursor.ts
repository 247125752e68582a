import { DomainError } from './domain-error.js';
import { isUuid } from './ids.js';

/**
 * Keyset cursors for paged lists: the sort key of the last row (an instant,
 * or `infinity` for rows sorted last) and its id, opaque to clients.
 */
export function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/** The key and id of a cursor this service issued; anything else is a 400 naming the parameter it came in (`field`). */
export function decodeCursor(
  cursor: string,
  idKind: 'uuid' | 'serial' = 'uuid',
  field = 'cursor',
): { key: string; id: string } {
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const idOk = typeof id === 'string' && (idKind === 'uuid' ? isUuid(id) : /^\d{1,18}$/.test(id));
    if (typeof key === 'string' && idOk && (key === 'infinity' || isInstant(key))) return { key, id: id };
  } catch {
    // the 400 below
  }
  throw DomainError.invalid(field, `${field} is not one this endpoint returned`);
}

/**
 * An instant as cursors carry it: ISO 8601 with a four-digit year. Date.parse
 * alone takes "1" or "+100000-01-01", which PostgreSQL refuses (a 500, not a 400).
 */
export function isInstant(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(Date.parse(text))
  );
}
