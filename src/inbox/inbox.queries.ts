import { CATEGORIES } from '../notifications/categories.js';

/** An item's full-text search vector from its subject, sender name and body (SQL expressions): subject first, then sender, then body. */
export function searchVectorSql(subject: string, senderName: string, body: string): string {
  return `setweight(to_tsvector('parley_search', ${subject}), 'A') || setweight(to_tsvector('parley_search', ${senderName}), 'B') || setweight(to_tsvector('parley_search', left(${body}, 20000)), 'C')`;
}

/** The counter column of a category's unread items. */
export const unreadColumn = (category: string): string => `unread_${category}`;

/** The channel on which a delivery tells every instance's live streams whom to refresh (a user id, or `*` for everyone). */
export const INBOX_CHANNEL = 'parley_inbox';

/**
 * The CTEs that deliver Message Center items from the rows of the CTE
 * `source`, whose columns are: outbox_id, user_id, category, kind,
 * sender_kind, sender_id, sender_name, subject, body, case_id, order_id,
 * claim_id, message_id, at, ord (the order of a user's items in the batch).
 *
 * Each recipient's counters row is created or advanced first (its row lock
 * makes one user's deliveries take turns, so item sequence numbers grow in
 * commit order, which the live stream resumes from), unread counts grow by
 * category, and the items take the sequence numbers just reserved. Defines
 * `<prefix>_per_user`, `<prefix>_counted` and `<prefix>_items` (RETURNING
 * user_id, seq); splice into a statement's WITH list. With `ids`, the source
 * also has an `id` column: the items' ids, chosen by the caller (a
 * broadcast's are known before its items exist).
 */
export function inboxDeliverCtes(source: string, prefix = 'delivery', { ids = false } = {}): string {
  const perCategory = CATEGORIES.map((category) => `count(*) FILTER (WHERE category = '${category}')::int AS ${unreadColumn(category)}`).join(', ');
  const columns = CATEGORIES.map(unreadColumn);
  return `${prefix}_per_user AS (
  SELECT user_id, count(*)::int AS n, ${perCategory} FROM ${source} GROUP BY user_id
),
${prefix}_counted AS (
  INSERT INTO inbox_counters AS c (user_id, seq, ${columns.join(', ')})
  SELECT user_id, n, ${columns.join(', ')} FROM ${prefix}_per_user
  ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + EXCLUDED.seq, ${columns.map((column) => `${column} = c.${column} + EXCLUDED.${column}`).join(', ')}
  RETURNING c.user_id, c.seq
),
${prefix}_items AS (
  INSERT INTO inbox_items (${ids ? 'id, ' : ''}outbox_id, user_id, seq, category, kind, sender_kind, sender_id, sender_name, subject, body, case_id, order_id, claim_id, message_id, created_at, search)
  SELECT ${ids ? 's.id, ' : ''}s.outbox_id, s.user_id, k.seq - u.n + row_number() OVER (PARTITION BY s.user_id ORDER BY s.ord), s.category, s.kind, s.sender_kind, s.sender_id, s.sender_name,
         s.subject, s.body, s.case_id, s.order_id, s.claim_id, s.message_id, s.at, ${searchVectorSql('s.subject', 's.sender_name', 's.body')}
    FROM ${source} s JOIN ${prefix}_counted k ON k.user_id = s.user_id JOIN ${prefix}_per_user u ON u.user_id = s.user_id
  RETURNING user_id, seq
)`;
}

/** An expression (for the final SELECT) that tells the live streams of every instance which users have new items; evaluates to how many. */
export function inboxNotifySql(prefix = 'delivery'): string {
  return `(SELECT count(pg_notify('${INBOX_CHANNEL}', user_id::text)) FROM (SELECT DISTINCT user_id FROM ${prefix}_items) AS notified_users)`;
}

