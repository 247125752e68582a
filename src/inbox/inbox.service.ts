import { AttachmentsService } from '../attachments/attachments.service.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { readOnPool } from '../common/database/prepared.js';
import { BroadcastDelivery } from '../notifications/broadcast-delivery.service.js';
import { transaction } from '../common/transaction.js';
import { CATEGORIES, Category } from '../notifications/categories.js';
import {
  BulkDto,
  BulkResultView,
  Folder,
  InboxCountsView,
  InboxFilterDto,
  InboxItemDetailView,
  InboxItemView,
  InboxPageView,
  ListInboxQueryDto,
  SenderKindName,
} from './inbox.dto.js';
import { changeItemsSql, ITEM_CHANGES, ItemChangeName, parseSearch, unreadColumn } from './inbox.queries.js';

const SNIPPET_CHARS = 200;
export const TRASH_DAYS = 30;
const PURGE_BATCH = 10_000;

export interface ItemRow {
  id: string;
  seq: string;
  category: Category;
  sender_kind: SenderKindName;
  sender_id: string | null;
  sender_name: string;
  subject: string;
  snippet: string;
  body?: string;
  kind?: string;
  message_id?: string | null;
  case_id: string | null;
  order_id: string | null;
  claim_id: string | null;
  created_at: Date;
  read_at: Date | null;
  deleted_at: Date | null;
}

/** An item as the API shows it. Every view has the same fields in the same order (one object shape); absent ids are `undefined`, which JSON leaves out. */
export function toItemView(row: ItemRow): InboxItemView {
  const party = row.sender_kind === 'buyer' || row.sender_kind === 'seller';
  return {
    id: row.id,
    category: row.category,
    sender: { kind: row.sender_kind, id: party ? (row.sender_id ?? undefined) : undefined, name: row.sender_name, verified: !party },
    subject: row.subject,
    snippet: row.snippet,
    caseId: row.case_id ?? undefined,
    orderId: row.order_id ?? undefined,
    claimId: row.claim_id ?? undefined,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
    deletedAt: row.deleted_at ? row.deleted_at.toISOString() : null,
  };
}

const ITEM_COLUMNS = `i.id, i.seq, i.category, i.sender_kind, i.sender_id, i.sender_name, i.subject, i.case_id, i.order_id, i.claim_id, i.created_at, i.read_at, i.deleted_at`;

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

/** Memory for a bulk change's bitmap of the user's items (per statement; at most one per pooled connection at a time). */
const BULK_WORK_MEM = '32MB';

/** A filter as SQL conditions on `i` for one user, with its parameters appended to `params`. */
export function filterSql(userId: string, filter: InboxFilterDto, folder: Folder, params: unknown[]): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions = [`i.user_id = ${param(userId)}`, 'i.hidden_at IS NULL', folder === 'trash' ? 'i.deleted_at IS NOT NULL' : 'i.deleted_at IS NULL'];
  if (filter.category) conditions.push(`i.category = ${param(filter.category)}`);
  if (filter.unread === true) conditions.push('i.read_at IS NULL');
  if (filter.unread === false) conditions.push('i.read_at IS NOT NULL');
  if (filter.q !== undefined) conditions.push(`i.search @@ websearch_to_tsquery('parley_search', ${param(searchText(filter.q))})`);
  if (filter.sender === 'marketplace') conditions.push(`i.sender_kind IN ('marketplace', 'support')`);
  else if (filter.sender) conditions.push(`i.sender_id = ${param(filter.sender.toLowerCase())}`);
  if (filter.from) conditions.push(`i.created_at >= ${param(new Date(filter.from))}`);
  if (filter.to) conditions.push(`i.created_at < ${param(new Date(filter.to))}`);
  if (filter.caseId) conditions.push(`i.case_id = ${param(filter.caseId)}`);
  if (filter.orderId) conditions.push(`i.order_id = ${param(filter.orderId)}`);
  return conditions.join(' AND ');
}

