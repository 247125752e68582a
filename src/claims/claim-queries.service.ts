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
import { ClaimDetailView, ClaimEventView, ClaimMessageView, ClaimPageView, ListClaimsQueryDto } from './claims.dto.js';

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

  /** Newest first, keyset-paginated. */
  async list(caller: Caller, query: ListClaimsQueryDto): Promise<ClaimPageView> {
    const limit = query.limit ?? 50;
    const builder = this.db.getRepository(Claim).createQueryBuilder('c').where('true');
    if (caller.role === 'buyer') builder.andWhere('c.buyer_id = :me', { me: caller.id });
    else if (caller.role === 'seller') builder.andWhere('c.seller_id = :me', { me: caller.id });
    if (query.status) builder.andWhere('c.status = :status', { status: query.status });
    if (query.reason) builder.andWhere('c.reason = :reason', { reason: query.reason });
    if (query.cursor) {
      const { key, id } = decodeCursor(query.cursor);
      builder.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', { at: key, id });
    }
    const rows = await builder
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toClaimView),
      nextCursor: rows.length > limit ? encodeCursor(last.createdAt.toISOString(), last.id) : null,
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
      order: { createdAt: 'ASC', id: 'ASC' },
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
