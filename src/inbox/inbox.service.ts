import { AttachmentsService } from '../attachments/attachments.service.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { readOnPool } from '../common/database/prepared.js';
import { BroadcastDelivery } from '../notifications/broadcast-delivery.service.js';
import { transaction } from '../common/transaction.js';
import { CATEGORIES, Category } from '../notifications/categories.js';
import { pageFrameSql, type FrameJoin } from './page-frame.js';
import {
  BulkDto,
  BulkResultView,
  InboxCountsView,
  InboxItemDetailView,
  InboxItemView,
  InboxPageView,
  ListInboxQueryDto,
  SenderKindName,
  SentItemView,
  SentPageView,
} from './inbox.dto.js';
import {
  BODY_SNIPPET,
  changeItemsSql,
  COUNTERS,
  COUNTERS_AND_PERSON,
  filterSql,
  ITEM_CHANGES,
  ITEM_DETAIL,
  ItemChangeName,
  type PageDirection,
  type SentKind,
  itemPageSql,
  itemsBeyondSql,
  OWN_ITEMS,
  ownItemsSql,
  PURGE_TRASH,
  searchSnippetSql,
  searchText,
  sentPageSql,
  SET_BULK_WORK_MEM,
  unreadColumn,
} from './inbox.queries.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';

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

/** The list filters the Sent folder refuses: they select items that reached the user. */
const SENT_UNFILTERED = ['category', 'unread', 'q', 'sender', 'from', 'to', 'caseId', 'orderId'] as const;

export interface SentRow {
  kind: SentKind;
  id: string;
  case_id: string;
  claim_id: string | null;
  subject: string;
  snippet: string;
  quarantined: boolean;
  created_at: Date;
  seq: string;
  author_role: string;
  buyer_id: string;
  buyer_name: string;
  seller_id: string;
  seller_name: string;
}

/** A message the user wrote as Sent lists it: to the other party, or to both parties when support wrote it. */
export function toSentView(row: SentRow, userId: string): SentItemView {
  const buyer = { id: row.buyer_id, name: row.buyer_name, role: 'buyer' as const };
  const seller = { id: row.seller_id, name: row.seller_name, role: 'seller' as const };
  const to = row.author_role === 'buyer' ? [seller] : row.author_role === 'seller' ? [buyer] : [buyer, seller];
  return {
    id: row.id,
    kind: row.kind,
    caseId: row.case_id,
    claimId: row.claim_id ?? undefined,
    subject: row.subject,
    to: to.filter((party) => party.id !== userId),
    snippet: row.snippet,
    createdAt: row.created_at.toISOString(),
    held: row.quarantined,
  };
}

/**
 * A page from the rows of a keyset query that asked for one row more than
 * `limit`, in the order of `direction` (a page of newer rows comes oldest
 * first and is turned round): its rows newest first, and the cursors to the
 * older and the newer pages beside it. Coming from a cursor, there is a page
 * on the side it came from; the extra row says whether there is one on the
 * other side.
 */
