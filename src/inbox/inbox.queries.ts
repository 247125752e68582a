import { DomainError } from '../common/domain-error.js';
import { CATEGORIES } from '../notifications/categories.js';
import type { Folder, InboxFilterDto } from './inbox.dto.js';

/**
 * An item's full-text search vector from its subject, sender name and body (SQL expressions): subject first, then
 * sender, then body. `known` gives vectors already made of the subject or body (null where not: the text's is made).
 */
/**
 * The search vector of a text: its words as `parley_search_text` reads them
 * (every character of Japanese, Chinese or Korean text a word of its own,
 * typographic quotation marks between words) in the `parley_search`
 * configuration (no stemming, accents ignored).
 */
export const searchVector = (text: string): string => `to_tsvector('parley_search', parley_search_text(${text}))`;

export function searchVectorSql(
  subject: string,
  senderName: string,
  body: string,
  known: { subject?: string; body?: string } = {},
): string {
  const vector = (text: string, made?: string) =>
    made ? `COALESCE(${made}, ${searchVector(text)})` : searchVector(text);
  return `setweight(${vector(subject, known.subject)}, 'A') || setweight(${vector(senderName)}, 'B') || setweight(${vector(`left(${body}, 20000)`, known.body)}, 'C')`;
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
 * `<prefix>_per_user`, `<prefix>_counted`, `<prefix>_numbered` and
 * `<prefix>_items` (RETURNING user_id, seq); splice into a statement's WITH
 * list. With `ids`, the source also has an `id` column: the items' ids,
 * chosen by the caller (a broadcast's are known before its items exist).
 * With `search`, it has a `search` column too: the items' search vectors,
 * made by the caller.
 *
 * The items meet their users' reserved numbers without a join: the counters
 * rows are put beside the items, sorted by user (a counters row after its
 * user's items), and a window hands each item its number. A join of two CTEs
 * is planned on row estimates PostgreSQL cannot make for them, and a nested
 * loop over thousands of rows on each side once cost a sweep batch seconds.
 */
export function inboxDeliverCtes(source: string, prefix = 'delivery', { ids = false, search = false } = {}): string {
  const perCategory = CATEGORIES.map(
    (category) => `count(*) FILTER (WHERE category = '${category}')::int AS ${unreadColumn(category)}`,
  ).join(', ');
  const columns = CATEGORIES.map(unreadColumn);
  const carried = [
    ...(ids ? ['id'] : []),
    'outbox_id',
    'category',
    'kind',
    'sender_kind',
    'sender_id',
    'sender_name',
    'subject',
    'body',
    'case_id',
    'order_id',
    'claim_id',
    'message_id',
    'at',
    'ord',
    ...(search ? ['search'] : []),
  ];
  const itemColumns = carried.filter((column) => !['ord', 'at', 'search'].includes(column));
  return `${prefix}_per_user AS (
  SELECT user_id, count(*)::int AS n, ${perCategory} FROM ${source} GROUP BY user_id
),
${prefix}_counted AS (
  INSERT INTO inbox_counters AS c (user_id, seq, ${columns.join(', ')})
  SELECT user_id, n, ${columns.join(', ')} FROM ${prefix}_per_user
  ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + EXCLUDED.seq, ${columns.map((column) => `${column} = c.${column} + EXCLUDED.${column}`).join(', ')}
  RETURNING c.user_id, c.seq
),
${prefix}_numbered AS (
  SELECT *, max(reserved) OVER mine - count(*) FILTER (WHERE NOT counter) OVER mine + row_number() OVER mine AS seq
    FROM (SELECT false AS counter, user_id, NULL::bigint AS reserved, ${carried.join(', ')} FROM ${source}
          UNION ALL
          SELECT true, user_id, seq, ${carried.map(() => 'NULL').join(', ')} FROM ${prefix}_counted) AS side_by_side
  WINDOW mine AS (PARTITION BY user_id ORDER BY counter, ord ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
${prefix}_items AS (
  INSERT INTO inbox_items (${itemColumns.join(', ')}, user_id, seq, created_at, search)
  SELECT ${itemColumns.join(', ')}, user_id, seq, at, ${search ? 'search' : searchVectorSql('subject', 'sender_name', 'body')}
    FROM ${prefix}_numbered WHERE NOT counter
  RETURNING user_id, seq
)`;
}

/** How many user ids one notification names: 200 ids of 36 characters and their commas stay under NOTIFY's 8,000 bytes. */
export const USERS_PER_NOTICE = 200;

/**
 * An expression (for a final SELECT) that tells the live streams of every
 * instance which of the users in `users` (a query of `user_id` rows) have
 * changes; evaluates to how many users. One notification names up to
 * USERS_PER_NOTICE of them, comma-separated (`inboxNoticeUsers` reads it):
 * a sweep batch reaching 2,000 users sends 10, where one each cost a tenth of
 * the batch's time.
 */
export function notifyUsersSql(users: string): string {
  return `(SELECT COALESCE(sum(n), 0)::int FROM (
     SELECT count(*) AS n, pg_notify('${INBOX_CHANNEL}', string_agg(user_id::text, ',')) IS NOT NULL
       FROM (SELECT user_id, (row_number() OVER () - 1) / ${USERS_PER_NOTICE} AS part FROM (SELECT DISTINCT user_id FROM (${users}) AS changed) AS distinct_users) AS numbered
      GROUP BY part) AS notices)`;
}

/** `notifyUsersSql` for the users who got the items of a delivery (`inboxDeliverCtes`) with this prefix. */
export function inboxNotifySql(prefix = 'delivery'): string {
  return notifyUsersSql(`SELECT user_id FROM ${prefix}_items`);
}

/** The users an `INBOX_CHANNEL` notification names, or `'*'` for everyone. */
export function inboxNoticeUsers(payload: string): string[] | '*' {
  return payload === '*' ? '*' : payload.split(',');
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
  read: {
    applies: 'i.read_at IS NULL',
    set: 'read_at = $now',
    unreadDelta: 'CASE WHEN i.deleted_at IS NULL THEN -1 ELSE 0 END',
    trashDelta: '0',
  },
  unread: {
    applies: 'i.read_at IS NOT NULL',
    set: 'read_at = NULL',
    unreadDelta: 'CASE WHEN i.deleted_at IS NULL THEN 1 ELSE 0 END',
    trashDelta: '0',
  },
  delete: {
    applies: 'i.deleted_at IS NULL',
    set: 'deleted_at = $now',
    unreadDelta: 'CASE WHEN i.read_at IS NULL THEN -1 ELSE 0 END',
    trashDelta: '1',
  },
  restore: {
    applies: 'i.deleted_at IS NOT NULL',
    set: 'deleted_at = NULL',
    unreadDelta: 'CASE WHEN i.read_at IS NULL THEN 1 ELSE 0 END',
    trashDelta: '-1',
  },
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
  const deltas = CATEGORIES.map(
    (category) =>
      `COALESCE(sum(d_unread) FILTER (WHERE category = '${category}'), 0)::int AS ${unreadColumn(category)}`,
  ).join(', ');
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
       ${notifyUsersSql('SELECT user_id FROM deltas')} AS notified`;
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
  if ([...q].length > SEARCH_LIMITS.characters)
    return { refused: `Search with at most ${SEARCH_LIMITS.characters} characters` };
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
    if (
      word?.toLowerCase() === 'or' &&
      !exclude &&
      previous !== undefined &&
      previous !== 'or' &&
      index < tokens.length - 1
    ) {
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
  if (terms.length > SEARCH_LIMITS.terms)
    return { refused: `Search for at most ${SEARCH_LIMITS.terms} words or phrases` };
  // PostgreSQL searches a word joined with - or ' (e-mail, l'été) as a phrase of its parts.
  const long = terms.find(
    (term) =>
      term.words.flatMap((w) => w.split(/['-]+/u)).filter((part) => part !== '').length > SEARCH_LIMITS.wordsPerTerm,
  );
  if (long) {
    return {
      refused: long.phrase
        ? `Put at most ${SEARCH_LIMITS.wordsPerTerm} words in a phrase`
        : `Join at most ${SEARCH_LIMITS.wordsPerTerm} words with - or '`,
    };
  }
  return {
    websearch: items
      .map((item) => (item === 'or' ? 'or' : `${item.exclude ? '-' : ''}"${item.words.map(spacedOut).join(' ')}"`))
      .join(' '),
  };
}

/** Han, kana and Hangul, written without spaces between words (as `parley_search_text` in the database knows them). */
const UNSPACED = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af])/gu;

