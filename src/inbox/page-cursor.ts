import { isInstant } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import type { PageDirection, SentKind } from './inbox.queries.js';

/**
 * A Message Center page cursor, opaque to clients: the edge item of the page
 * it came from (its instant and sequence number, and for Sent the kind of
 * message, whose numbers are per kind) and which way the next page goes.
 */
export interface PageCursor {
  at: string;
  seq: string;
  direction: PageDirection;
  kind?: SentKind;
}

export function encodePageCursor(cursor: PageCursor): string {
  const { at, seq, direction, kind } = cursor;
  return Buffer.from(JSON.stringify(kind ? [at, seq, direction, kind] : [at, seq, direction])).toString('base64url');
}

const isDirection = (value: unknown): value is PageDirection => value === 'older' || value === 'newer';
const isKind = (value: unknown): value is SentKind => value === 'case' || value === 'claim';

/** A cursor this service issued, for the list it was issued for (Sent's name a kind, the others' do not); anything else is a 400 naming `cursor`. */
export function decodePageCursor(text: string, sent: boolean): PageCursor {
  try {
    const parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === (sent ? 4 : 3)) {
      const [at, seq, direction, kind] = parts as unknown[];
      if (
        typeof at === 'string' &&
        isInstant(at) &&
        typeof seq === 'string' &&
        /^\d{1,18}$/.test(seq) &&
        isDirection(direction) &&
        (sent ? isKind(kind) : kind === undefined)
      )
        return sent ? { at, seq, direction, kind: kind as SentKind } : { at, seq, direction };
    }
  } catch {
    // the 400 below
  }
  throw DomainError.invalid('cursor', 'cursor is not one this list returned');
}
