import type { AuditQueryDto } from './audit.dto.js';

/** An entry: $1 actor, $2 the actor's role, $3 action, $4 subject type, $5 subject id, $6 at, $7 before and $8 after (JSON, or null). */
export const RECORD = `INSERT INTO audit_log (actor_id, actor_role, action, subject_type, subject_id, at, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

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

/** A page of the entries that meet every condition, newest first; `limit` is a placeholder. */
export function auditPageSql(conditions: string[], limit: string): string {
  return `SELECT id, actor_id, actor_role, action, subject_type, subject_id, at, before, after FROM audit_log
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ${limit}`;
}
