import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { isUuid } from '../common/ids.js';
import { AuditPageView, AuditQueryDto, AuditView } from './audit.dto.js';
import {
  AUDIT_ACTORS,
  AUDIT_NAMES,
  auditAfterSql,
  auditBeforeSql,
  auditFilterSql,
  auditPageSql,
  RECORD,
} from './audit.queries.js';

/** What an admin or agent did, to what, before and after: one row each, append-only. */
export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string | null;
  before?: unknown;
  after?: unknown;
}

/** A page of the log as the admin's page shows it: who and what by name, and a way both back and forward. */
export interface AuditBrowseView {
  items: (AuditView & { actorName: string | null; subjectName: SubjectName | null })[];
  /** Older entries follow. */
  nextCursor: string | null;
  /** Newer entries come before this page (it is not the first). */
  previousCursor: string | null;
}

/** The kinds of subject whose names the log can show; their ids are uuids. */
const NAMED_SUBJECTS = new Set(['user', 'calendar', 'broadcast', 'claim', 'escalation', 'webhook']);

interface AuditRow {
  id: string;
  actor_id: string | null;
  actor_role: string;
  actor_key_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  at: Date;
  before: unknown;
  after: unknown;
}

/** The owner of `audit_log`: admin and agent actions are recorded in the transaction that makes them. */
/** What people call an entry's subject: a name as stored, the marketplace, or an order by its reference (the page says them in its language). */
export type SubjectName =
  | { name: string; marketplace?: never; orderRef?: never }
  | { marketplace: true; name?: never; orderRef?: never }
  | { orderRef: string; name?: never; marketplace?: never };

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(
    tx: EntityManager | null,
    actor: Pick<Caller, 'id' | 'role' | 'apiKey'>,
    entry: AuditEntry,
    at?: Date,
  ): Promise<void> {
    // A key is no person: its entries name the key, with the role `api_key`.
    await (tx ?? this.db.manager).query(RECORD, [
      actor.apiKey ? null : actor.id,
      actor.apiKey ? 'api_key' : actor.role,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      at ?? (await this.clock.now()),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.apiKey?.id ?? null,
    ]);
  }

  /**
   * A page for the admin's audit log: newest first after `query.cursor`, or
   * with `newer`, the page just before the entry that cursor names (paging
   * back). Names of actors and subjects come in one more statement.
   */
  async browse(query: AuditQueryDto, newer?: string): Promise<AuditBrowseView> {
    const limit = query.limit ?? 50;
    let items: AuditView[];
    let nextCursor: string | null;
    let previousCursor: string | null;
    if (newer === undefined) {
      ({ items, nextCursor } = await this.list(query));
      previousCursor = query.cursor && items.length > 0 ? cursorOf(items[0]) : null;
    } else {
      const params: unknown[] = [];
      const conditions = auditFilterSql(query, params);
      const { key, id } = decodeCursor(newer, 'serial', 'newer');
      conditions.push(auditBeforeSql(`$${params.push(key)}`, `$${params.push(id)}`));
      const rows: AuditRow[] = await this.db.query(
        auditPageSql(conditions, `$${params.push(limit + 1)}`, 'oldest'),
        params,
      );
      items = rows.slice(0, limit).reverse().map(toView);
      previousCursor = rows.length > limit && items.length > 0 ? cursorOf(items[0]) : null;
      nextCursor = items.length > 0 ? cursorOf(items[items.length - 1]) : null;
    }
    const names = await this.names(items);
    return {
      items: items.map((item) => ({
        ...item,
        actorName: item.actorId ? (names.get(`user:${item.actorId}`)?.name ?? null) : null,
        subjectName: item.subjectId ? (names.get(`${item.subjectType}:${item.subjectId}`) ?? null) : null,
      })),
      nextCursor,
      previousCursor,
    };
  }

  /** The users who have entries in the log, at most `limit` of them. */
  async actors(limit = 200): Promise<string[]> {
    const rows: { actor_id: string }[] = await this.db.query(AUDIT_ACTORS, [limit]);
    return rows.map((row) => row.actor_id);
  }

  /** Names of the actors and subjects of entries, keyed `kind:id`, in one statement. */
  private async names(items: AuditView[]): Promise<Map<string, SubjectName>> {
    const wanted = new Map<string, [string, string]>();
    for (const item of items) {
      if (item.actorId) wanted.set(`user:${item.actorId}`, ['user', item.actorId]);
      if (item.subjectId && NAMED_SUBJECTS.has(item.subjectType) && isUuid(item.subjectId))
        wanted.set(`${item.subjectType}:${item.subjectId}`, [item.subjectType, item.subjectId]);
    }
    if (wanted.size === 0) return new Map();
    const pairs = [...wanted.values()];
    const rows: { kind: string; id: string; name: string | null; marketplace: boolean; order_ref: string | null }[] =
      await this.db.query(AUDIT_NAMES, [pairs.map(([kind]) => kind), pairs.map(([, id]) => id)]);
    return new Map(
      rows
        .filter((row) => row.name !== null || row.marketplace || row.order_ref !== null)
        .map((row) => [
          `${row.kind}:${row.id}`,
          row.marketplace
            ? { marketplace: true }
            : row.order_ref !== null
              ? { orderRef: row.order_ref }
              : { name: row.name! },
        ]),
    );
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

const cursorOf = (item: AuditView): string => encodeCursor(item.at, item.id);

const toView = (row: AuditRow): AuditView => ({
  id: row.id,
  actorId: row.actor_id,
  actorRole: row.actor_role,
  actorKeyId: row.actor_key_id ?? null,
  action: row.action,
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  at: row.at.toISOString(),
  before: row.before ?? null,
  after: row.after ?? null,
});
