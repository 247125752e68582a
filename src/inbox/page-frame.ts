import { CATEGORIES } from '../notifications/categories.js';
import { unreadColumn } from './inbox.queries.js';

/**
 * What `COUNTERS_AND_PERSON` reads for a page's frame (the person's name, time
 * zone and language, and their unread total), as a FROM item named `frame`
 * with the columns `frame_name`, `frame_zone`, `frame_locale` and
 * `frame_unread`, for a page's own statement to join: the page is then one
 * round trip. `userId` is a uuid placeholder. No row when the user does not
 * exist (any more).
 */
export function pageFrameSql(userId: string): string {
  const unread = CATEGORIES.map((category) => `COALESCE(ic.${unreadColumn(category)}, 0)`).join(' + ');
  return `(SELECT u.display_name AS frame_name, u.time_zone AS frame_zone, u.locale AS frame_locale, (${unread})::int AS frame_unread
     FROM users u LEFT JOIN inbox_counters ic ON ic.user_id = u.id
    WHERE u.id = ${userId}) AS frame`;
}

/** A page's frame as a FROM item (named `frame`), given the statement's placeholder maker: see `InboxService.prepareFrame`. */
export type FrameJoin = (placeholder: (value: unknown, type: string) => string) => string;

/** What a page's frame shows of the person reading it: their name, the time zone and language they chose, their unread total. */
export interface ViewerFrame {
  displayName: string;
  timeZone: string | null;
  locale: string | null;
  unread: number;
}

/** The frame a row of a statement that joined `pageFrameSql` carries. */
export function viewerFrameOf(row: Record<string, unknown>): ViewerFrame {
  return {
    displayName: String(row.frame_name),
    timeZone: (row.frame_zone as string | null) ?? null,
    locale: (row.frame_locale as string | null) ?? null,
    unread: Number(row.frame_unread),
  };
}