/**
 * Each user's Message Center (docs/inbox.md): reading with filters and
 * full-text search, counts from one row, bulk actions that keep the counts
 * exact, and Trash. Items are delivered by the notice owners' statements
 * (inbox.queries.ts); this service owns everything a user does to them.
 */
@Injectable()
export class InboxService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
    private readonly broadcasts: BroadcastDelivery,
  ) {}

  /** Newest first, keyset-paginated; with `q`, each item's snippet is the passage that matched. */
  async list(caller: Caller, query: ListInboxQueryDto): Promise<InboxPageView> {
    await this.broadcasts.deliver(caller.id);
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    let where = filterSql(caller.id, query, query.in ?? 'inbox', params);
    if (query.cursor) {
      const { key, id } = decodeCursor(query.cursor);
      where += ` AND (i.created_at, i.id) < ($${params.push(new Date(key))}, $${params.push(id)}::uuid)`;
    }
    const snippet =
      query.q !== undefined
        ? `ts_headline('parley_search', left(i.body, 5000), websearch_to_tsquery('parley_search', $${params.push(searchText(query.q))}), 'StartSel=«, StopSel=», MaxWords=30, MinWords=10, MaxFragments=1')`
        : `left(i.body, ${SNIPPET_CHARS})`;
    const rows = await readOnPool<ItemRow>(
      this.db,
      `SELECT ${ITEM_COLUMNS}, ${snippet} AS snippet FROM inbox_items i WHERE ${where} ORDER BY i.created_at DESC, i.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
      query.q === undefined ? 'once' : 'each-call',
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toItemView), nextCursor: rows.length > limit ? encodeCursor(last.created_at.toISOString(), last.id) : null };
  }

  /** One of the caller's items with its whole body; anyone else's, or a hidden one, is not found. */
  async get(caller: Caller, itemId: string): Promise<InboxItemDetailView> {
    await this.broadcasts.deliver(caller.id);
    const rows: ItemRow[] = isUuid(itemId)
      ? await this.db.query(
          `SELECT ${ITEM_COLUMNS}, i.body, i.kind, i.message_id, left(i.body, ${SNIPPET_CHARS}) AS snippet FROM inbox_items i WHERE i.id = $1 AND i.user_id = $2 AND i.hidden_at IS NULL`,
          [itemId, caller.id],
        )
      : [];
    if (rows.length === 0) throw DomainError.notFound('Message');
    const row = rows[0];
    // The files of the message the item shows (one the recipient may see: the item was delivered to it).
    const attachments = row.message_id ? ((await this.attachments.of([row.message_id], row.kind === 'claim_message')).get(row.message_id) ?? []) : [];
    return { ...toItemView(row), body: row.body!, seq: Number(row.seq), attachments };
  }

  /** Unread per category and in total, and Trash: one primary-key lookup, kept exact by every change. */
  async counts(caller: Caller): Promise<InboxCountsView> {
    await this.broadcasts.deliver(caller.id);
    const rows = await readOnPool<Record<string, number | string>>(this.db, `SELECT * FROM inbox_counters WHERE user_id = $1`, [caller.id]);
    return countsOf(rows[0]);
  }

  /**
   * Marks read or unread, moves to Trash or back: the items with the given
   * ids (others' ids are reported as not found and never touched), or every
   * item that matches a filter, in one statement.
   */
  async bulk(caller: Caller, action: 'read' | 'unread' | 'delete' | 'restore', dto: BulkDto): Promise<BulkResultView> {
    if ((dto.ids === undefined) === (dto.filter === undefined)) throw DomainError.invalid('ids', 'give either ids or filter');
    await this.broadcasts.deliver(caller.id);
    const now = await this.clock.now();
    const params: unknown[] = [];
    let scope: string;
    let ids: string[] = [];
    if (dto.ids) {
      ids = [...new Set(dto.ids.map((id) => id.toLowerCase()))];
      scope = `i.user_id = $${params.push(caller.id)} AND i.hidden_at IS NULL AND i.id = ANY ($${params.push(ids)}::uuid[])`;
    } else {
      scope = filterSql(caller.id, dto.filter!, dto.filter!.in ?? (action === 'restore' ? 'trash' : 'inbox'), params);
    }
    return transaction(this.db, async (tx) => {
      // A user's items lie on as many pages as there are items: with the default 4 MB, the bitmap of 100,000 of them goes lossy and
      // PostgreSQL rechecks every row of two thirds of those pages (900,000 rows, a third of a 50,000-item delete's time).
      await tx.query(`SET LOCAL work_mem = '${BULK_WORK_MEM}'`);
      const [{ updated }]: { updated: number }[] = await tx.query(...this.changeStatement(action, scope, params, now));
      let notFound: string[] = [];
      if (ids.length > 0) {
        const owned: { id: string }[] = await tx.query(`SELECT id FROM inbox_items WHERE user_id = $1 AND hidden_at IS NULL AND id = ANY ($2::uuid[])`, [caller.id, ids]);
        const found = new Set(owned.map((row) => row.id));
        notFound = ids.filter((id) => !found.has(id));
      }
      return { updated, notFound };
    });
  }

  /** Applies a change to items chosen by `scope` (a condition on `i`) in the caller's transaction: reports and quarantines hide items this way. */
  async change(tx: EntityManager, change: ItemChangeName, scope: string, params: unknown[], now: Date): Promise<number> {
    const [{ updated }]: { updated: number }[] = await tx.query(...this.changeStatement(change, scope, [...params], now));
    return updated;
  }

  /** The statement of a change and its parameters; the instant is a parameter only when the change sets it. */
  private changeStatement(change: ItemChangeName, scope: string, params: unknown[], now: Date): [string, unknown[]] {
    const definition = ITEM_CHANGES[change];
    const nowSql = definition.set.includes('$now') ? `$${params.push(now)}::timestamptz` : 'NULL';
    return [changeItemsSql(definition, scope, nowSql), params];
  }

  /** Deletes items in Trash for longer than 30 days, in batches, adjusting each owner's Trash count; returns how many. */
  async purge(): Promise<number> {
    const now = await this.clock.now();
    const cutoff = new Date(now.getTime() - TRASH_DAYS * 86_400_000);
    let total = 0;
    for (;;) {
      const [{ purged }]: { purged: number }[] = await this.db.query(
        `WITH doomed AS (
           -- Only users with something in Trash (their counters say so), each walked on its own index range: no index on deleted_at (docs/inbox.md).
           SELECT i.id FROM inbox_counters c JOIN inbox_items i ON i.user_id = c.user_id
            WHERE c.trash > 0 AND i.deleted_at <= $1
            LIMIT $2 FOR UPDATE OF i SKIP LOCKED
         ), gone AS (
           DELETE FROM inbox_items i USING doomed d WHERE i.id = d.id RETURNING i.user_id, i.hidden_at IS NULL AS counted
         ), counted AS (
           UPDATE inbox_counters c SET trash = c.trash - x.n FROM (SELECT user_id, count(*)::int AS n FROM gone WHERE counted GROUP BY user_id) x WHERE c.user_id = x.user_id
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM gone)::int AS purged, (SELECT count(*) FROM counted)::int AS counters`,
        [cutoff, PURGE_BATCH],
      );
      total += purged;
      if (purged < PURGE_BATCH) return total;
    }
  }
}

export function countsOf(row: Record<string, number | string> | undefined): InboxCountsView {
  const unread = Object.fromEntries(CATEGORIES.map((category) => [category, Number(row?.[unreadColumn(category)] ?? 0)])) as Record<Category, number>;
  const total = Object.values(unread).reduce((sum, n) => sum + n, 0);
  return { unread: { ...unread, total }, trash: Number(row?.trash ?? 0) };
}
