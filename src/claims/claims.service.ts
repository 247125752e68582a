import type { AttachmentView } from '../attachments/attachments.dto.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Upload } from '../attachments/uploads.js';
import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ClaimPolicy } from '../../config/policies.js';
import { AccessService, forbidden } from '../access/access.service.js';
import { allows, isSupport, Permission } from '../access/access.js';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { CaseRecord } from '../cases/case.entity.js';
import { CasesService } from '../cases/cases.service.js';
import { applyContentPolicy, PolicyResult } from '../cases/content-policy.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { transaction } from '../common/transaction.js';
import { isUuid } from '../common/ids.js';
import { checkIdempotencyKey, claimIdempotencyKey } from '../common/idempotency.js';
import { PostingLimit } from '../common/shared-limits.js';
import type { Party } from '../notifications/categories.js';
import { CaseNotice, OutboxService } from '../notifications/outbox.service.js';
import type { MoneyDto } from '../orders/orders.dto.js';
import { EscalationsService } from '../support/escalations.service.js';
import type { Actor } from '../timeline/timeline.js';
import type { WebhookEvent } from '../webhooks/webhooks.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { ClaimPolicies } from './claim-policies.js';
import { ClaimAction, claimTransition, OPEN_CLAIM_STATUSES } from './claim-status.js';
import { Claim, ClaimFlag, ClaimMessage, ClaimReason } from './claim.entity.js';
import { ClaimEntry, ClaimEventsService } from './claim-events.service.js';
import { claimHook, claimNotices } from './claim-notices.js';
import { toClaimMessageView, toClaimView } from './claim-views.js';
import {
  BodyDto,
  ClaimMessageDto,
  ClaimMessageView,
  ClaimView,
  DecideAppealDto,
  DecideDto,
  EligibilityView,
  FileClaimDto,
  FileForBuyerDto,
  RefundDto,
  RequestInfoDto,
} from './claims.dto.js';
import { addPolicyDuration, eligibility, ReasonEligibility } from './eligibility.js';

/** An order as eligibility and filing see it. */
interface OrderFacts {
  id: string;
  externalId: string;
  buyerId: string;
  sellerId: string;
  maxDeliveryDate: string;
  totalAmount: number;
  currency: string;
  deliveredAt: Date | null;
  refundedAt: Date | null;
  firstContactAt: Date | null;
  openClaim: boolean;
}

const ORDER_FACTS = `
SELECT o.id, o.external_id, o.buyer_id, o.seller_id, to_char(o.max_delivery_date, 'YYYY-MM-DD') AS max_delivery_date, o.total_amount, o.currency,
       (SELECT min(at) FROM order_events WHERE order_id = o.id AND type = 'delivered' AND at <= $2) AS delivered_at,
       (SELECT min(at) FROM order_events WHERE order_id = o.id AND type = 'refunded' AND at <= $2) AS refunded_at,
       (SELECT min(created_at) FROM cases WHERE order_id = o.id AND buyer_id = o.buyer_id) AS first_contact_at,
       EXISTS (SELECT 1 FROM claims WHERE order_id = o.id AND status = ANY ($3)) AS open_claim
  FROM orders o WHERE o.id = $1`;

/** What one change to a claim writes besides the claim row: its timeline, notices and webhook events. */
export interface ClaimChange {
  events: ClaimEntry[];
  notices: CaseNotice[];
  hooks: WebhookEvent[];
}

const actorOf = (caller: Caller): Actor => ({ id: caller.id, role: caller.role });
const partyOf = (caller: Caller): Party | null => (caller.role === 'buyer' || caller.role === 'seller' ? caller.role : null);
const other = (party: Party): Party => (party === 'buyer' ? 'seller' : 'buyer');

/**
 * Buyer-protection claims (docs/claims.md): eligibility, filing, and every
 * step of the workflow. Each change asks the access module, takes the
 * claim's row lock, checks the transition with the pure state machine, and
 * writes the claim, its timeline, messages, escalation, notices and webhook
 * events in one transaction through their owners.
 */
