import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { replyWindowPolicyAt } from '../../config/policies.js';
import type { Permission } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { transaction } from '../common/transaction.js';
import { FusedWrite } from '../common/database/fused-write.js';
import { PostingLimit } from '../common/shared-limits.js';
import { OutboxService, slaNoticeKey } from '../notifications/outbox.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { SlaMarksService } from '../sla/sla-marks.service.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { type Actor, actorOf } from '../timeline/timeline.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import type { Upload } from '../attachments/uploads.js';
import { CLOSE_RESOLVED, persistCaseIn } from './case.queries.js';
import { CaseMessages } from './case-messages.service.js';
import { CaseHandovers } from './case-handovers.service.js';
import { withinReopenWindow } from './case-actions.js';
import { applyContentPolicy } from '../conversations/content-policy.js';
import { CaseAction, EVENT_OF, transition } from './case-status.js';
import { CaseRecord } from './case.entity.js';
import { caseNotices } from './case-notices.js';
import { slaStateOf, toCaseView } from './case-views.js';
import { CaseView, MessageView, OpenCaseDto, PostMessageDto } from './cases.dto.js';
import { checkIdempotencyKey, claimIdempotencyKey } from '../common/idempotency.js';
import { ReplyCyclesService } from './reply-cycles.service.js';

const DAY_MS = 86_400_000;
/** Topics that are about an order, so need one. */
const ORDER_TOPICS = new Set([
  'item_not_received',
  'damaged_or_defective',
  'not_as_described',
  'return_request',
  'refund_not_received',
]);

/**
 * What buyers, sellers and support do to a case (docs/domain.md, "Cases").
 * Every change asks the access module, takes the case's row lock, checks the
 * transition with the pure state machine, and writes the case, its reply
 * cycle, timeline events, escalations and notices in one transaction through
 * their owners. Reading cases is CaseQueriesService.
 */