/** A search word as the items' vectors hold it: each character of unspaced scripts a word of its own, so 配送 is the phrase 配 送. */
const spacedOut = (word: string): string => word.replace(UNSPACED, ' $1 ').trim().replace(/\s+/gu, ' ');

/** The reporter's earlier report of an item, if any: one report per item and reporter. */
export const EARLIER_REPORT = `SELECT id, status FROM inbox_reports WHERE item_id = $1 AND reporter_id = $2`;

/** How much of an item's body a list shows when no search chose the passage. */
export const SNIPPET_CHARS = 200;

/** The columns of an item `i` that every view of it reads, its snippet apart. */
const ITEM_COLUMNS = `i.id, i.seq, i.category, i.sender_kind, i.sender_id, i.sender_name, i.subject, i.case_id, i.order_id, i.claim_id, i.created_at, i.read_at, i.deleted_at`;

/** An item's snippet when no search chose it: the start of its body. */
export const BODY_SNIPPET = `left(i.body, ${SNIPPET_CHARS})`;

/**
 * An item's snippet for a search (`websearch`, the placeholder of searchText's
 * result), the matches between « and »: the start of the body when something
 * there matched, else the passage that matched after "… ". PostgreSQL's
 * passages may leave out the body's first words even when they matched
 * ("Hi Anna, the refund…" came back as "Anna, the «refund»…") and start
 * inside a hyphenated word, so a passage is only used away from the start,
 * and says that it is one.
 */