@Injectable()
export class ClaimsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly cases: CasesService,
    private readonly calendars: CalendarsService,
    private readonly escalations: EscalationsService,
    private readonly claimEvents: ClaimEventsService,
    private readonly outbox: OutboxService,
    private readonly webhooks: WebhooksService,
    private readonly attachments: AttachmentsService,
    private readonly audit: AuditService,
    private readonly policies: ClaimPolicies,
    private readonly posting: PostingLimit,
    private readonly clock: Clock,
  ) {}

  /** For the order's buyer (and support): for each reason, eligible now, from when, or why not. */
  async eligibilityFor(caller: Caller, orderId: string): Promise<EligibilityView> {
    const now = await this.clock.now();
    const order = await this.orderFacts(null, orderId, now, false);
    if (!order || !(isSupport(caller) || order.buyerId === caller.id)) throw DomainError.notFound('Order');
    const answers = await this.eligibilityOf(null, order, now);
    return { orderId: order.id, at: now.toISOString(), reasons: answers.map(reasonView) };
  }

  /** The buyer files a claim about its order, optionally from one of its cases about it. Honours Idempotency-Key. */
  async file(caller: Caller, dto: FileClaimDto, idempotencyKey: string | undefined): Promise<{ view: ClaimView; replayed: boolean }> {
    checkIdempotencyKey(idempotencyKey);
    await this.posting.take(caller);
    const now = await this.clock.now();
    const requestHash = createHash('sha256')
      .update(JSON.stringify([dto.orderId, dto.reason, dto.caseId ?? null, dto.amount ?? null, dto.body]))
      .digest('hex');
    const claimId = randomUUID();
    return transaction(this.db, async (tx) => {
      if (idempotencyKey !== undefined) {
        const firstId = await claimIdempotencyKey(tx, 'claim', caller.id, idempotencyKey, requestHash, claimId, now);
        if (firstId !== claimId) return { view: toClaimView(await this.access.requireClaim(tx, caller, firstId, 'claim.read')), replayed: true };
      }
      // The order's row lock makes filings on one order take turns, so "one open claim per order" sees the other.
      const order = await this.orderFacts(tx, dto.orderId, now, true);
      if (!order || order.buyerId !== caller.id) throw DomainError.notFound('Order');
      const answer = (await this.eligibilityOf(tx, order, now)).find((candidate) => candidate.reason === dto.reason)!;
      if (!answer.eligible) throw notEligible(answer);
      const amount = dto.amount ? checkMoney('amount', dto.amount, order) : order.totalAmount;
      const record = dto.caseId ? await this.access.requireCase(tx, caller, dto.caseId, 'case.read', true) : await this.latestCaseOf(tx, order);
      if (record.orderId !== order.id) throw DomainError.invalid('caseId', 'caseId must be one of your cases about this order');
      const claim = await this.openClaim(tx, { claimId, order, record, reason: dto.reason, amount, body: dto.body, filer: caller, flags: [], now });
      return { view: toClaimView(claim), replayed: false };
    });
  }

  /**
   * An agent opens a claim for the buyer of an escalation's case (the agent
   * has judged the seller had its chance: the waiting rules are waived; a
   * refund, a closed window or an open claim still stop it).
   */
  async fileForBuyer(caller: Caller, escalationId: string, dto: FileForBuyerDto): Promise<ClaimView> {
    const now = await this.clock.now();
    return transaction(this.db, async (tx) => {
      const escalation = await this.access.requireEscalation(tx, caller, escalationId, 'escalation.act');
      if (!allows(caller, 'claim.fileForBuyer')) throw forbidden('claim.fileForBuyer');
      if (escalation.status === 'resolved') {
        throw new DomainError('forbidden_transition', 'Cannot open a claim from a resolved escalation', { extensions: { currentState: escalation.status, action: 'file_claim' } });
      }
      const caseId = escalation.caseId;
      if (!caseId) throw new DomainError('forbidden_transition', 'This escalation is not about a case, so it cannot become a claim', { extensions: { action: 'file_claim' } });
      const { orderId } = await this.access.requireCase(tx, caller, caseId, 'case.read');
      if (!orderId) throw new DomainError('forbidden_transition', 'This case is not about an order, so it cannot become a claim', { extensions: { action: 'file_claim' } });
      // The order's row lock first, then the case's: the order a buyer filing takes them in, so the two wait instead of deadlocking.
      const order = (await this.orderFacts(tx, orderId, now, true))!;
      const record = await this.access.requireCase(tx, caller, caseId, 'case.read', true);
      const answer = (await this.eligibilityOf(tx, order, now)).find((candidate) => candidate.reason === dto.reason)!;
      if (!answer.eligible && answer.rule !== 'contact_seller_first' && answer.rule !== 'too_early') throw notEligible(answer);
      const amount = dto.amount ? checkMoney('amount', dto.amount, order) : order.totalAmount;
      const claim = await this.openClaim(tx, { claimId: randomUUID(), order, record, reason: dto.reason, amount, body: dto.body, filer: caller, flags: ['filed_by_agent'], now });
      await this.audit.record(tx, caller, { action: 'claim.filed_for_buyer', subjectType: 'claim', subjectId: claim.id, after: { escalationId, reason: dto.reason, amount } }, now);
      return toClaimView(claim);
    });
  }

  /** A message on a claim (parties and support), or an internal note (support); the asked party's answer ends an info request. */
  async postMessage(caller: Caller, claimId: string, dto: ClaimMessageDto, uploads: Upload[] = []): Promise<ClaimMessageView> {
    await this.posting.take(caller);
    let written: ClaimMessage | undefined;
    let files: AttachmentView[] = [];
    await this.attachments.withStored(uploads, (stashed) =>
      this.act(caller, claimId, dto.internal ? 'claim.note' : 'claim.message', async (tx, claim, now, change) => {
        if (!dto.internal && claim.status === 'closed') {
          throw new DomainError('forbidden_transition', 'Cannot write to a claim that is closed', { extensions: { currentState: claim.status, action: 'message' } });
        }
        const { message, visible } = await this.writeMessage(tx, claim, caller, dto.body, dto.internal === true, now, change, true);
        written = message;
        files = await this.attachments.attach(tx, stashed, { claimMessageId: message.id }, caller.id, now);
        const party = partyOf(caller);
        if (visible && claim.status === 'info_requested' && party === claim.infoFrom) {
          this.move(claim, 'info_provided', actorOf(caller), now, change, { messageId: message.id });
          Object.assign(claim, { infoFrom: null, nextDeadlineAt: null });
          await this.endWait(tx, claim, now, change);
        }
      }),
    );
    return toClaimMessageView(written!, caller, files);
  }

  /** The seller answers the claim: it goes to an agent. */
  respond(caller: Caller, claimId: string, dto: BodyDto): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.respond', async (tx, claim, now, change) => {
      this.move(claim, 'seller_respond', actorOf(caller), now, change);
      claim.nextDeadlineAt = null;
      await this.writeMessage(tx, claim, caller, dto.body, false, now, change, true);
      await this.openEscalation(tx, claim, 'normal', now, change);
    });
  }

  /** The seller refunds before a decision: the claim ends `refunded_by_seller` (still counted against the seller). */
  refund(caller: Caller, claimId: string, dto: RefundDto): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.refund', async (tx, claim, now, change) => {
      claimTransition(claim.status, 'seller_refund');
      const order = (await this.orderFacts(tx, claim.orderId, now, false))!;
      const amount = checkMoney('amount', dto.amount, order);
      this.move(claim, 'seller_refund', actorOf(caller), now, change, { amount });
      Object.assign(claim, { outcome: 'refunded_by_seller', sellerRefund: amount, nextDeadlineAt: null });
      await this.resolveEscalation(tx, claim, 'claim_refunded_by_seller', now, change);
      this.close(claim, actorOf(caller), now, change);
      change.notices.push(...claimNotices(claim, 'claim_refunded_by_seller', ['buyer', 'seller'], now, { money: { amount, currency: claim.currency } }));
      change.hooks.push(claimHook(claim, 'claim.refunded_by_seller', now, { refund: { amount, currency: claim.currency }, funding: 'seller' }));
    });
  }

  /** An agent asks a party for information: the claim waits for that party's message, up to the policy's time. */
  requestInfo(caller: Caller, claimId: string, dto: RequestInfoDto): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.requestInfo', async (tx, claim, now, change) => {
      this.move(claim, 'request_info', actorOf(caller), now, change, { from: dto.from });
      const infoDueAt = await this.deadline(tx, now, this.policyOf(claim).infoRequest);
      Object.assign(claim, { infoFrom: dto.from, infoDueAt, nextDeadlineAt: infoDueAt });
      await this.writeMessage(tx, claim, caller, dto.body, false, now, change, false);
      const escalation = await this.escalations.openOfClaim(tx, claim.id);
      if (escalation) await this.escalations.waitOn(tx, escalation, dto.from, now);
      change.notices.push(...claimNotices(claim, 'claim_info_requested', ['buyer', 'seller'], now, { infoFrom: dto.from, dueAt: infoDueAt.toISOString() }, `${now.getTime()}`));
      await this.audit.record(tx, caller, { action: 'claim.info_requested', subjectType: 'claim', subjectId: claim.id, after: { from: dto.from, infoDueAt } }, now);
    });
  }

  /** An agent decides: granted (who funds it, how much) or denied, with a note. The appeal window opens. */
  decide(caller: Caller, claimId: string, dto: DecideDto): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.decide', async (tx, claim, now, change) => {
      const action: ClaimAction = dto.outcome === 'granted' ? 'grant' : 'deny';
      claimTransition(claim.status, action);
      let refund: number | null = null;
      if (dto.outcome === 'granted') {
        if (!dto.funding) throw DomainError.invalid('funding', 'funding (seller or marketplace) is required to grant a claim');
        refund = dto.refund ? checkMoney('refund', dto.refund, (await this.orderFacts(tx, claim.orderId, now, false))!) : claim.amount;
      } else {
        if (dto.funding !== undefined) throw DomainError.invalid('funding', 'funding is only for a granted claim');
        if (dto.refund !== undefined) throw DomainError.invalid('refund', 'refund is only for a granted claim');
      }
      await this.applyDecision(tx, claim, { outcome: dto.outcome, funding: dto.funding ?? null, refund, decidedBy: caller.id, note: dto.note }, actorOf(caller), now, change);
      await this.audit.record(
        tx,
        caller,
        { action: 'claim.decided', subjectType: 'claim', subjectId: claim.id, after: { outcome: dto.outcome, funding: dto.funding ?? null, refund } },
        now,
      );
    });
  }

  /** The buyer withdraws its claim before a decision. */
  withdraw(caller: Caller, claimId: string): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.withdraw', async (tx, claim, now, change) => {
      this.move(claim, 'withdraw', actorOf(caller), now, change);
      Object.assign(claim, { outcome: 'withdrawn', nextDeadlineAt: null, infoFrom: null });
      await this.resolveEscalation(tx, claim, 'claim_withdrawn', now, change);
      this.close(claim, actorOf(caller), now, change);
      change.notices.push(...claimNotices(claim, 'claim_withdrawn', ['seller'], now));
      change.hooks.push(claimHook(claim, 'claim.withdrawn', now));
    });
  }

  /** The party the decision went against appeals, within the window; another agent will decide. */
  appeal(caller: Caller, claimId: string, dto: BodyDto): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.appeal', async (tx, claim, now, change) => {
      claimTransition(claim.status, 'appeal');
      const against: Party = claim.decisionOutcome === 'granted' ? 'seller' : 'buyer';
      if (caller.role !== against) throw new DomainError('forbidden', `Only the ${against} can appeal a ${claim.status} claim`);
      if (claim.appealUntil && now >= claim.appealUntil) {
        throw new DomainError('forbidden_transition', `The appeal window ended at ${claim.appealUntil.toISOString()}`, {
          extensions: { currentState: claim.status, action: 'appeal', appealUntil: claim.appealUntil.toISOString() },
        });
      }
      this.move(claim, 'appeal', actorOf(caller), now, change);
      Object.assign(claim, { appealBy: caller.id, appealAt: now, nextDeadlineAt: null });
      await this.writeMessage(tx, claim, caller, dto.body, false, now, change, false);
      await this.openEscalation(tx, claim, 'high', now, change);
      change.notices.push(...claimNotices(claim, 'claim_appealed', ['buyer', 'seller'], now));
      change.hooks.push(claimHook(claim, 'claim.appealed', now, { by: against }));
    });
  }

  /** An agent other than the first decider upholds or reverses the decision; the claim closes. */
  decideAppeal(caller: Caller, claimId: string, dto: DecideAppealDto): Promise<ClaimView> {
    return this.act(caller, claimId, 'claim.decideAppeal', async (tx, claim, now, change) => {
      const action: ClaimAction = dto.outcome === 'upheld' ? 'uphold_appeal' : 'reverse_appeal';
      claimTransition(claim.status, action);
      if (claim.decidedBy === caller.id) throw new DomainError('forbidden', 'An appeal is decided by another agent than the one who made the first decision');
      const first = claim.decisionOutcome!;
      const effective = dto.outcome === 'upheld' ? first : first === 'granted' ? 'denied' : 'granted';
      const grantsNow = dto.outcome === 'reversed' && effective === 'granted';
      if (!grantsNow && dto.funding !== undefined) throw DomainError.invalid('funding', 'funding is only for reversing a denial');
      if (!grantsNow && dto.refund !== undefined) throw DomainError.invalid('refund', 'refund is only for reversing a denial');
      const funding = grantsNow ? (dto.funding ?? 'seller') : null;
      const refund = grantsNow ? (dto.refund ? checkMoney('refund', dto.refund, (await this.orderFacts(tx, claim.orderId, now, false))!) : claim.amount) : null;
      this.move(claim, action, actorOf(caller), now, change, { outcome: effective });
      Object.assign(claim, {
        outcome: effective,
        appealOutcome: dto.outcome,
        appealDecidedBy: caller.id,
        appealDecidedAt: now,
        appealNote: dto.note,
        appealFunding: funding,
        appealRefund: refund,
      });
      await this.resolveEscalation(tx, claim, `appeal_${dto.outcome}`, now, change);
      this.close(claim, actorOf(caller), now, change);
      const money = (amount: number | null) => (amount === null ? null : { amount, currency: claim.currency });
      change.notices.push(...claimNotices(claim, 'claim_appeal_decided', ['buyer', 'seller'], now, { appealOutcome: dto.outcome, outcome: effective }));
      change.hooks.push(
        claimHook(claim, 'claim.appeal_decided', now, {
          appealOutcome: dto.outcome,
          outcome: effective,
          // What the marketplace now does: pay a refund (a reversed denial), or undo the first decision's (a reversed grant).
          ...(grantsNow ? { funding, refund: money(refund) } : {}),
          ...(dto.outcome === 'reversed' && first === 'granted' ? { reverses: { funding: claim.decisionFunding, refund: money(claim.decisionRefund) } } : {}),
        }),
      );
      await this.audit.record(
        tx,
        caller,
        { action: 'claim.appeal_decided', subjectType: 'claim', subjectId: claim.id, after: { appealOutcome: dto.outcome, outcome: effective } },
        now,
      );
    });
  }

  /**
   * The claims sweep's work on one claim whose deadline passed, in the
   * sweep's transaction with the claim locked; false when it was already
   * acted on (another instance, or a person, got there first).
   */
  async actOnDeadline(tx: EntityManager, claim: Claim, now: Date, escalationDue: Date, change: ClaimChange): Promise<'seller_response' | 'info_request' | 'appeal_window' | null> {
    const pending =
      claim.status === 'awaiting_seller'
        ? ({ deadline: 'seller_response', due: claim.sellerResponseDueAt } as const)
        : claim.status === 'info_requested'
          ? ({ deadline: 'info_request', due: claim.infoDueAt } as const)
          : claim.status === 'granted' || claim.status === 'denied'
            ? ({ deadline: 'appeal_window', due: claim.appealUntil } as const)
            : null;
    if (!pending || !pending.due || pending.due > now) {
      claim.nextDeadlineAt = pending?.due && pending.due > now ? pending.due : null;
      return null;
    }
    const marked: unknown[] = await tx.query(
      `INSERT INTO claim_deadline_actions (claim_id, deadline, due_at, acted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
      [claim.id, pending.deadline, pending.due, now],
    );
    claim.nextDeadlineAt = null;
    if (marked.length === 0) return null;
    const system: Actor = { id: null, role: 'system' };
    const data = { deadline: pending.deadline, dueAt: pending.due.toISOString() };
    if (pending.deadline === 'seller_response') {
      if (this.policyOf(claim).noResponse === 'grant') {
        this.move(claim, 'auto_grant', system, now, change, data);
        claim.flags = [...claim.flags, 'no_seller_response'];
        await this.applyDecision(
          tx,
          claim,
          { outcome: 'granted', funding: 'seller', refund: claim.amount, decidedBy: null, note: 'Granted: the seller did not respond in time' },
          system,
          now,
          change,
          true,
        );
        change.notices.push(...claimNotices(claim, 'claim_no_seller_response', ['seller'], now, { outcome: 'granted', money: { amount: claim.amount, currency: claim.currency } }));
      } else {
        this.move(claim, 'seller_silence', system, now, change, data);
        claim.flags = [...claim.flags, 'no_seller_response'];
        await this.openEscalation(tx, claim, 'normal', now, change, escalationDue);
        change.notices.push(...claimNotices(claim, 'claim_no_seller_response', ['seller'], now, { outcome: 'under_review' }));
      }
    } else if (pending.deadline === 'info_request') {
      this.move(claim, 'info_timeout', system, now, change, { ...data, from: claim.infoFrom });
      claim.flags = claim.flags.includes('info_not_provided') ? claim.flags : [...claim.flags, 'info_not_provided'];
      claim.infoFrom = null;
      await this.endWait(tx, claim, now, change);
    } else {
      this.close(claim, system, now, change, data);
      change.hooks.push(claimHook(claim, 'claim.closed', now));
    }
    return pending.deadline;
  }

  /** Support confirmed a phishing report about a claim message: quarantined, and a content violation of its author; false when there is none. */
  async quarantineReported(tx: EntityManager, claimMessageId: string, agent: Actor, reportId: string, now: Date): Promise<boolean> {
    const message = await tx.findOne(ClaimMessage, { where: { id: claimMessageId }, lock: { mode: 'pessimistic_write' } });
    if (!message) return false;
    await tx.update(ClaimMessage, { id: message.id }, { quarantined: true });
    await tx.query(`INSERT INTO content_violations (user_id, claim_message_id, kinds, created_at) VALUES ($1, $2, $3, $4)`, [message.authorId, message.id, ['phishing'], now]);
    await this.claimEvents.append(tx, {
      claimId: message.claimId,
      type: 'message_quarantined',
      actor: agent,
      at: now,
      internal: true,
      data: { messageId: message.id, reportId, kinds: ['phishing'] },
    });
    return true;
  }

  /** Writes the columns a claim's workflow changes, in one UPDATE (TypeORM's save would read the row again first). */
  async persist(tx: EntityManager, claim: Claim): Promise<void> {
    await tx.update(Claim, { id: claim.id }, pick(claim, MUTABLE));
  }

  /** Writes what a change collected: timeline, notices and webhook events, one statement each. */
  async record(tx: EntityManager, change: ClaimChange): Promise<void> {
    await this.claimEvents.append(tx, ...change.events);
    await this.outbox.enqueue(tx, ...change.notices);
    await this.webhooks.emit(tx, ...change.hooks);
  }

  private async openClaim(
    tx: EntityManager,
    input: { claimId: string; order: OrderFacts; record: CaseRecord; reason: ClaimReason; amount: number; body: string; filer: Caller; flags: ClaimFlag[]; now: Date },
  ): Promise<Claim> {
    const { order, now } = input;
    const policy = this.policies.at(now);
    const claim = tx.create(Claim, {
      id: input.claimId,
      orderId: order.id,
      orderExternalId: order.externalId,
      caseId: input.record.id,
      buyerId: order.buyerId,
      sellerId: order.sellerId,
      filedBy: input.filer.id,
      reason: input.reason,
      status: 'filed',
      outcome: null,
      amount: input.amount,
      currency: order.currency,
      flags: input.flags,
      policyVersion: policy.version,
      sellerResponseDueAt: null,
      infoDueAt: null,
      infoFrom: null,
      appealUntil: null,
      nextDeadlineAt: null,
      decisionOutcome: null,
      decisionFunding: null,
      decisionRefund: null,
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      appealBy: null,
      appealAt: null,
      appealOutcome: null,
      appealDecidedBy: null,
      appealDecidedAt: null,
      appealNote: null,
      appealFunding: null,
      appealRefund: null,
      sellerRefund: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(Claim, claim);
    const actor = actorOf(input.filer);
    const change: ClaimChange = { events: [], notices: [], hooks: [] };
    change.events.push({
      claimId: claim.id,
      type: 'claim_filed',
      actor,
      at: now,
      data: { reason: input.reason, amount: input.amount, caseId: input.record.id, policyVersion: policy.version },
    });
    await this.writeMessage(tx, claim, input.filer, input.body, false, now, change, false);
    const sellerResponseDueAt = await this.deadline(tx, now, policy.sellerResponse);
    this.move(claim, 'ask_seller', { id: null, role: 'system' }, now, change, { sellerResponseDueAt: sellerResponseDueAt.toISOString() });
    Object.assign(claim, { sellerResponseDueAt, nextDeadlineAt: sellerResponseDueAt });
    await this.persist(tx, claim);
    await this.cases.handOverToClaim(tx, input.record, claim.id, actor, now);
    change.notices.push(
      ...claimNotices(claim, 'claim_filed', ['buyer', 'seller'], now, { dueAt: sellerResponseDueAt.toISOString(), money: { amount: claim.amount, currency: claim.currency } }),
    );
    change.hooks.push(claimHook(claim, 'claim.filed', now, { sellerResponseDueAt: sellerResponseDueAt.toISOString(), filedBy: input.filer.role }));
    await this.record(tx, change);
    return claim;
  }

  /** Records a decision (an agent's, or the policy's for seller silence) and opens the appeal window. */
  private async applyDecision(
    tx: EntityManager,
    claim: Claim,
    decision: { outcome: 'granted' | 'denied'; funding: 'seller' | 'marketplace' | null; refund: number | null; decidedBy: string | null; note: string },
    actor: Actor,
    now: Date,
    change: ClaimChange,
    alreadyMoved = false,
  ): Promise<void> {
    if (!alreadyMoved) this.move(claim, decision.outcome === 'granted' ? 'grant' : 'deny', actor, now, change, { funding: decision.funding, refund: decision.refund });
    const appealUntil = await this.deadline(tx, now, this.policyOf(claim).appealWindow);
    Object.assign(claim, {
      outcome: decision.outcome,
      decisionOutcome: decision.outcome,
      decisionFunding: decision.funding,
      decisionRefund: decision.refund,
      decidedBy: decision.decidedBy,
      decidedAt: now,
      decisionNote: decision.note,
      appealUntil,
      nextDeadlineAt: appealUntil,
      infoFrom: null,
    });
    await this.resolveEscalation(tx, claim, `claim_${decision.outcome}`, now, change);
    const refund = decision.refund === null ? null : { amount: decision.refund, currency: claim.currency };
    change.notices.push(
      ...claimNotices(claim, 'claim_decided', ['buyer', 'seller'], now, { outcome: decision.outcome, funding: decision.funding, money: refund, dueAt: appealUntil.toISOString() }),
    );
    change.hooks.push(
      claimHook(claim, 'claim.decided', now, {
        outcome: decision.outcome,
        funding: decision.funding,
        refund,
        decidedBy: decision.decidedBy,
        appealUntil: appealUntil.toISOString(),
      }),
    );
  }

  /** Access, lock, apply, write the claim and what the change collected; the view of the claim after it. */
  private async act(
    caller: Caller,
    claimId: string,
    permission: Permission,
    apply: (tx: EntityManager, claim: Claim, now: Date, change: ClaimChange) => Promise<void>,
  ): Promise<ClaimView> {
    const now = await this.clock.now();
    return transaction(this.db, async (tx) => {
      const claim = await this.access.requireClaim(tx, caller, claimId, permission, true);
      const change: ClaimChange = { events: [], notices: [], hooks: [] };
      await apply(tx, claim, now, change);
      claim.updatedAt = now;
      await this.persist(tx, claim);
      await this.record(tx, change);
      return toClaimView(claim);
    });
  }

  private move(claim: Claim, action: ClaimAction, actor: Actor, now: Date, change: ClaimChange, data: Record<string, unknown> = {}): void {
    const from = claim.status;
    claim.status = claimTransition(from, action);
    claim.updatedAt = now;
    change.events.push({ claimId: claim.id, type: 'status_changed', actor, at: now, data: { from, to: claim.status, action, ...data } });
  }

  private close(claim: Claim, actor: Actor, now: Date, change: ClaimChange, data: Record<string, unknown> = {}): void {
    this.move(claim, 'close', actor, now, change, data);
    Object.assign(claim, { closedAt: now, nextDeadlineAt: null });
  }

  /**
   * Stores a message with the content policy applied to party messages;
   * a request for credentials or payment is quarantined and goes to support.
   * `notify` tells the others (steps with their own notice pass false).
   */
  private async writeMessage(
    tx: EntityManager,
    claim: Claim,
    author: Caller,
    body: string,
    internal: boolean,
    now: Date,
    change: ClaimChange,
    notify: boolean,
  ): Promise<{ message: ClaimMessage; visible: boolean }> {
    const party = partyOf(author);
    const policy: PolicyResult = party && !internal ? applyContentPolicy(body) : { masked: body, maskedKinds: [], requests: [], quarantine: false };
    const message = tx.create(ClaimMessage, {
      id: randomUUID(),
      claimId: claim.id,
      authorId: author.id,
      authorRole: author.role,
      internal,
      body,
      visibleBody: policy.masked,
      masked: policy.maskedKinds,
      quarantined: policy.quarantine,
      createdAt: now,
    });
    await tx.insert(ClaimMessage, message);
    const actor = actorOf(author);
    change.events.push({
      claimId: claim.id,
      type: internal ? 'internal_note_added' : 'message_posted',
      actor,
      at: now,
      internal,
      data: { messageId: message.id, masked: policy.maskedKinds },
    });
    if (policy.maskedKinds.length > 0 || policy.requests.length > 0) {
      await tx.query(`INSERT INTO content_violations (user_id, claim_message_id, kinds, created_at) VALUES ($1, $2, $3, $4)`, [
        author.id,
        message.id,
        [...policy.maskedKinds, ...policy.requests],
        now,
      ]);
      change.events.push({
        claimId: claim.id,
        type: 'content_policy_violation',
        actor,
        at: now,
        internal: true,
        data: { messageId: message.id, kinds: [...policy.maskedKinds, ...policy.requests] },
      });
    }
    if (policy.quarantine) {
      const escalation = await this.escalations.open(tx, { caseId: claim.caseId, claimId: claim.id, reason: 'quarantined_message', priority: 'high', now });
      change.events.push({
        claimId: claim.id,
        type: 'message_quarantined',
        actor,
        at: now,
        internal: true,
        data: { messageId: message.id, escalationId: escalation.id, kinds: policy.requests },
      });
      return { message, visible: false };
    }
    if (isSupport(author) && !internal) await this.escalations.recordFirstActionOfClaim(tx, claim.id, now);
    if (notify && !internal) {
      const recipients: Party[] = party ? [other(party)] : ['buyer', 'seller'];
      const from = { kind: party ?? ('support' as const), id: party ? author.id : null };
      change.notices.push(...claimNotices(claim, 'claim_message', recipients, now, { claimMessageId: message.id }, message.id).map((notice) => ({ ...notice, from })));
    }
    return { message, visible: true };
  }

  private async openEscalation(tx: EntityManager, claim: Claim, priority: 'normal' | 'high', now: Date, change: ClaimChange, dueAt?: Date): Promise<void> {
    const escalation = await this.escalations.open(tx, { caseId: claim.caseId, claimId: claim.id, reason: 'claim', priority, now, dueAt });
    change.events.push({
      claimId: claim.id,
      type: 'escalation_opened',
      actor: { id: null, role: 'system' },
      at: now,
      internal: true,
      data: { escalationId: escalation.id, priority },
    });
  }

  private async resolveEscalation(tx: EntityManager, claim: Claim, outcome: string, now: Date, change: ClaimChange): Promise<void> {
    const escalation = await this.escalations.openOfClaim(tx, claim.id);
    if (!escalation) return;
    await this.escalations.resolve(tx, escalation, outcome, null, now);
    change.events.push({
      claimId: claim.id,
      type: 'escalation_resolved',
      actor: { id: null, role: 'system' },
      at: now,
      internal: true,
      data: { escalationId: escalation.id, outcome },
    });
  }

  private async endWait(tx: EntityManager, claim: Claim, now: Date, change: ClaimChange): Promise<void> {
    const escalation = await this.escalations.openOfClaim(tx, claim.id);
    if (!escalation?.waitingOn) return;
    await this.escalations.endWait(tx, escalation, now);
    change.events.push({
      claimId: claim.id,
      type: 'escalation_resumed',
      actor: { id: null, role: 'system' },
      at: now,
      internal: true,
      data: { escalationId: escalation.id, dueAt: escalation.dueAt?.toISOString() ?? null },
    });
  }

  private policyOf(claim: Claim): ClaimPolicy {
    return this.policies.version(claim.policyVersion);
  }

  /** A claim deadline from `start`: hours and days on the wall clock, business days on the marketplace calendar. */
  private async deadline(tx: EntityManager, start: Date, duration: ClaimPolicy['sellerResponse']): Promise<Date> {
    return addPolicyDuration(start, duration, (await this.calendars.marketplace(tx, start)).engine);
  }

  private async orderFacts(tx: EntityManager | null, orderId: string, now: Date, lock: boolean): Promise<OrderFacts | null> {
    if (!isUuid(orderId)) return null;
    const rows: Record<string, unknown>[] = await (tx ?? this.db.manager).query(`${ORDER_FACTS}${lock ? ' FOR UPDATE OF o' : ''}`, [orderId, now, OPEN_CLAIM_STATUSES]);
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      externalId: row.external_id as string,
      buyerId: row.buyer_id as string,
      sellerId: row.seller_id as string,
      maxDeliveryDate: row.max_delivery_date as string,
      totalAmount: Number(row.total_amount),
      currency: row.currency as string,
      deliveredAt: row.delivered_at as Date | null,
      refundedAt: row.refunded_at as Date | null,
      firstContactAt: row.first_contact_at as Date | null,
      openClaim: row.open_claim as boolean,
    };
  }

  private async eligibilityOf(tx: EntityManager | null, order: OrderFacts, now: Date): Promise<ReasonEligibility[]> {
    const seller = await this.calendars.forSeller(tx, order.sellerId, now);
    return eligibility({ now, sellerCalendar: seller.engine, ...order }, this.policies.at(now));
  }

  /** The buyer's latest case about the order (eligibility made sure there is one), locked. */
  private async latestCaseOf(tx: EntityManager, order: OrderFacts): Promise<CaseRecord> {
    const record = await tx.findOne(CaseRecord, {
      where: { orderId: order.id, buyerId: order.buyerId },
      order: { createdAt: 'DESC', id: 'DESC' },
      lock: { mode: 'pessimistic_write' },
    });
    if (!record) throw notEligible({ reason: 'item_not_received', eligible: false, rule: 'contact_seller_first', detail: 'Contact the seller about this order first' });
    return record;
  }
}

/** What the workflow changes on a claim; what it was filed with never changes. */
const MUTABLE = [
  'status',
  'outcome',
  'flags',
  'sellerResponseDueAt',
  'infoDueAt',
  'infoFrom',
  'appealUntil',
  'nextDeadlineAt',
  'decisionOutcome',
  'decisionFunding',
  'decisionRefund',
  'decidedBy',
  'decidedAt',
  'decisionNote',
  'appealBy',
  'appealAt',
  'appealOutcome',
  'appealDecidedBy',
  'appealDecidedAt',
  'appealNote',
  'appealFunding',
  'appealRefund',
  'sellerRefund',
  'closedAt',
  'updatedAt',
] as const satisfies readonly (keyof Claim)[];

function pick<T, K extends keyof T>(record: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, record[key]])) as Pick<T, K>;
}

function reasonView(answer: ReasonEligibility) {
  return {
    reason: answer.reason,
    eligible: answer.eligible,
    ...(answer.eligibleAt ? { eligibleAt: answer.eligibleAt.toISOString() } : {}),
    ...(answer.rule ? { rule: answer.rule } : {}),
    detail: answer.detail,
  };
}

/** Not eligible: 409 for another open claim (a duplicate of a unique thing), 422 with the rule and `eligibleAt` otherwise. */
function notEligible(answer: ReasonEligibility): DomainError {
  const extensions = { reason: answer.reason, rule: answer.rule, ...(answer.eligibleAt ? { eligibleAt: answer.eligibleAt.toISOString() } : {}) };
  if (answer.rule === 'open_claim_exists') return new DomainError('conflict', answer.detail, { extensions });
  return new DomainError('not_eligible', answer.detail, { extensions });
}

/** Money in a request about an order: its currency, more than nothing, at most its total. */
function checkMoney(field: string, money: MoneyDto, order: { currency: string; totalAmount: number }): number {
  if (money.currency !== order.currency) throw DomainError.invalid(`${field}.currency`, `${field}.currency must be the order's currency, ${order.currency}`);
  if (money.amount <= 0) throw DomainError.invalid(`${field}.amount`, `${field}.amount must be more than 0`);
  if (money.amount > order.totalAmount) throw DomainError.invalid(`${field}.amount`, `${field}.amount must not exceed the order total, ${order.totalAmount} ${order.currency}`);
  return money.amount;
}
