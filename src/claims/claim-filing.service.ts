import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService, forbidden } from '../access/access.service.js';
import { allows, isSupport } from '../access/access.js';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { CaseRecord } from '../cases/case.entity.js';
import { CaseHandovers } from '../cases/case-handovers.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { checkIdempotencyKey, claimIdempotencyKey } from '../common/idempotency.js';
import { isUuid } from '../common/ids.js';
import { PostingLimit } from '../common/shared-limits.js';
import { transaction } from '../common/transaction.js';
import { claimHook, claimNotices } from './claim-notices.js';
import { ClaimPolicies } from './claim-policies.js';
import { OPEN_CLAIM_STATUSES } from './claim-status.js';
import { toClaimView } from './claim-views.js';
import { checkMoney, claimWrite, ClaimWorkflow, SYSTEM, type ClaimStep } from './claim-workflow.js';
import { actorOf } from '../timeline/timeline.js';
import { Claim, type ClaimFlag, type ClaimReason } from './claim.entity.js';
import { ORDER_FACTS, ORDER_FACTS_LOCKED } from './claim.queries.js';
import type { ClaimView, EligibilityView, FileClaimDto, FileForBuyerDto } from './claims.dto.js';
import { eligibility, type ReasonEligibility } from './eligibility.js';