export function searchSnippetSql(websearch: string): string {
  const query = `websearch_to_tsquery('parley_search', ${websearch})`;
  return `CASE WHEN ${searchVector(BODY_SNIPPET)} @@ ${query}
    THEN ts_headline('parley_search', ${BODY_SNIPPET}, ${query}, 'StartSel=«, StopSel=», HighlightAll=true')
    ELSE regexp_replace(ts_headline('parley_search', left(i.body, 5000), ${query}, 'StartSel=«, StopSel=», MaxWords=30, MinWords=10, MaxFragments=1'), '^(?=.*«)', '… ')
  END`;
}

/**
 * What `websearch_to_tsquery` is given for a search: the search as
 * parseSearch writes it again. The API and the portal refuse a search over
 * the limits when they validate their input; this refuses it again for any
 * other caller.
 */
export function searchText(q: string): string {
  const parsed = parseSearch(q);
  if ('refused' in parsed) throw DomainError.invalid('q', parsed.refused);
  return parsed.websearch;
}

/** A filter as SQL conditions on `i` for one user, with its parameters appended to `params`. */
export function filterSql(userId: string, filter: InboxFilterDto, folder: Folder, params: unknown[]): string {
  if (folder === 'sent') throw DomainError.invalid('in', 'Sent holds messages you wrote, not items that reached you');
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions = [
    `i.user_id = ${param(userId)}`,
    'i.hidden_at IS NULL',
    folder === 'trash' ? 'i.deleted_at IS NOT NULL' : 'i.deleted_at IS NULL',
  ];
  if (filter.category) conditions.push(`i.category = ${param(filter.category)}`);
  if (filter.unread === true) conditions.push('i.read_at IS NULL');
  if (filter.unread === false) conditions.push('i.read_at IS NOT NULL');
  if (filter.q !== undefined)
    conditions.push(`i.search @@ websearch_to_tsquery('parley_search', ${param(searchText(filter.q))})`);
  if (filter.sender === 'marketplace') conditions.push(`i.sender_kind IN ('marketplace', 'support')`);
  else if (filter.sender) conditions.push(`i.sender_id = ${param(filter.sender.toLowerCase())}`);
  if (filter.from) conditions.push(`i.created_at >= ${param(new Date(filter.from))}`);
  if (filter.to) conditions.push(`i.created_at < ${param(new Date(filter.to))}`);
  if (filter.caseId) conditions.push(`i.case_id = ${param(filter.caseId)}`);
  if (filter.orderId) conditions.push(`i.order_id = ${param(filter.orderId)}`);
  return conditions.join(' AND ');
}

/** Which way a page goes from its cursor: to older items (the next page) or to newer ones (the previous page). */
export type PageDirection = 'older' | 'newer';

/**
 * The items beyond a page's edge item (placeholders of its creation time and
 * sequence number) in the direction the page goes; a condition on `i`. The
 * list indexes end in (created_at, seq), so the row comparison is where
 * their scan starts; the sequence number orders items of the same instant as
 * they were delivered.
 */