@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly cycles: ReplyCyclesService,
    private readonly timeline: TimelineService,
    private readonly outbox: OutboxService,
    private readonly escalations: EscalationsService,
    private readonly slaMarks: SlaMarksService,
    private readonly webhooks: WebhooksService,
    private readonly messages: CaseMessages,
    private readonly handovers: CaseHandovers,
    private readonly orders: OrdersService,
    private readonly posting: PostingLimit,
    private readonly clock: Clock,
  ) {}

  /** A buyer opens a case: about one of its orders, or a question about a listing. Honours Idempotency-Key. */
  async open(
    caller: Caller,
    dto: OpenCaseDto,
    idempotencyKey: string | undefined,
  ): Promise<{ view: CaseView; replayed: boolean }> {
    checkIdempotencyKey(idempotencyKey);
    if (!dto.orderId && !dto.listingRef)
      throw DomainError.invalid(
        'orderId',
        'give orderId (a case about your order) or listingRef (a question about a listing)',
      );
    if (ORDER_TOPICS.has(dto.topic) && !dto.orderId)
      throw DomainError.invalid('orderId', `a ${dto.topic} case needs the order it is about`);
    await this.posting.take(caller);
    const now = await this.clock.now();
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([dto.sellerId, dto.orderId ?? null, dto.listingRef ?? null, dto.topic, dto.subject, dto.body]),
      )
      .digest('hex');
    const caseId = randomUUID();
    const subjectPolicy = applyContentPolicy(dto.subject);

    const { record, replayed } = await transaction(this.db, async (tx) => {
      if (idempotencyKey !== undefined) {
        const firstId = await claimIdempotencyKey(tx, 'case', caller.id, idempotencyKey, requestHash, caseId, now);
        if (firstId !== caseId)
          return { record: await this.access.requireCase(tx, caller, firstId, 'case.read'), replayed: true };
      }
      await this.access.requireUserWithRole(tx, dto.sellerId, ['seller'], 'sellerId');
      if (dto.orderId) {
        const order = await this.orders.findForBuyer(tx, dto.orderId, caller.id);
        if (order.sellerId !== dto.sellerId)
          throw DomainError.invalid('sellerId', 'sellerId must be the seller of the order');
      }
      const opened = tx.create(CaseRecord, {
        id: caseId,
        buyerId: caller.id,
        sellerId: dto.sellerId,
        orderId: dto.orderId ?? null,
        listingRef: dto.listingRef ?? null,
        topic: dto.topic,
        subject: subjectPolicy.masked,
        subjectOriginal: subjectPolicy.masked === dto.subject ? null : dto.subject,
        status: 'awaiting_seller',
        cycleId: null,
        clockStartedAt: null,
        warnAt: null,
        dueAt: null,
        escalateAt: null,
        slaLevel: 0,
        nextActionAt: null,
        resolvedAt: null,
        claimId: null,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(CaseRecord, opened);
      const write = this.timeline.appendIn(new FusedWrite(), {
        caseId,
        type: 'case_opened',
        actor: actorOf(caller),
        at: now,
        data: { topic: dto.topic, orderId: dto.orderId ?? null, listingRef: dto.listingRef ?? null },
      });
      await this.messages.writeIn(tx, write, opened, caller, { body: dto.body, internal: false }, now, {
        subject: subjectPolicy,
        supportAwaits: false,
      });
      persistCaseIn(write, opened);
      await write.run(tx);
      return { record: opened, replayed: false };
    });
    return { view: toCaseView(record, now, caller), replayed };
  }

  /** A message (or, from support, an internal note) on a case: CaseMessages. */
  postMessage(caller: Caller, caseId: string, dto: PostMessageDto, uploads: Upload[] = []): Promise<MessageView> {
    return this.messages.post(caller, caseId, dto, uploads);
  }

  /** The seller ends the open reply cycle without replying. */
  async noResponseNeeded(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(
      caller,
      caseId,
      'case.noResponseNeeded',
      'no_response_needed',
      async (tx, write, record, now) => {
        if (!record.cycleId) {
          throw new DomainError('forbidden_transition', 'There is no unanswered buyer message to mark', {
            extensions: { currentState: record.status, action: 'no_response_needed' },
          });
        }
        await this.cycles.close(tx, write, record, 'no_response_needed', null, now);
      },
    );
  }

  /** The buyer resolves the case: the open cycle ends, and so does support's work on it. */
  async resolve(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'case.resolve', 'resolve', async (tx, write, record, now) => {
      if (record.cycleId) await this.cycles.close(tx, write, record, 'resolved', null, now);
      record.resolvedAt = now;
      await this.handovers.releaseEscalations(tx, write, record, 'case_resolved', actorOf(caller), now);
    });
  }

  /** The buyer reopens a resolved case within the policy's window; the seller owes a reply again. */
  async reopen(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'case.reopen', 'reopen', async (tx, write, record, now) => {
      if (!withinReopenWindow(record.resolvedAt, now)) {
        throw new DomainError(
          'forbidden_transition',
          `A case can be reopened within ${replyWindowPolicyAt(now).reopenWithinDays} days of its resolution`,
          {
            extensions: { currentState: record.status, action: 'reopen' },
          },
        );
      }
      record.resolvedAt = null;
      await this.cycles.open(tx, write, record, null, now);
    });
  }

  /**
   * The buyer asks support to step in: allowed once the reply window is late
   * (docs/domain.md, "Support"). It takes the cycle's `escalated` level, so
   * the sweep reaching `escalateAt` later does not escalate or notify again;
   * the `late` level (flag and notices) is still the sweep's to apply.
   */
  async escalate(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'case.escalate', 'escalate', async (tx, write, record, now) => {
      if (slaStateOf(record, now) !== 'late') {
        throw new DomainError(
          'forbidden_transition',
          'Support can be asked to step in once the seller is late to reply',
          {
            extensions: { currentState: record.status, slaState: slaStateOf(record, now), action: 'escalate' },
          },
        );
      }
      const cycleId = record.cycleId!;
      await this.slaMarks.mark(tx, record.id, cycleId, 'escalated', now, now);
      const escalation = await this.escalations.openIn(tx, write, {
        caseId: record.id,
        reason: 'buyer_request',
        priority: 'normal',
        cycleId,
        now,
      });
      this.outbox.enqueueIn(
        write,
        caseNotices(record, 'case_escalated', ['buyer', 'seller'], now, {
          key: (party) => slaNoticeKey(cycleId, 'escalated', party),
          extra: { escalationId: escalation.id },
        }),
      );
      this.webhooks.emitIn(write, {
        type: 'case.escalated',
        data: { caseId: record.id, escalationId: escalation.id, reason: 'buyer_request' },
        at: now,
      });
    });
  }

  /** Support confirmed a phishing report about a case message: CaseMessages. */
  quarantineReported(
    tx: EntityManager,
    messageId: string,
    agent: Actor,
    reportId: string,
    now: Date,
  ): Promise<boolean> {
    return this.messages.quarantineReported(tx, messageId, agent, reportId, now);
  }

  /** Closes resolved cases after the policy's days of silence, set-based (their open escalations with them); returns how many closed. */
  async closeResolved(): Promise<number> {
    const now = await this.clock.now();
    const cutoff = new Date(now.getTime() - replyWindowPolicyAt(now).closeResolvedAfterDays * DAY_MS);
    const rows: { id: string }[] = await this.db.query(CLOSE_RESOLVED, [now, cutoff]);
    return rows.length;
  }

  /** A transition without a message: access, lock, check, apply, record. */
  private async change(
    caller: Caller,
    caseId: string,
    permission: Permission,
    action: CaseAction,
    apply: (tx: EntityManager, write: FusedWrite, record: CaseRecord, now: Date) => Promise<void>,
  ): Promise<CaseView> {
    const now = await this.clock.now();
    const record = await transaction(this.db, async (tx) => {
      const locked = await this.access.requireCase(tx, caller, caseId, permission, true);
      const next = transition(locked.status, action);
      const write = new FusedWrite();
      await apply(tx, write, locked, now);
      const from = locked.status;
      locked.status = next;
      locked.updatedAt = now;
      persistCaseIn(write, locked);
      await this.timeline
        .appendIn(write, {
          caseId: locked.id,
          type: EVENT_OF[action],
          actor: actorOf(caller),
          at: now,
          data: { from, to: next },
        })
        .run(tx);
      return locked;
    });
    return toCaseView(record, now, caller);
  }
}