/** An order as eligibility and filing see it. */
export interface OrderFacts {
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

const toFacts = (row: Record<string, unknown>): OrderFacts => ({
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
});

interface NewClaim {
  claimId: string;
  order: OrderFacts;
  record: CaseRecord;
  reason: ClaimReason;
  amount: number;
  body: string;
  filer: Caller;
  flags: ClaimFlag[];
  now: Date;
}

/**
 * Filing a claim (docs/claims.md, "Eligibility" and "Filing"): whether the
 * buyer may, the buyer filing (or an agent for the buyer), and the buyer
 * withdrawing it before a decision.
 */
@Injectable()
export class ClaimFilingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflow: ClaimWorkflow,
    private readonly access: AccessService,
    private readonly handovers: CaseHandovers,
    private readonly calendars: CalendarsService,
    private readonly audit: AuditService,
    private readonly policies: ClaimPolicies,
    private readonly posting: PostingLimit,
    private readonly clock: Clock,
  ) {}

  /** For the order's buyer (and support): for each reason, eligible now, from when, or why not. */
  async eligibilityFor(caller: Caller, orderId: string): Promise<EligibilityView> {
    const [view] = await this.eligibilityForOrders(caller, [orderId]);
    if (!view) throw DomainError.notFound('Order');
    return view;
  }

  /**
   * The same for many orders (the orders page): their facts in one query,
   * each seller's calendar once (in parallel); orders the caller may not see
   * are left out.
   */
  async eligibilityForOrders(caller: Caller, orderIds: string[]): Promise<EligibilityView[]> {
    const now = await this.clock.now();
    const ids = orderIds.filter(isUuid);
    if (ids.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.db.query(ORDER_FACTS, [ids, now, OPEN_CLAIM_STATUSES]);
    const byId = new Map(rows.map((row) => [row.id as string, toFacts(row)]));
    const orders = ids
      .map((id) => byId.get(id))
      .filter((order) => order && (isSupport(caller) || order.buyerId === caller.id));
    const sellers = [...new Set(orders.map((order) => order!.sellerId))];
    const calendars = new Map(
      await Promise.all(
        sellers.map(async (id) => [id, (await this.calendars.forSeller(null, id, now)).engine] as const),
      ),
    );
    const policy = this.policies.at(now);
    return orders.map((order) => ({
      orderId: order!.id,
      at: now.toISOString(),
      contactedAt: order!.firstContactAt?.toISOString() ?? null,
      sellerAnswerTime: policy.contactSellerFirst,
      reasons: eligibility({ now, sellerCalendar: calendars.get(order!.sellerId)!, ...order! }, policy).map(reasonView),
    }));
  }

  /** The buyer files a claim about its order, optionally from one of its cases about it. Honours Idempotency-Key. */
  async file(
    caller: Caller,
    dto: FileClaimDto,
    idempotencyKey: string | undefined,
  ): Promise<{ view: ClaimView; replayed: boolean }> {
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
        if (firstId !== claimId)
          return {
            view: toClaimView(await this.access.requireClaim(tx, caller, firstId, 'claim.read')),
            replayed: true,
          };
      }
      // The order's row lock makes filings on one order take turns, so "one open claim per order" sees the other.
      const order = await this.lockedOrder(tx, dto.orderId, now);
      if (!order || order.buyerId !== caller.id) throw DomainError.notFound('Order');
      const answer = (await this.eligibilityOf(tx, order, now)).find((candidate) => candidate.reason === dto.reason)!;
      if (!answer.eligible) throw notEligible(answer);
      const amount = dto.amount ? checkMoney('amount', dto.amount, order) : order.totalAmount;
      const record = dto.caseId
        ? await this.access.requireCase(tx, caller, dto.caseId, 'case.read', true)
        : await this.latestCaseOf(tx, order);
      if (record.orderId !== order.id)
        throw DomainError.invalid('caseId', 'caseId must be one of your cases about this order');
      const claim = await this.openClaim(tx, {
        claimId,
        order,
        record,
        reason: dto.reason,
        amount,
        body: dto.body,
        filer: caller,
        flags: [],
        now,
      });
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
        throw new DomainError('forbidden_transition', 'Cannot open a claim from a resolved escalation', {
          extensions: { currentState: escalation.status, action: 'file_claim' },
        });
      }
      const caseId = escalation.caseId;
      if (!caseId)
        throw new DomainError(
          'forbidden_transition',
          'This escalation is not about a case, so it cannot become a claim',
          { extensions: { action: 'file_claim' } },
        );
      const { orderId } = await this.access.requireCase(tx, caller, caseId, 'case.read');
      if (!orderId)
        throw new DomainError('forbidden_transition', 'This case is not about an order, so it cannot become a claim', {
          extensions: { action: 'file_claim' },
        });
      // The order's row lock first, then the case's: the order a buyer filing takes them in, so the two wait instead of deadlocking.
      const order = (await this.lockedOrder(tx, orderId, now))!;
      const record = await this.access.requireCase(tx, caller, caseId, 'case.read', true);
      const answer = (await this.eligibilityOf(tx, order, now)).find((candidate) => candidate.reason === dto.reason)!;
      if (!answer.eligible && answer.rule !== 'contact_seller_first' && answer.rule !== 'too_early')
        throw notEligible(answer);
      const amount = dto.amount ? checkMoney('amount', dto.amount, order) : order.totalAmount;
      const claim = await this.openClaim(tx, {
        claimId: randomUUID(),
        order,
        record,
        reason: dto.reason,
        amount,
        body: dto.body,
        filer: caller,
        flags: ['filed_by_agent'],
        now,
      });
      await this.audit.record(
        tx,
        caller,
        {
          action: 'claim.filed_for_buyer',
          subjectType: 'claim',
          subjectId: claim.id,
          after: { escalationId, reason: dto.reason, amount },
        },
        now,
      );
      return toClaimView(claim);
    });
  }

  /** The buyer withdraws its claim before a decision. */
  withdraw(caller: Caller, claimId: string): Promise<ClaimView> {
    return this.workflow.act(caller, claimId, 'claim.withdraw', async (step) => {
      const { claim, now } = step;
      this.workflow.move(step, 'withdraw', actorOf(caller));
      Object.assign(claim, { outcome: 'withdrawn', nextDeadlineAt: null, infoFrom: null });
      await this.workflow.resolveEscalation(step, 'claim_withdrawn');
      this.workflow.close(step, actorOf(caller));
      this.workflow.notify(step, claimNotices(claim, 'claim_withdrawn', ['seller'], now));
      this.workflow.emit(step, claimHook(claim, 'claim.withdrawn', now));
    });
  }

  /** The order's total and currency (what money in a claim's steps is checked against). */
  async orderOf(tx: EntityManager, orderId: string, now: Date): Promise<OrderFacts> {
    const [row]: Record<string, unknown>[] = await tx.query(ORDER_FACTS, [[orderId], now, OPEN_CLAIM_STATUSES]);
    return toFacts(row);
  }

  private async lockedOrder(tx: EntityManager, orderId: string, now: Date): Promise<OrderFacts | null> {
    if (!isUuid(orderId)) return null;
    const [row]: Record<string, unknown>[] = await tx.query(ORDER_FACTS_LOCKED, [[orderId], now, OPEN_CLAIM_STATUSES]);
    return row ? toFacts(row) : null;
  }

  private async openClaim(tx: EntityManager, input: NewClaim): Promise<Claim> {
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
    // The row first, as a case's: what the step writes next (its escalation, its case's link) refers to it.
    await tx.insert(Claim, claim);
    const step: ClaimStep = { tx, write: claimWrite(), claim, now };
    const actor = actorOf(input.filer);
    this.workflow.record(step, {
      claimId: claim.id,
      type: 'claim_filed',
      actor,
      at: now,
      data: { reason: input.reason, amount: input.amount, caseId: input.record.id, policyVersion: policy.version },
    });
    await this.workflow.writeMessage(step, input.filer, { body: input.body, internal: false, notify: false });
    const sellerResponseDueAt = await this.workflow.deadline(tx, now, policy.sellerResponse);
    this.workflow.move(step, 'ask_seller', SYSTEM, { sellerResponseDueAt: sellerResponseDueAt.toISOString() });
    Object.assign(claim, { sellerResponseDueAt, nextDeadlineAt: sellerResponseDueAt });
    await this.handovers.handOverToClaim(tx, input.record, claim.id, actor, now);
    this.workflow.notify(
      step,
      claimNotices(claim, 'claim_filed', ['buyer', 'seller'], now, {
        dueAt: sellerResponseDueAt.toISOString(),
        money: { amount: claim.amount, currency: claim.currency },
      }),
    );
    this.workflow.emit(
      step,
      claimHook(claim, 'claim.filed', now, {
        sellerResponseDueAt: sellerResponseDueAt.toISOString(),
        filedBy: input.filer.role,
      }),
    );
    await this.workflow.finish(step);
    return claim;
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
    if (!record)
      throw notEligible({
        reason: 'item_not_received',
        rule: 'contact_seller_first',
        detail: 'Contact the seller about this order first',
      });
    return record;
  }
}

function reasonView(answer: ReasonEligibility) {
  return {
    reason: answer.reason,
    eligible: answer.eligible,
    ...(answer.eligibleAt ? { eligibleAt: answer.eligibleAt.toISOString() } : {}),
    ...(answer.rule ? { rule: answer.rule } : {}),
    code: answer.code,
    windowClosesAt: answer.windowClosesAt.toISOString(),
    detail: answer.detail,
  };
}

/** Not eligible: 409 for another open claim (a duplicate of a unique thing), 422 with the rule and `eligibleAt` otherwise. */
function notEligible(answer: Pick<ReasonEligibility, 'reason' | 'rule' | 'eligibleAt' | 'detail'>): DomainError {
  const extensions = {
    reason: answer.reason,
    rule: answer.rule,
    ...(answer.eligibleAt ? { eligibleAt: answer.eligibleAt.toISOString() } : {}),
  };
  if (answer.rule === 'open_claim_exists') return new DomainError('conflict', answer.detail, { extensions });
  return new DomainError('not_eligible', answer.detail, { extensions });
}