export function itemsBeyondSql(createdAt: string, seq: string, direction: PageDirection): string {
  const op = direction === 'older' ? '<' : '>';
  return `i.created_at ${op}= ${createdAt} AND (i.created_at, i.seq) ${op} (${createdAt}, ${seq}::bigint)`;
}

/**
 * A page of the items `where` selects (conditions on `i`), each with
 * `snippet`; `limit` is a placeholder. Newest first, or, for a page of newer
 * items, oldest first (the caller turns it round). Items of the same instant
 * in the order they were delivered, newest first.
 */
export function itemPageSql(where: string, snippet: string, limit: string, direction: PageDirection = 'older'): string {
  const order = direction === 'older' ? 'DESC' : 'ASC';
  return `SELECT ${ITEM_COLUMNS}, ${snippet} AS snippet FROM inbox_items i WHERE ${where} ORDER BY i.created_at ${order}, i.seq ${order} LIMIT ${limit}`;
}

/** How a Sent page orders the two kinds of message written at the same instant (after the instant, before the number). */
export const SENT_KIND_RANK = { case: 0, claim: 1 } as const;
export type SentKind = keyof typeof SENT_KIND_RANK;

/** Where a Sent page starts: the edge message's instant, kind and number (placeholders but the kind). */
export interface SentBound {
  at: string;
  kind: SentKind;
  seq: string;
}

/**
 * The messages of one kind beyond a Sent page's edge message in the order
 * (instant, kind rank, number), as a condition on `m` that the author
 * indexes can start at.
 */
function sentBeyondSql(kind: SentKind, bound: SentBound, direction: PageDirection): string {
  const op = direction === 'older' ? '<' : '>';
  const rank = SENT_KIND_RANK[kind];
  const boundRank = SENT_KIND_RANK[bound.kind];
  if (rank === boundRank)
    return `m.created_at ${op}= ${bound.at} AND (m.created_at, m.seq) ${op} (${bound.at}, ${bound.seq}::bigint)`;
  // The other kind: all of the same instant are beyond the bound when their rank is.
  const sameInstantBeyond = direction === 'older' ? rank < boundRank : rank > boundRank;
  return `m.created_at ${sameInstantBeyond ? `${op}=` : op} ${bound.at}`;
}

/**
 * A page of what user `author` (placeholder) wrote to others, case and claim
 * messages alike (never internal notes): each kind walks its author index
 * from the bound for at most `limit` (placeholder) rows, the two are merged
 * and cut to `limit`, and only then are the conversations and the other
 * parties read. Newest first, or oldest first for a page of newer messages.
 * Rows: kind, id, case_id, claim_id, subject, snippet (the first line),
 * quarantined, created_at, seq, author_role, buyer_id, buyer_name,
 * seller_id, seller_name.
 */
export function sentPageSql(author: string, limit: string, direction: PageDirection, bound?: SentBound): string {
  const order = direction === 'older' ? 'DESC' : 'ASC';
  const branch = (kind: SentKind, table: string, parent: string) =>
    `(SELECT ${SENT_KIND_RANK[kind]} AS kind_rank, m.id, m.${parent} AS conversation_id, m.body, m.quarantined, m.created_at, m.seq, m.author_role::text AS author_role
      FROM ${table} m WHERE m.author_id = ${author} AND m.internal = false${bound ? ` AND ${sentBeyondSql(kind, bound, direction)}` : ''}
     ORDER BY m.created_at ${order}, m.seq ${order} LIMIT ${limit})`;
  return `
WITH sent AS (
  ${branch('case', 'messages', 'case_id')}
  UNION ALL
  ${branch('claim', 'claim_messages', 'claim_id')}
  ORDER BY created_at ${order}, kind_rank ${order}, seq ${order} LIMIT ${limit}
)
SELECT CASE s.kind_rank WHEN ${SENT_KIND_RANK.case} THEN 'case' ELSE 'claim' END AS kind, s.id, c.id AS case_id,
       cl.id AS claim_id, c.subject, left(substring(ltrim(s.body, E' \\t\\r\\n') FROM E'^[^\\n]*'), ${SNIPPET_CHARS}) AS snippet,
       s.quarantined, s.created_at, s.seq, s.author_role, c.buyer_id, b.display_name AS buyer_name, c.seller_id,
       sl.display_name AS seller_name
  FROM sent s
  LEFT JOIN claims cl ON s.kind_rank = ${SENT_KIND_RANK.claim} AND cl.id = s.conversation_id
  JOIN cases c ON c.id = CASE s.kind_rank WHEN ${SENT_KIND_RANK.case} THEN s.conversation_id ELSE cl.case_id END
  JOIN users b ON b.id = c.buyer_id
  JOIN users sl ON sl.id = c.seller_id
 ORDER BY s.created_at ${order}, s.kind_rank ${order}, s.seq ${order}`;
}

