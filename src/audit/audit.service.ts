import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { AuditPageView, AuditQueryDto, AuditView } from './audit.dto.js';
import { auditAfterSql, auditFilterSql, auditPageSql, RECORD } from './audit.queries.js';

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

  async record(
    tx: EntityManager | null,
    actor: Pick<Caller, 'id' | 'role'>,
    entry: AuditEntry,
    at?: Date,
  ): Promise<void> {
    await (tx ?? this.db.manager).query(RECORD, [
      actor.id,
      actor.role,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      at ?? (await this.clock.now()),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ]);
  }

  /** Newest first, keyset-paginated, with filters. */
  async list(query: AuditQueryDto): Promise<AuditPageView> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    const conditions = auditFilterSql(query, params);
    if (query.cursor) {
      const { key, id } = decodeCursor(query.cursor, 'serial');
      conditions.push(auditAfterSql(`$${params.push(key)}`, `$${params.push(id)}`));
    }
    const rows: AuditRow[] = await this.db.query(auditPageSql(conditions, `$${params.push(limit + 1)}`), params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.at.toISOString(), last.id) : null,
    };
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
