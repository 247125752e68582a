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
  InboxCountsView,
  InboxItemDetailView,
  InboxItemView,
  InboxPageView,
  ListInboxQueryDto,
  SenderKindName,
} from './inbox.dto.js';
import {
  BODY_SNIPPET,
  changeItemsSql,
  COUNTERS,
  filterSql,
  ITEM_CHANGES,
  ITEM_DETAIL,
  ItemChangeName,
  itemPageSql,
  itemsAfterSql,
  OWN_ITEMS,
  ownItemsSql,
  PURGE_TRASH,
  searchSnippetSql,
  searchText,
  SET_BULK_WORK_MEM,
  unreadColumn,
} from './inbox.queries.js';

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
    sender: {
      kind: row.sender_kind,
      id: party ? (row.sender_id ?? undefined) : undefined,
      name: row.sender_name,
      verified: !party,
    },
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
      where += ` AND ${itemsAfterSql(`$${params.push(new Date(key))}`, `$${params.push(id)}`)}`;
    }
    const snippet = query.q !== undefined ? searchSnippetSql(`$${params.push(searchText(query.q))}`) : BODY_SNIPPET;
    const rows = await readOnPool<ItemRow>(
      this.db,
      itemPageSql(where, snippet, `$${params.push(limit + 1)}`),
      params,
      query.q === undefined ? 'once' : 'each-call',
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toItemView),
      nextCursor: rows.length > limit ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  /** One of the caller's items with its whole body; anyone else's, or a hidden one, is not found. */
  async get(caller: Caller, itemId: string): Promise<InboxItemDetailView> {
    await this.broadcasts.deliver(caller.id);
    const rows: ItemRow[] = isUuid(itemId) ? await this.db.query(ITEM_DETAIL, [itemId, caller.id]) : [];
    if (rows.length === 0) throw DomainError.notFound('Message');
    const row = rows[0];
    // The files of the message the item shows (one the recipient may see: the item was delivered to it).
    const attachments = row.message_id
      ? ((await this.attachments.of([row.message_id], row.kind === 'claim_message')).get(row.message_id) ?? [])
      : [];
    return { ...toItemView(row), body: row.body!, seq: Number(row.seq), attachments };
  }

  /** Unread per category and in total, and Trash: one primary-key lookup, kept exact by every change. */
  async counts(caller: Caller): Promise<InboxCountsView> {
    await this.broadcasts.deliver(caller.id);
    const rows = await readOnPool<Record<string, number | string>>(this.db, COUNTERS, [caller.id]);
    return countsOf(rows[0]);
  }

  /**
   * Marks read or unread, moves to Trash or back: the items with the given
   * ids (others' ids are reported as not found and never touched), or every
   * item that matches a filter, in one statement.
   */
  async bulk(caller: Caller, action: 'read' | 'unread' | 'delete' | 'restore', dto: BulkDto): Promise<BulkResultView> {
    if ((dto.ids === undefined) === (dto.filter === undefined))
      throw DomainError.invalid('ids', 'give either ids or filter');
    await this.broadcasts.deliver(caller.id);
    const now = await this.clock.now();
    const params: unknown[] = [];
    let scope: string;
    let ids: string[] = [];
    if (dto.ids) {
      ids = [...new Set(dto.ids.map((id) => id.toLowerCase()))];
      scope = ownItemsSql(`$${params.push(caller.id)}`, `$${params.push(ids)}`);
    } else {
      scope = filterSql(caller.id, dto.filter!, dto.filter!.in ?? (action === 'restore' ? 'trash' : 'inbox'), params);
    }
    return transaction(this.db, async (tx) => {
      await tx.query(SET_BULK_WORK_MEM);
      const [{ updated }]: { updated: number }[] = await tx.query(...this.changeStatement(action, scope, params, now));
      let notFound: string[] = [];
      if (ids.length > 0) {
        const owned: { id: string }[] = await tx.query(OWN_ITEMS, [caller.id, ids]);
        const found = new Set(owned.map((row) => row.id));
        notFound = ids.filter((id) => !found.has(id));
      }
      return { updated, notFound };
    });
  }

  /** Applies a change to items chosen by `scope` (a condition on `i`) in the caller's transaction: reports and quarantines hide items this way. */
  async change(
    tx: EntityManager,
    change: ItemChangeName,
    scope: string,
    params: unknown[],
    now: Date,
  ): Promise<number> {
    const [{ updated }]: { updated: number }[] = await tx.query(
      ...this.changeStatement(change, scope, [...params], now),
    );
    return updated;
  }

  /** The statement of a change and its parameters; the instant is a parameter only when the change sets it. */
  private changeStatement(change: ItemChangeName, scope: string, params: unknown[], now: Date): [string, unknown[]] {
    const definition = ITEM_CHANGES[change];
    const nowSql = definition.set.includes('$now') ? `$${params.push(now)}::timestamptz` : 'NULL';
    return [changeItemsSql(definition, scope, nowSql), params];
  }

  /** Deletes items in Trash for longer than 30 days (hidden ones too), in batches, adjusting each owner's Trash count; returns how many. */
  async purge(): Promise<number> {
    const now = await this.clock.now();
    const cutoff = new Date(now.getTime() - TRASH_DAYS * 86_400_000);
    let total = 0;
    for (;;) {
      const [{ purged }]: { purged: number }[] = await this.db.query(PURGE_TRASH, [cutoff, PURGE_BATCH]);
      total += purged;
      if (purged < PURGE_BATCH) return total;
    }
  }
}

export function countsOf(row: Record<string, number | string> | undefined): InboxCountsView {
  const unread = Object.fromEntries(
    CATEGORIES.map((category) => [category, Number(row?.[unreadColumn(category)] ?? 0)]),
  ) as Record<Category, number>;
  const total = Object.values(unread).reduce((sum, n) => sum + n, 0);
  return { unread: { ...unread, total }, trash: Number(row?.trash ?? 0) };
}