/** Item $1 of user $2 with its whole body, unless it is hidden. */
export const ITEM_DETAIL = `SELECT ${ITEM_COLUMNS}, i.body, i.kind, i.message_id, ${BODY_SNIPPET} AS snippet FROM inbox_items i WHERE i.id = $1 AND i.user_id = $2 AND i.hidden_at IS NULL`;

/** User $1's items after sequence number $2 (not hidden), oldest first, at most $3: what a live stream has not sent yet. */
export const ITEMS_AFTER_SEQ = `SELECT ${ITEM_COLUMNS}, ${BODY_SNIPPET} AS snippet FROM inbox_items i WHERE i.user_id = $1 AND i.seq > $2 AND i.hidden_at IS NULL ORDER BY i.seq LIMIT $3`;

/** User $1's counters: unread per category, Trash (none before anything reached the user). */
export const COUNTERS = `SELECT * FROM inbox_counters WHERE user_id = $1`;

/** A user's counters with what every page's frame shows of them (name, time zone, language): one read for both. */
export const COUNTERS_AND_PERSON = `
SELECT u.display_name AS person_name, u.time_zone AS person_zone, u.locale AS person_locale, c.*
  FROM users u LEFT JOIN inbox_counters c ON c.user_id = u.id
 WHERE u.id = $1`;

/** The items among `ids` (a uuid[] placeholder) that are `userId`'s and not hidden, as a condition on `i`. */
export function ownItemsSql(userId: string, ids: string): string {
  return `i.user_id = ${userId} AND i.hidden_at IS NULL AND i.id = ANY (${ids}::uuid[])`;
}

/** Which of the ids $2 are user $1's items (not hidden). */
export const OWN_ITEMS = `SELECT i.id FROM inbox_items i WHERE ${ownItemsSql('$1', '$2')}`;

/**
 * Memory for a bulk change's bitmap of the user's items, for the rest of its
 * transaction (at most one per pooled connection at a time). A user's items
 * lie on as many pages as there are items: with the default 4 MB, the bitmap
 * of 100,000 of them goes lossy and PostgreSQL rechecks every row of two
 * thirds of those pages (900,000 rows, a third of a 50,000-item delete's time).
 */
export const SET_BULK_WORK_MEM = `SET LOCAL work_mem = '32MB'`;

/**
 * Deletes up to $2 items that went to Trash at $1 or before, and up to $2
 * more of those that were hidden too, taking what it deleted off each
 * owner's Trash count; returns how many (`purged`). No index mentions
 * `deleted_at` (docs/inbox.md): items in view are found by walking only the
 * users whose counters say they have Trash, each on its own index range; a
 * hidden item counts nowhere, so those are found through the index of hidden
 * items.
 */
export const PURGE_TRASH = `
WITH doomed AS (
  SELECT i.id FROM inbox_counters c JOIN inbox_items i ON i.user_id = c.user_id
   WHERE c.trash > 0 AND i.deleted_at <= $1 AND i.hidden_at IS NULL
   LIMIT $2 FOR UPDATE OF i SKIP LOCKED
), doomed_hidden AS (
  SELECT i.id FROM inbox_items i WHERE i.hidden_at IS NOT NULL AND i.deleted_at <= $1
   LIMIT $2 FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM inbox_items i USING (SELECT id FROM doomed UNION ALL SELECT id FROM doomed_hidden) d WHERE i.id = d.id RETURNING i.user_id, i.hidden_at IS NULL AS counted
), counted AS (
  UPDATE inbox_counters c SET trash = c.trash - x.n FROM (SELECT user_id, count(*)::int AS n FROM gone WHERE counted GROUP BY user_id) x WHERE c.user_id = x.user_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM gone)::int AS purged, (SELECT count(*) FROM counted)::int AS counters`;