/**
 * A change to items, as SQL on the item `i`: which items it applies to, what
 * it sets, and what it does to the unread and Trash counts. Each change sets
 * one column that its count deltas do not depend on, so the deltas read the
 * row as the UPDATE returns it.
 */
export interface ItemChange {
  applies: string;
  set: string;
  unreadDelta: string;
  trashDelta: string;
}

/** Marking read or unread, moving to Trash and back, hiding (reported or quarantined) and showing again. `$now` is the instant parameter. */
export const ITEM_CHANGES = {
  read: { applies: 'i.read_at IS NULL', set: 'read_at = $now', unreadDelta: 'CASE WHEN i.deleted_at IS NULL THEN -1 ELSE 0 END', trashDelta: '0' },
  unread: { applies: 'i.read_at IS NOT NULL', set: 'read_at = NULL', unreadDelta: 'CASE WHEN i.deleted_at IS NULL THEN 1 ELSE 0 END', trashDelta: '0' },
  delete: { applies: 'i.deleted_at IS NULL', set: 'deleted_at = $now', unreadDelta: 'CASE WHEN i.read_at IS NULL THEN -1 ELSE 0 END', trashDelta: '1' },
  restore: { applies: 'i.deleted_at IS NOT NULL', set: 'deleted_at = NULL', unreadDelta: 'CASE WHEN i.read_at IS NULL THEN 1 ELSE 0 END', trashDelta: '-1' },
  hide: {
    applies: 'i.hidden_at IS NULL',
    set: 'hidden_at = $now',
    unreadDelta: 'CASE WHEN i.read_at IS NULL AND i.deleted_at IS NULL THEN -1 ELSE 0 END',
    trashDelta: 'CASE WHEN i.deleted_at IS NOT NULL THEN -1 ELSE 0 END',
  },
  show: {
    applies: 'i.hidden_at IS NOT NULL',
    set: 'hidden_at = NULL',
    unreadDelta: 'CASE WHEN i.read_at IS NULL AND i.deleted_at IS NULL THEN 1 ELSE 0 END',
    trashDelta: 'CASE WHEN i.deleted_at IS NOT NULL THEN 1 ELSE 0 END',
  },
} as const satisfies Record<string, ItemChange>;
export type ItemChangeName = keyof typeof ITEM_CHANGES;

/**
 * One statement that applies `change` to the items `scope` selects (a
 * condition on `i`, the items table), adjusts each owner's counters by
 * exactly what changed (an UPDATE re-checks its condition on a row another
 * transaction changed meanwhile, so nothing is counted twice), and tells the
 * owners' live streams. `now` is the SQL of the instant. Returns rows `{ updated }`.
 */
export function changeItemsSql(change: ItemChange, scope: string, now: string): string {
  const deltas = CATEGORIES.map((category) => `COALESCE(sum(d_unread) FILTER (WHERE category = '${category}'), 0)::int AS ${unreadColumn(category)}`).join(', ');
  return `
WITH changed AS (
  UPDATE inbox_items i SET ${change.set.replace('$now', now)}
   WHERE ${scope} AND ${change.applies}
  RETURNING i.user_id, i.category, ${change.unreadDelta} AS d_unread, ${change.trashDelta} AS d_trash
),
deltas AS (
  SELECT user_id, COALESCE(sum(d_trash), 0)::int AS trash, ${deltas} FROM changed GROUP BY user_id
),
counted AS (
  UPDATE inbox_counters c SET trash = c.trash + d.trash, ${CATEGORIES.map((category) => `${unreadColumn(category)} = c.${unreadColumn(category)} + d.${unreadColumn(category)}`).join(', ')}
    FROM deltas d WHERE c.user_id = d.user_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM changed)::int AS updated, (SELECT count(*) FROM counted)::int AS counters,
       (SELECT count(pg_notify('${INBOX_CHANNEL}', user_id::text)) FROM deltas) AS notified`;
}

