import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Upload } from '../attachments/uploads.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PostingLimit } from '../common/shared-limits.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import type { Actor } from '../timeline/timeline.js';
import { ClaimEventsService } from './claim-events.service.js';
import { toClaimMessageView } from './claim-views.js';
import { claimWrite, ClaimWorkflow, partyOf } from './claim-workflow.js';
import { actorOf } from '../timeline/timeline.js';
import type { ClaimMessageDto, ClaimMessageView } from './claims.dto.js';

/** The claim's conversation: messages of the parties and support, support's internal notes, and quarantining a reported one. */
@Injectable()
export class ClaimMessages {
  constructor(
    private readonly workflow: ClaimWorkflow,
    private readonly conversations: ConversationsService,
    private readonly claimEvents: ClaimEventsService,
    private readonly attachments: AttachmentsService,
    private readonly posting: PostingLimit,
  ) {}

  /** A message on a claim (parties and support), or an internal note (support); the asked party's answer ends an info request. */
  async post(caller: Caller, claimId: string, dto: ClaimMessageDto, uploads: Upload[] = []): Promise<ClaimMessageView> {
    await this.posting.take(caller);
    let view: ClaimMessageView | undefined;
    await this.attachments.withStored(uploads, (stashed) =>
      this.workflow.act(caller, claimId, dto.internal ? 'claim.note' : 'claim.message', async (step) => {
        const { claim } = step;
        if (!dto.internal && claim.status === 'closed') {
          throw new DomainError('forbidden_transition', 'Cannot write to a claim that is closed', {
            extensions: { currentState: claim.status, action: 'message' },
          });
        }
        const { message, attachments, visible } = await this.workflow.writeMessage(step, caller, {
          body: dto.body,
          internal: dto.internal === true,
          notify: true,
          files: stashed,
        });
        view = toClaimMessageView({ ...message, claimId }, caller, attachments);
        if (visible && claim.status === 'info_requested' && partyOf(caller) === claim.infoFrom) {
          this.workflow.move(step, 'info_provided', actorOf(caller), { messageId: message.id });
          Object.assign(claim, { infoFrom: null, nextDeadlineAt: null });
          await this.workflow.endWait(step);
        }
      }),
    );
    return view!;
  }

  /** Support confirmed a phishing report about a claim message: quarantined, and a content violation of its author; false when there is none. */
  async quarantineReported(
    tx: EntityManager,
    claimMessageId: string,
    agent: Actor,
    reportId: string,
    now: Date,
  ): Promise<boolean> {
    const quarantined = await this.conversations.quarantineReported(tx, 'claim', claimMessageId, agent, reportId, now);
    if (quarantined)
      await this.claimEvents
        .appendIn(claimWrite(), { claimId: quarantined.conversationId, ...quarantined.event })
        .run(tx);
    return quarantined !== null;
  }
}
