import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { AuditPageView, AuditQueryDto, AuditView } from './audit.dto.js';

/** What an admin or agent did, to what, before and after: one row each, append-only. */
export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string | null;
  before?: unknown;
  after?: unknown;
}

interface AuditRow {
  id: string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  at: Date;
  before: unknown;
  after: unknown;
}

/** The owner of `audit_log`: admin and agent actions are recorded in the transaction that makes them. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(tx: EntityManager | null, actor: Pick<Caller, 'id' | 'role'>, entry: AuditEntry, at?: Date): Promise<void> {
    await (tx ?? this.db.manager).query(
      `INSERT INTO audit_log (actor_id, actor_role, action, subject_type, subject_id, at, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        actor.id,
        actor.role,
        entry.action,
        entry.subjectType,
        entry.subjectId,
        at ?? (await this.clock.now()),
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
      ],
    );
  }

  /** Newest first, keyset-paginated, with filters. */
  async list(query: AuditQueryDto): Promise<AuditPageView> {
    const limit = query.limit ?? 50;
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (query.actorId) add('actor_id = ?', query.actorId);
    if (query.action) add('action = ?', query.action);
    if (query.subjectType) add('subject_type = ?', query.subjectType);
    if (query.subjectId) add('subject_id = ?', query.subjectId);
    if (query.from) add('at >= ?', new Date(query.from));
    if (query.to) add('at < ?', new Date(query.to));
    if (query.cursor) {
      const { key, id } = decodeCursor(query.cursor, 'serial');
      params.push(key, id);
      conditions.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(limit + 1);
    const rows: AuditRow[] = await this.db.query(
      `SELECT id, actor_id, actor_role, action, subject_type, subject_id, at, before, after FROM audit_log
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor(last.at.toISOString(), last.id) : null };
  }
}

const toView = (row: AuditRow): AuditView => ({
  id: row.id,
  actorId: row.actor_id,
  actorRole: row.actor_role,
  action: row.action,
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  at: row.at.toISOString(),
  before: row.before ?? null,
  after: row.after ?? null,
});