/**
 * The most a Message Center search may ask for (docs/security.md). A search
 * is checked against the user's items one by one whenever its words are
 * common, so its cost grows with its terms: these keep the worst search of a
 * 100,000-item Message Center well under a second. Longer or more complex
 * searches are refused with a reason, never cut short.
 */
export const SEARCH_LIMITS = { characters: 256, terms: 16, wordsPerTerm: 8 } as const;

/** Anything but letters, digits, white space and the web-search syntax (quotes, minus, apostrophes): neither matched nor in the way. */
const IGNORED = /[^\p{L}\p{M}\p{N}\s"'-]+/gu;
/** A run of minus signs, a quoted phrase (an unclosed quote runs to the end), or a word. */
const TOKEN = /(-+)|"([^"]*)"?|([^\s"-][^\s"]*)/gu;
const EDGE_MARKS = /^['-]+|['-]+$/g;

interface SearchTerm {
  /** The words of the term (one unless it was a phrase), each without leading or trailing - and '. */
  words: string[];
  exclude: boolean;
  phrase: boolean;
}

/** A search as PostgreSQL's `websearch_to_tsquery` is given it (an empty string matches nothing), or why it is refused. */
export type ParsedSearch = { websearch: string } | { refused: string };

/**
 * Reads a search written in web-search syntax (words, "a phrase", -exclusion,
 * `or` between two terms) as PostgreSQL would, checks its size against
 * SEARCH_LIMITS, and writes it again in a form with one operator at most
 * between terms and every term quoted: degenerate input (runs of minus signs,
 * stray quotes, `or` with nothing to join) becomes a harmless search instead
 * of an error in PostgreSQL ("tsquery stack too small").
 */
export function parseSearch(q: string): ParsedSearch {
  if ([...q].length > SEARCH_LIMITS.characters) return { refused: `Search with at most ${SEARCH_LIMITS.characters} characters` };
  const tokens = [...q.replace(IGNORED, ' ').matchAll(TOKEN)];
  const items: (SearchTerm | 'or')[] = [];
  let exclude = false;
  tokens.forEach(([, minus, phrase, word], index) => {
    if (minus !== undefined) {
      exclude = true;
      return;
    }
    const previous = items[items.length - 1];
    // `or` joins the terms either side of it; anywhere else it is a word (as PostgreSQL reads it).
    if (word?.toLowerCase() === 'or' && !exclude && previous !== undefined && previous !== 'or' && index < tokens.length - 1) {
      items.push('or');
      return;
    }
    const words = (phrase ?? word)
      .split(/\s+/u)
      .map((part) => part.replace(EDGE_MARKS, ''))
      .filter((part) => part !== '');
    if (words.length > 0) items.push({ words, exclude, phrase: phrase !== undefined });
    exclude = false;
  });
  while (items[items.length - 1] === 'or') items.pop();
  const terms = items.filter((item): item is SearchTerm => item !== 'or');
  if (terms.length > SEARCH_LIMITS.terms) return { refused: `Search for at most ${SEARCH_LIMITS.terms} words or phrases` };
  // PostgreSQL searches a word joined with - or ' (e-mail, l'été) as a phrase of its parts.
  const long = terms.find((term) => term.words.flatMap((w) => w.split(/['-]+/u)).filter((part) => part !== '').length > SEARCH_LIMITS.wordsPerTerm);
  if (long) {
    return { refused: long.phrase ? `Put at most ${SEARCH_LIMITS.wordsPerTerm} words in a phrase` : `Join at most ${SEARCH_LIMITS.wordsPerTerm} words with - or '` };
  }
  return { websearch: items.map((item) => (item === 'or' ? 'or' : `${item.exclude ? '-' : ''}"${item.words.join(' ')}"`)).join(' ') };
}

/** The reporter's earlier report of an item, if any: one report per item and reporter. */
export const EARLIER_REPORT = `SELECT id, status FROM inbox_reports WHERE item_id = $1 AND reporter_id = $2`;
