import { AttachmentsService } from '../attachments/attachments.service.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isSupport } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { ClaimEventsService } from './claim-events.service.js';
import { Claim } from './claim.entity.js';
import { ClaimMessage } from '../conversations/message.entity.js';
import { canSeeClaimMessage, toClaimMessageView, toClaimView } from './claim-views.js';
import { claimAllowedActions } from './claim-actions.js';
import { DomainError } from '../common/domain-error.js';
import { BUYER_ORDERS_NEWER, BUYER_ORDERS_OLDER } from './claim.queries.js';
import {
  BuyerOrdersQueryDto,
  ClaimDetailView,
  ClaimEventView,
  ClaimMessageView,
  ClaimPageView,
  ListClaimsQueryDto,
} from './claims.dto.js';

/** A page of a buyer's orders: their ids, newest first, and the cursors of the pages either side (null at an end). */
export interface BuyerOrdersPage {
  orderIds: string[];
  older: string | null;
  newer: string | null;
}

/** Reading claims: a buyer its own, a seller those against it, support all of them. */
@Injectable()
export class ClaimQueriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly claimEvents: ClaimEventsService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Newest first, keyset-paginated on the party's index (claims_buyer_idx, claims_seller_idx, claims_created_idx):
   * after `cursor` or, paging back, before `before`, read on the same index the other way.
   */
  async list(caller: Caller, query: ListClaimsQueryDto): Promise<ClaimPageView> {
    if (query.cursor !== undefined && query.before !== undefined)
      throw DomainError.invalid('before', 'before and cursor cannot be used together: give one of them');
    const limit = query.limit ?? 50;
    const backward = query.before !== undefined;
    const cursor = backward ? pageKey('before', query.before) : pageKey('cursor', query.cursor);
    const builder = this.db.getRepository(Claim).createQueryBuilder('c').where('true');
    if (caller.role === 'buyer') builder.andWhere('c.buyer_id = :me', { me: caller.id });
    else if (caller.role === 'seller') builder.andWhere('c.seller_id = :me', { me: caller.id });
    if (query.status) builder.andWhere('c.status = :status', { status: query.status });
    if (query.reason) builder.andWhere('c.reason = :reason', { reason: query.reason });
    if (cursor)
      builder.andWhere(`(c.created_at, c.id) ${backward ? '>' : '<'} (:at::timestamptz, :id::uuid)`, {
        at: cursor.key,
        id: cursor.id,
      });
    const direction = backward ? 'ASC' : 'DESC';
    const rows = await builder
      .orderBy('c.created_at', direction)
      .addOrderBy('c.id', direction)
      .limit(limit + 1)
      .getMany();
    const more = rows.length > limit;
    const read = rows.slice(0, limit);
    const page = backward ? read.reverse() : read;
    const keyOf = (claim: Claim) => encodeCursor(claim.createdAt.toISOString(), claim.id);
    const first = page[0];
    const last = page[page.length - 1];
    // Paging forward, a page reached through a cursor has one before it; paging back, the one after it is where the reader came from.
    return {
      items: page.map(toClaimView),
      nextCursor: last && (backward || more) ? keyOf(last) : null,
      prevCursor: first && (backward ? more : cursor !== null) ? keyOf(first) : null,
    };
  }

  /**
   * The caller's own orders as a buyer (the orders page, where claims are
   * filed from), `limit` a page: searched by `q` (the order's id, or text in
   * its reference or an item's title), after (older than) or before (newer
   * than) a cursor this method returned.
   */
  async buyerOrders(caller: Caller, query: BuyerOrdersQueryDto, limit: number): Promise<BuyerOrdersPage> {
    if (query.after && query.before) throw DomainError.invalid('before', 'before cannot be given with after');
    const text = query.q?.trim() || null;
    const pattern = text === null ? null : `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const newer = query.before !== undefined;
    const key = cursorKey(newer ? 'before' : 'after', query.after ?? query.before);
    const rows: { id: string; placed_at: Date }[] = await this.db.query(
      newer ? BUYER_ORDERS_NEWER : BUYER_ORDERS_OLDER,
      [caller.id, text, pattern, key?.key ?? null, key?.id ?? null, limit + 1],
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (newer) page.reverse();
    const cursorOf = (row: { id: string; placed_at: Date } | undefined) =>
      row ? encodeCursor(row.placed_at.toISOString(), row.id) : null;
    // The cursor row itself lies on the side the reader came from, so that side has a page.
    return {
      orderIds: page.map((row) => row.id),
      older: newer || more ? cursorOf(page[page.length - 1]) : null,
      newer: (newer && more) || (!newer && key) ? cursorOf(page[0]) : null,
    };
  }

  /** One claim, with what the caller may do to it now. */
  async view(caller: Caller, claimId: string): Promise<ClaimDetailView> {
    const claim = await this.access.requireClaim(null, caller, claimId, 'claim.read');
    return { ...toClaimView(claim), allowedActions: claimAllowedActions(claim, caller, await this.clock.now()) };
  }

  async messages(caller: Caller, claimId: string): Promise<ClaimMessageView[]> {
    const claim = await this.access.requireClaim(null, caller, claimId, 'claim.read');
    const messages = await this.db.manager.find(ClaimMessage, {
      where: { claimId: claim.id },
      order: { createdAt: 'ASC', seq: 'ASC' },
    });
    const seen = messages.filter((message) => canSeeClaimMessage(message, caller));
    const attachments = await this.attachments.of(
      seen.map((message) => message.id),
      true,
    );
    return seen.map((message) => toClaimMessageView(message, caller, attachments.get(message.id)));
  }

  async timeline(caller: Caller, claimId: string): Promise<ClaimEventView[]> {
    const claim = await this.access.requireClaim(null, caller, claimId, 'claim.read');
    return this.claimEvents.list(claim.id, isSupport(caller));
  }
}

/** The keyset of a cursor `buyerOrders` gave, or a 400 naming the parameter it came in. */
function cursorKey(field: 'after' | 'before', cursor: string | undefined): { key: string; id: string } | null {
  return pageKey(field, cursor, `${field} is not a page of your orders; start again from the first page`);
}

/** The keyset of a cursor this service gave, or a 400 naming the parameter it came in. */
function pageKey(
  field: string,
  cursor: string | undefined,
  message = `${field} is not a page of this list; start again from the first page`,
): { key: string; id: string } | null {
  if (cursor === undefined) return null;
  try {
    return decodeCursor(cursor);
  } catch {
    throw DomainError.invalid(field, message);
  }
}
