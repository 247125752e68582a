import type { AuditQueryDto } from './audit.dto.js';

/** An entry: $1 actor (a person), $2 the actor's role, $3 action, $4 subject type, $5 subject id, $6 at, $7 before and $8 after (JSON, or null), $9 the API key that acted (or null). */
export const RECORD = `INSERT INTO audit_log (actor_id, actor_role, action, subject_type, subject_id, at, before, after, actor_key_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** The list's filters as SQL conditions on `audit_log`, with their parameters appended to `params`. */
export function auditFilterSql(query: AuditQueryDto, params: unknown[]): string[] {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => conditions.push(sql.replace('?', `$${params.push(value)}`));
  if (query.actorId) add('actor_id = ?', query.actorId);
  if (query.action) add('action = ?', query.action);
  if (query.subjectType) add('subject_type = ?', query.subjectType);
  if (query.subjectId) add('subject_id = ?', query.subjectId);
  if (query.from) add('at >= ?', new Date(query.from));
  if (query.to) add('at < ?', new Date(query.to));
  return conditions;
}

/** The entries after a page's last one (placeholders of its time and id) in the order pages go, newest first. */
export function auditAfterSql(at: string, id: string): string {
  return `(at, id) < (${at}::timestamptz, ${id}::bigint)`;
}

/** The entries newer than a page's first one (placeholders of its time and id), for paging back. */
export function auditBeforeSql(at: string, id: string): string {
  return `(at, id) > (${at}::timestamptz, ${id}::bigint)`;
}

/**
 * A page of the entries that meet every condition, newest first (or, paging
 * back, the oldest of the newer ones first); `limit` is a placeholder.
 */
export function auditPageSql(conditions: string[], limit: string, order: 'newest' | 'oldest' = 'newest'): string {
  const direction = order === 'newest' ? 'DESC' : 'ASC';
  return `SELECT id, actor_id, actor_role, action, subject_type, subject_id, at, before, after, actor_key_id FROM audit_log
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY at ${direction}, id ${direction} LIMIT ${limit}`;
}

/**
 * Who has entries in the log (not the system): one index probe per actor
 * (a loose scan of audit_log_actor_idx), not a scan of the log.
 */
export const AUDIT_ACTORS = `
WITH RECURSIVE actors AS (
  (SELECT actor_id FROM audit_log WHERE actor_id IS NOT NULL ORDER BY actor_id LIMIT 1)
  UNION ALL
  SELECT (SELECT a.actor_id FROM audit_log a WHERE a.actor_id > actors.actor_id ORDER BY a.actor_id LIMIT 1)
    FROM actors WHERE actors.actor_id IS NOT NULL
)
SELECT actor_id FROM actors WHERE actor_id IS NOT NULL LIMIT $1`;

/**
 * What people call the users and subjects of a page of entries, in one
 * statement: $1 kinds and $2 ids (uuid), pairwise. A user by display name, a
 * calendar by its seller (or `marketplace`), a broadcast by subject, a claim
 * by its order (`order_ref`), an escalation by its case's subject (or its
 * claim's order), a webhook by its address.
 */
export const AUDIT_NAMES = `
SELECT k.kind, k.id,
       CASE k.kind
         WHEN 'user' THEN u.display_name
         WHEN 'calendar' THEN CASE WHEN c.kind <> 'marketplace' THEN cu.display_name END
         WHEN 'broadcast' THEN b.subject
         WHEN 'escalation' THEN ec.subject
         WHEN 'webhook' THEN w.url
       END AS name,
       -- Named by words of the page's language: the marketplace's calendar, and a claim (or an escalation of one) by its order.
       k.kind = 'calendar' AND c.kind = 'marketplace' AS marketplace,
       CASE k.kind WHEN 'claim' THEN cl.order_external_id WHEN 'escalation' THEN CASE WHEN ec.subject IS NULL THEN ecl.order_external_id END END AS order_ref
  FROM unnest($1::text[], $2::uuid[]) AS k(kind, id)
  LEFT JOIN users u ON k.kind = 'user' AND u.id = k.id
  LEFT JOIN calendars c ON k.kind = 'calendar' AND c.id = k.id
  LEFT JOIN users cu ON cu.id = c.seller_id
  LEFT JOIN broadcasts b ON k.kind = 'broadcast' AND b.id = k.id
  LEFT JOIN claims cl ON k.kind = 'claim' AND cl.id = k.id
  LEFT JOIN escalations e ON k.kind = 'escalation' AND e.id = k.id
  LEFT JOIN cases ec ON ec.id = e.case_id
  LEFT JOIN claims ecl ON ecl.id = e.claim_id
  LEFT JOIN webhook_endpoints w ON k.kind = 'webhook' AND w.id = k.id`;