export function pageOf<Row>(
  rows: Row[],
  limit: number,
  direction: PageDirection,
  fromCursor: boolean,
  cursorOf: (row: Row, direction: PageDirection) => string,
): { page: Row[]; nextCursor: string | null; prevCursor: string | null } {
  const more = rows.length > limit;
  const taken = rows.slice(0, limit);
  const page = direction === 'older' ? taken : taken.reverse();
  if (page.length === 0) return { page, nextCursor: null, prevCursor: null };
  const first = page[0];
  const last = page[page.length - 1];
  const older = direction === 'older' ? more : fromCursor;
  const newer = direction === 'newer' ? more : fromCursor;
  return {
    page,
    nextCursor: older ? cursorOf(last, 'older') : null,
    prevCursor: newer ? cursorOf(first, 'newer') : null,
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

  /** Newest first, keyset-paginated both ways; with `q`, each item's snippet is the passage that matched. */
  async list(caller: Caller, query: ListInboxQueryDto): Promise<InboxPageView> {
    await this.broadcasts.deliver(caller.id);
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    let where = filterSql(caller.id, query, query.in ?? 'inbox', params);
    const cursor = query.cursor ? decodePageCursor(query.cursor, false) : undefined;
    const direction = cursor?.direction ?? 'older';
    if (cursor)
      where += ` AND ${itemsBeyondSql(`$${params.push(new Date(cursor.at))}::timestamptz`, `$${params.push(cursor.seq)}`, direction)}`;
    const snippet = query.q !== undefined ? searchSnippetSql(`$${params.push(searchText(query.q))}`) : BODY_SNIPPET;
    const rows = await readOnPool<ItemRow>(
      this.db,
      itemPageSql(where, snippet, `$${params.push(limit + 1)}`, direction),
      params,
      query.q === undefined ? 'once' : 'each-call',
    );
    const { page, nextCursor, prevCursor } = pageOf(rows, limit, direction, cursor !== undefined, (row, to) =>
      encodePageCursor({ at: row.created_at.toISOString(), seq: String(row.seq), direction: to }),
    );
    return { items: page.map(toItemView), nextCursor, prevCursor };
  }

  /**
   * The Sent folder: the case and claim messages the caller wrote to others
   * (not internal notes), newest first, keyset-paginated both ways, each with
   * its conversation's subject, the other parties and whether it is held.
   * It takes no filters: they are the filters of items that reached the caller.
   */
  async sent(caller: Caller, query: ListInboxQueryDto): Promise<SentPageView> {
    const unsupported = SENT_UNFILTERED.find((name) => query[name] !== undefined);
    if (unsupported) throw DomainError.invalid(unsupported, `${unsupported} does not apply to the Sent folder`);
    const limit = query.limit ?? 50;
    const cursor = query.cursor ? decodePageCursor(query.cursor, true) : undefined;
    const direction = cursor?.direction ?? 'older';
    const params: unknown[] = [caller.id, limit + 1];
    const bound = cursor
      ? {
          at: `$${params.push(new Date(cursor.at))}::timestamptz`,
          seq: `$${params.push(cursor.seq)}`,
          kind: cursor.kind!,
        }
      : undefined;
    const rows = await readOnPool<SentRow>(this.db, sentPageSql('$1', '$2', direction, bound), params);
    const { page, nextCursor, prevCursor } = pageOf(rows, limit, direction, cursor !== undefined, (row, to) =>
      encodePageCursor({ at: row.created_at.toISOString(), seq: String(row.seq), direction: to, kind: row.kind }),
    );
    return { items: page.map((row) => toSentView(row, caller.id)), nextCursor, prevCursor };
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
   * The frame of a page whose own statement reads it too (`pageFrameSql`,
   * joined by the caller's user id): this delivers the broadcasts the caller
   * has not had yet first, as `countsAndPerson` does, so the unread total the
   * statement reads counts them.
   */
  async prepareFrame(caller: Caller): Promise<FrameJoin> {
    await this.broadcasts.deliver(caller.id);
    return (placeholder) => pageFrameSql(placeholder(caller.id, 'uuid'));
  }

  /**
   * The counts with what a page's frame shows of the person (their name, and
   * the time zone and language they chose): one read where a page would make
   * two. No person when the user does not exist (any more).
   */
  async countsAndPerson(caller: Caller): Promise<{
    counts: InboxCountsView;
    person?: { displayName: string; timeZone: string | null; locale: string | null };
  }> {
    await this.broadcasts.deliver(caller.id);
    const [row] = await readOnPool<Record<string, number | string | null>>(this.db, COUNTERS_AND_PERSON, [caller.id]);
    if (!row) return { counts: countsOf(undefined) };
    const { person_name, person_zone, person_locale, ...counters } = row;
    return {
      counts: countsOf(counters as Record<string, number | string>),
      person: {
        displayName: String(person_name),
        timeZone: person_zone as string | null,
        locale: person_locale as string | null,
      },
    };
  }

  /**
   * Marks read or unread, moves to Trash or back: the items with the given
   * ids (others' ids are reported as not found and never touched), or every
   * item that matches a filter, in one statement.
   */
  async bulk(caller: Caller, action: 'read' | 'unread' | 'delete' | 'restore', dto: BulkDto): Promise<BulkResultView> {
    if ((dto.ids === undefined) === (dto.filter === undefined))
      throw DomainError.invalid('ids', 'give either ids or filter');
    if (dto.filter?.in === 'sent')
      throw DomainError.invalid('filter.in', 'Messages in Sent cannot be marked read or unread, deleted or restored');
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
