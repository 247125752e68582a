import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { replyWindowPolicyAt } from '../../config/policies.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarsService, toSegmentViews } from '../calendar/calendars.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { isUuid } from '../common/ids.js';
import { FixedWindowCounter } from '../common/rate-limit.js';
import { AppConfig } from '../config/app-config.js';
import { OrdersService } from '../orders/orders.service.js';
import { EscalationsService } from '../support/escalations.service.js';
import { CaseAction, transition } from './case-status.js';
import { CaseEvent, CaseRecord, CycleOutcome, Message, ReplyCycle } from './case.entity.js';
import { CasePageView, CaseView, ListCasesQueryDto, MessageView, OpenCaseDto, PostMessageDto, SlaDetailView, SlaState, TimelineEventView } from './cases.dto.js';
import { categoryOfKind } from '../notifications/categories.js';
import { applyContentPolicy, PolicyResult } from './content-policy.js';

const DAY_MS = 86_400_000;
const IDEMPOTENCY_TTL_MS = DAY_MS;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** Topics that are about an order, so need one. */
const ORDER_TOPICS = new Set(['item_not_received', 'damaged_or_defective', 'not_as_described', 'return_request', 'refund_not_received']);
const OPEN_STATUSES = ['awaiting_seller', 'awaiting_buyer', 'escalated'];

export function slaStateOf(record: Pick<CaseRecord, 'status' | 'cycleId' | 'warnAt' | 'dueAt'>, now: Date): SlaState {
  if (record.status === 'escalated') return 'escalated';
  if (!record.cycleId || !record.warnAt || !record.dueAt) return 'stopped';
  if (now < record.warnAt) return 'on_track';
  if (now < record.dueAt) return 'at_risk';
  return 'late';
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

interface Actor {
  id: string | null;
  role: Caller['role'] | 'system';
}

/**
 * The buyer–seller conversation as a case with a reply clock on the seller's
 * calendar (DOMAIN.md, "Cases" and "The seller reply window"). Every change
 * takes the case's row lock, checks the transition with the pure state
 * machine, and writes the case, its reply cycle and timeline events in one
 * transaction.
 */
@Injectable()
export class CasesService {
  private readonly posting: FixedWindowCounter;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendars: CalendarsService,
    private readonly orders: OrdersService,
    private readonly escalations: EscalationsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.posting = new FixedWindowCounter(60_000);
  }

  /** A buyer opens a case: about one of its orders, or a question about a listing. Honours Idempotency-Key. */
  async open(caller: Caller, dto: OpenCaseDto, idempotencyKey: string | undefined): Promise<{ view: CaseView; replayed: boolean }> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw DomainError.invalid('Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    if (!dto.orderId && !dto.listingRef) throw DomainError.invalid('orderId', 'give orderId (a case about your order) or listingRef (a question about a listing)');
    if (ORDER_TOPICS.has(dto.topic) && !dto.orderId) throw DomainError.invalid('orderId', `a ${dto.topic} case needs the order it is about`);
    this.throttle(caller);
    const now = await this.clock.now();
    const requestHash = createHash('sha256')
      .update(JSON.stringify([dto.sellerId, dto.orderId ?? null, dto.listingRef ?? null, dto.topic, dto.subject, dto.body]))
      .digest('hex');
    const caseId = randomUUID();

    const replayedId = await this.db.transaction(async (tx) => {
      if (idempotencyKey !== undefined) {
        const firstId = await this.claimIdempotencyKey(tx, caller.id, idempotencyKey, requestHash, caseId, now);
        if (firstId !== caseId) return firstId;
      }
      await this.requireSeller(tx, dto.sellerId);
      if (dto.orderId) {
        const order = await this.orders.findForBuyer(dto.orderId, caller.id, tx);
        if (order.sellerId !== dto.sellerId) throw DomainError.invalid('sellerId', 'sellerId must be the seller of the order');
      }
      const record = tx.create(CaseRecord, {
        id: caseId,
        buyerId: caller.id,
        sellerId: dto.sellerId,
        orderId: dto.orderId ?? null,
        listingRef: dto.listingRef ?? null,
        topic: dto.topic,
        subject: dto.subject,
        status: 'awaiting_seller',
        cycleId: null,
        clockStartedAt: null,
        warnAt: null,
        dueAt: null,
        escalateAt: null,
        slaLevel: 0,
        nextActionAt: null,
        resolvedAt: null,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(CaseRecord, record);
      await this.event(tx, record, { id: caller.id, role: caller.role }, 'case_opened', now, { topic: dto.topic, orderId: dto.orderId ?? null, listingRef: dto.listingRef ?? null });
      await this.writeMessage(tx, record, caller, dto.body, false, now, true);
      await this.persist(tx, record);
      return undefined;
    });
    return { view: await this.view(caller, replayedId ?? caseId), replayed: replayedId !== undefined };
  }

  async postMessage(caller: Caller, caseId: string, dto: PostMessageDto): Promise<MessageView> {
    if (dto.internal && caller.role !== 'agent' && caller.role !== 'admin') {
      throw new DomainError('forbidden', 'Only support writes internal notes');
    }
    this.throttle(caller);
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      const record = await this.lockVisible(tx, caller, caseId);
      const message = await this.writeMessage(tx, record, caller, dto.body, dto.internal === true, now);
      await this.persist(tx, record);
      return this.messageView(message, caller);
    });
  }

  /** The seller ends the open reply cycle without replying. */
  async noResponseNeeded(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'no_response_needed', async (tx, record, now) => {
      if (!record.cycleId) {
        throw new DomainError('forbidden_transition', 'There is no unanswered buyer message to mark', { extensions: { currentState: record.status, action: 'no_response_needed' } });
      }
      await this.closeCycle(tx, record, 'no_response_needed', null, now);
    });
  }

  async resolve(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'resolve', async (tx, record, now) => {
      if (record.cycleId) await this.closeCycle(tx, record, 'resolved', null, now);
      record.resolvedAt = now;
    });
  }

  /** The buyer reopens a resolved case within the policy's window; the seller owes a reply again. */
  async reopen(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'reopen', async (tx, record, now) => {
      const { reopenWithinDays } = replyWindowPolicyAt(now);
      if (record.resolvedAt && now.getTime() - record.resolvedAt.getTime() > reopenWithinDays * DAY_MS) {
        throw new DomainError('forbidden_transition', `A case can be reopened within ${reopenWithinDays} days of its resolution`, {
          extensions: { currentState: record.status, action: 'reopen' },
        });
      }
      record.resolvedAt = null;
      await this.openCycle(tx, record, null, now);
    });
  }

  /** The buyer asks support to step in: allowed once the reply window is late (DOMAIN.md, "Support"). */
  async escalate(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'escalate', async (tx, record, now) => {
      if (slaStateOf(record, now) !== 'late') {
        throw new DomainError('forbidden_transition', 'Support can be asked to step in once the seller is late to reply', {
          extensions: { currentState: record.status, slaState: slaStateOf(record, now), action: 'escalate' },
        });
      }
      const escalation = await this.escalations.open(tx, { caseId: record.id, reason: 'buyer_request', priority: 'normal', cycleId: record.cycleId, now });
      await this.notify(tx, record, escalation.id, 'case_escalated', now);
    });
  }

  /**
   * Support lets go of an escalated case (the support queue calls this in its
   * transaction): back to the seller (a reply cycle from now if none is open),
   * answered by support (the open cycle ends), or resolved.
   */
  async releaseFromSupport(tx: EntityManager, caseId: string, outcome: 'returned_to_seller' | 'answered_by_support' | 'case_resolved', agent: Caller, now: Date): Promise<void> {
    const record = await tx.findOneOrFail(CaseRecord, { where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
    if (record.status !== 'escalated') return;
    const action: CaseAction = outcome === 'case_resolved' ? 'resolve' : outcome === 'returned_to_seller' ? 'support_hand_back' : 'support_answer';
    const next = transition(record.status, action);
    if (outcome === 'returned_to_seller' && !record.cycleId) await this.openCycle(tx, record, null, now);
    if (outcome !== 'returned_to_seller' && record.cycleId) await this.closeCycle(tx, record, outcome === 'case_resolved' ? 'resolved' : 'handled_by_support', null, now);
    if (outcome === 'case_resolved') record.resolvedAt = now;
    const from = record.status;
    record.status = next;
    record.updatedAt = now;
    await this.persist(tx, record);
    await this.event(tx, record, { id: agent.id, role: agent.role }, EVENT_OF[action], now, { from, to: next, outcome });
  }

  /** An outbox row per party, deduplicated by `key`; the email dispatcher sends them. */
  async notify(
    tx: EntityManager,
    record: Pick<CaseRecord, 'id' | 'buyerId' | 'sellerId'>,
    key: string,
    kind: string,
    now: Date,
    parties: ('buyer' | 'seller')[] = ['buyer', 'seller'],
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    for (const party of parties) {
      await tx.query(
        `INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [kind, categoryOfKind(kind), party === 'buyer' ? record.buyerId : record.sellerId, record.id, `${key}:${kind}:${party}`, JSON.stringify({ caseId: record.id, role: party, ...extra }), now],
      );
    }
  }

  /** Closes resolved cases after the policy's days of silence, set-based; returns how many closed. */
  async closeResolved(): Promise<number> {
    const now = await this.clock.now();
    const cutoff = new Date(now.getTime() - replyWindowPolicyAt(now).closeResolvedAfterDays * DAY_MS);
    const rows: { id: string }[] = await this.db.query(
      `WITH closed AS (
         UPDATE cases SET status = 'closed', closed_at = $1, updated_at = $1
          WHERE status = 'resolved' AND resolved_at <= $2
         RETURNING id)
       INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
       SELECT id, 'case_closed', NULL, 'system', false, $1, '{"reason":"resolved_without_activity"}'::jsonb FROM closed
       RETURNING case_id AS id`,
      [now, cutoff],
    );
    return rows.length;
  }

  async view(caller: Caller, caseId: string): Promise<CaseView> {
    const record = await this.findVisible(this.db.manager, caller, caseId);
    return this.caseView(record, await this.clock.now());
  }

  async list(caller: Caller, query: ListCasesQueryDto): Promise<CasePageView> {
    const now = await this.clock.now();
    const limit = query.limit ?? 20;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const builder = this.db.getRepository(CaseRecord).createQueryBuilder('c');
    const bySeller = caller.role === 'seller';
    if (caller.role === 'buyer') builder.where('c.buyer_id = :me', { me: caller.id });
    else if (bySeller) builder.where('c.seller_id = :me', { me: caller.id });
    else builder.where('true');

    if (query.status) builder.andWhere('c.status = :status', { status: query.status });
    else if (bySeller) builder.andWhere('c.status IN (:...open)', { open: OPEN_STATUSES });
    if (query.slaState) {
      const conditions: Record<SlaState, string> = {
        escalated: `c.status = 'escalated'`,
        stopped: `c.status <> 'escalated' AND c.cycle_id IS NULL`,
        on_track: `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND :now < c.warn_at`,
        at_risk: `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND c.warn_at <= :now AND :now < c.due_at`,
        late: `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND c.due_at <= :now`,
      };
      builder.andWhere(conditions[query.slaState], { now });
    }
    if (bySeller) {
      // Nearest reply deadline first; cases without an open cycle after them; the id breaks ties.
      const deadline = `COALESCE(c.due_at, 'infinity'::timestamptz)`;
      if (cursor) builder.andWhere(`(${deadline}, c.id) > (:cursorKey::timestamptz, :cursorId::uuid)`, { cursorKey: cursor.key, cursorId: cursor.id });
      builder.orderBy(deadline, 'ASC').addOrderBy('c.id', 'ASC');
    } else {
      if (cursor) builder.andWhere('(c.created_at, c.id) < (:cursorKey::timestamptz, :cursorId::uuid)', { cursorKey: cursor.key, cursorId: cursor.id });
      builder.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC');
    }
    const rows = await builder.limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor(bySeller ? (last.dueAt ? last.dueAt.toISOString() : 'infinity') : last.createdAt.toISOString(), last.id)
        : null;
    return { items: page.map((record) => this.caseView(record, now)), nextCursor };
  }

  async messages(caller: Caller, caseId: string): Promise<MessageView[]> {
    const record = await this.findVisible(this.db.manager, caller, caseId);
    const support = caller.role === 'agent' || caller.role === 'admin';
    const query = this.db.getRepository(Message).createQueryBuilder('m').where('m.case_id = :caseId', { caseId: record.id });
    if (!support) query.andWhere('m.internal = false').andWhere('(m.quarantined = false OR m.author_id = :me)', { me: caller.id });
    const messages = await query.orderBy('m.seq', 'ASC').getMany();
    return messages.map((message) => this.messageView(message, caller));
  }

  async timeline(caller: Caller, caseId: string): Promise<TimelineEventView[]> {
    const record = await this.findVisible(this.db.manager, caller, caseId);
    const support = caller.role === 'agent' || caller.role === 'admin';
    const events = await this.db.getRepository(CaseEvent).find({
      where: support ? { caseId: record.id } : { caseId: record.id, internal: false },
      order: { id: 'ASC' },
    });
    return events.map((event) => ({ type: event.type, actorId: event.actorId, actorRole: event.actorRole, at: event.at.toISOString(), data: event.data }));
  }

  /** The open cycle's deadlines and why they fall where they do. */
  async sla(caller: Caller, caseId: string): Promise<SlaDetailView> {
    const record = await this.findVisible(this.db.manager, caller, caseId);
    const now = await this.clock.now();
    const base = this.caseView(record, now).sla;
    if (!record.cycleId) return { ...base, explanation: { segments: [] } };
    const cycle = await this.db.getRepository(ReplyCycle).findOneByOrFail({ id: record.cycleId });
    const calendar = await this.calendars.atVersion(cycle.calendarId, cycle.calendarVersion);
    return {
      ...base,
      basis: {
        calendarId: cycle.calendarId,
        calendarVersion: cycle.calendarVersion,
        timeZone: calendar.definition.timeZone,
        policyVersion: cycle.policyVersion,
        openedAt: cycle.openedAt.toISOString(),
      },
      explanation: { segments: toSegmentViews(calendar.engine.explain(cycle.openedAt, cycle.escalateAt)) },
    };
  }

  private throttle(caller: Caller): void {
    const wait = this.posting.take(caller.id, this.config.env.POST_RATE_LIMIT_PER_MINUTE);
    if (wait > 0) throw new DomainError('rate_limited', `Too many messages; try again in ${wait} seconds`, { retryAfterSeconds: wait });
  }

  /**
   * Records the key with this request's case id, or finds the case of the
   * first request with the same key. A concurrent request with the same key
   * waits on the key's row until the first one commits.
   */
  private async claimIdempotencyKey(tx: EntityManager, userId: string, key: string, requestHash: string, caseId: string, now: Date): Promise<string> {
    const claimed: unknown[] = await tx.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, case_id, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, case_id = EXCLUDED.case_id, created_at = EXCLUDED.created_at
         WHERE idempotency_keys.created_at <= $6
       RETURNING case_id`,
      [userId, key, requestHash, caseId, now, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)],
    );
    if (claimed.length === 1) return caseId;
    const [first] = await tx.query('SELECT request_hash, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);
    if (first.request_hash !== requestHash) {
      throw new DomainError('conflict', 'This Idempotency-Key was used with a different request body');
    }
    return first.case_id;
  }

  private async requireSeller(tx: EntityManager, sellerId: string): Promise<void> {
    const [found] = await tx.query(`SELECT 1 FROM users WHERE id = $1 AND role = 'seller'`, [sellerId]);
    if (!found) throw DomainError.invalid('sellerId', 'sellerId is not a known seller');
  }

  /** A transition without a message: lock, check, apply, record. */
  private async change(
    caller: Caller,
    caseId: string,
    action: CaseAction,
    apply: (tx: EntityManager, record: CaseRecord, now: Date) => Promise<void>,
  ): Promise<CaseView> {
    const now = await this.clock.now();
    const record = await this.db.transaction(async (tx) => {
      const locked = await this.lockVisible(tx, caller, caseId);
      const next = transition(locked.status, action);
      await apply(tx, locked, now);
      const from = locked.status;
      locked.status = next;
      locked.updatedAt = now;
      await this.persist(tx, locked);
      await this.event(tx, locked, { id: caller.id, role: caller.role }, EVENT_OF[action], now, { from, to: next });
      return locked;
    });
    return this.caseView(record, now);
  }

  /**
   * Stores a message with the content policy applied, moves the case through
   * the state machine, and opens or answers the reply cycle. The caller saves
   * the case row.
   */
  private async writeMessage(tx: EntityManager, record: CaseRecord, author: Caller, body: string, internal: boolean, now: Date, opensCase = false): Promise<Message> {
    const action: CaseAction = internal
      ? 'internal_note'
      : author.role === 'buyer'
        ? 'buyer_message'
        : author.role === 'seller'
          ? 'seller_message'
          : 'agent_message';
    const next = transition(record.status, action);
    const party = action === 'buyer_message' || action === 'seller_message';
    const policy: PolicyResult = party ? applyContentPolicy(body) : { masked: body, maskedKinds: [], requests: [], quarantine: false };
    const message = tx.create(Message, {
      id: randomUUID(),
      caseId: record.id,
      authorId: author.id,
      authorRole: author.role,
      internal,
      body,
      visibleBody: policy.masked,
      masked: policy.maskedKinds,
      quarantined: policy.quarantine,
      createdAt: now,
    });
    await tx.insert(Message, message);
    const actor = { id: author.id, role: author.role };
    await this.event(tx, record, actor, internal ? 'internal_note_added' : 'message_posted', now, { messageId: message.id, masked: policy.maskedKinds }, internal);
    if (author.role === 'agent' || author.role === 'admin') {
      // Support writing on the case is the first agent action its open escalations wait for.
      await tx.query(`UPDATE escalations SET first_action_at = $2 WHERE case_id = $1 AND status <> 'resolved' AND first_action_at IS NULL`, [record.id, now]);
    }

    if (policy.maskedKinds.length > 0 || policy.requests.length > 0) {
      await tx.query(`INSERT INTO content_violations (user_id, case_id, message_id, kinds, created_at) VALUES ($1, $2, $3, $4, $5)`, [
        author.id,
        record.id,
        message.id,
        [...policy.maskedKinds, ...policy.requests],
        now,
      ]);
      await this.event(tx, record, actor, 'content_policy_violation', now, { messageId: message.id, kinds: [...policy.maskedKinds, ...policy.requests] }, true);
    }
    if (policy.quarantine) {
      // The recipient never sees it, so it neither opens nor answers a reply cycle, nor changes whose turn it is.
      const escalation = await this.escalations.open(tx, { caseId: record.id, reason: 'quarantined_message', priority: 'high', messageId: message.id, now });
      await this.event(tx, record, actor, 'message_quarantined', now, { messageId: message.id, escalationId: escalation.id, kinds: policy.requests }, true);
      record.updatedAt = now;
      return message;
    }

    // The other party hears of it by email (support's messages reach both).
    if (!internal) {
      const recipients: ('buyer' | 'seller')[] = action === 'buyer_message' ? ['seller'] : action === 'seller_message' ? ['buyer'] : ['buyer', 'seller'];
      await this.notify(tx, record, message.id, opensCase ? 'case_opened' : 'new_message', now, recipients, { messageId: message.id });
    }
    if (action === 'buyer_message' && !record.cycleId) await this.openCycle(tx, record, message.id, now);
    if (action === 'seller_message' && record.cycleId) await this.closeCycle(tx, record, 'answered', message.id, now);
    if (next !== record.status) {
      await this.event(tx, record, actor, 'status_changed', now, { from: record.status, to: next });
      record.status = next;
    }
    record.updatedAt = now;
    return message;
  }

  /** A new reply cycle from `openedAt` with deadlines on the seller's calendar and the policy in force. */
  private async openCycle(tx: EntityManager, record: CaseRecord, openedBy: string | null, openedAt: Date): Promise<void> {
    const calendar = await this.calendars.forSeller(record.sellerId, openedAt, tx);
    const policy = replyWindowPolicyAt(openedAt);
    const [{ seq }] = await tx.query('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM reply_cycles WHERE case_id = $1', [record.id]);
    const cycle = tx.create(ReplyCycle, {
      id: randomUUID(),
      caseId: record.id,
      seq,
      openedAt,
      openedBy,
      clockStartedAt: calendar.engine.nextOpening(openedAt),
      warnAt: calendar.engine.addBusinessDays(openedAt, policy.atRiskAfterBusinessDays),
      dueAt: calendar.engine.addBusinessDays(openedAt, policy.lateAfterBusinessDays),
      escalateAt: calendar.engine.addBusinessDays(openedAt, policy.escalateAfterBusinessDays),
      calendarId: calendar.id,
      calendarVersion: calendar.version,
      policyVersion: policy.version,
      closedAt: null,
      outcome: null,
      answeredBy: null,
    });
    await tx.insert(ReplyCycle, cycle);
    Object.assign(record, {
      cycleId: cycle.id,
      clockStartedAt: cycle.clockStartedAt,
      warnAt: cycle.warnAt,
      dueAt: cycle.dueAt,
      escalateAt: cycle.escalateAt,
      slaLevel: 0,
      nextActionAt: cycle.warnAt,
    });
    await this.event(tx, record, { id: null, role: 'system' }, 'reply_cycle_opened', openedAt, {
      cycle: seq,
      clockStartedAt: cycle.clockStartedAt.toISOString(),
      warnAt: cycle.warnAt.toISOString(),
      dueAt: cycle.dueAt.toISOString(),
      escalateAt: cycle.escalateAt.toISOString(),
      calendarVersion: calendar.version,
      policyVersion: policy.version,
    });
  }

  private async closeCycle(tx: EntityManager, record: CaseRecord, outcome: CycleOutcome, answeredBy: string | null, now: Date): Promise<void> {
    const cycle = await tx.findOneByOrFail(ReplyCycle, { id: record.cycleId! });
    let responseBusinessMinutes: string | null = null;
    if (outcome === 'answered') {
      const calendar = await this.calendars.atVersion(cycle.calendarId, cycle.calendarVersion, tx);
      responseBusinessMinutes = String(calendar.engine.businessTimeBetween(cycle.openedAt, now));
    }
    await tx.update(ReplyCycle, { id: cycle.id }, { closedAt: now, outcome, answeredBy, responseBusinessMinutes });
    Object.assign(record, { cycleId: null, clockStartedAt: null, warnAt: null, dueAt: null, escalateAt: null, slaLevel: 0, nextActionAt: null });
    await this.event(tx, record, { id: null, role: 'system' }, 'reply_cycle_closed', now, {
      outcome,
      ...(outcome === 'answered' ? { onTime: now < cycle.dueAt, responseBusinessMinutes: Number(responseBusinessMinutes) } : {}),
    });
  }

  /** Writes the case's changed state in one UPDATE (TypeORM's save would first read the row again). */
  private async persist(tx: EntityManager, record: CaseRecord): Promise<void> {
    const { status, cycleId, clockStartedAt, warnAt, dueAt, escalateAt, slaLevel, nextActionAt, resolvedAt, closedAt, updatedAt } = record;
    await tx.update(CaseRecord, { id: record.id }, { status, cycleId, clockStartedAt, warnAt, dueAt, escalateAt, slaLevel, nextActionAt, resolvedAt, closedAt, updatedAt });
  }

  private async event(tx: EntityManager, record: CaseRecord, actor: Actor, type: string, at: Date, data: Record<string, unknown>, internal = false): Promise<void> {
    await tx.query('INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      record.id,
      type,
      actor.id,
      actor.role,
      internal,
      at,
      JSON.stringify(data),
    ]);
  }

  /** The case if the caller may see it: buyers their own, sellers those addressed to them, support all. Otherwise 404. */
  private async findVisible(manager: EntityManager, caller: Caller, caseId: string, lock = false): Promise<CaseRecord> {
    const record = isUuid(caseId)
      ? await manager.findOne(CaseRecord, { where: { id: caseId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
      : null;
    const visible =
      record &&
      (caller.role === 'agent' || caller.role === 'admin' || (caller.role === 'buyer' && record.buyerId === caller.id) || (caller.role === 'seller' && record.sellerId === caller.id));
    if (!visible) throw DomainError.notFound('Case');
    return record;
  }

  private lockVisible(tx: EntityManager, caller: Caller, caseId: string): Promise<CaseRecord> {
    return this.findVisible(tx, caller, caseId, true);
  }

  private caseView(record: CaseRecord, now: Date): CaseView {
    return {
      id: record.id,
      buyerId: record.buyerId,
      sellerId: record.sellerId,
      orderId: record.orderId,
      listingRef: record.listingRef,
      topic: record.topic,
      subject: record.subject,
      status: record.status,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
      sla: {
        state: slaStateOf(record, now),
        clockStartedAt: iso(record.clockStartedAt),
        warnAt: iso(record.warnAt),
        dueAt: iso(record.dueAt),
        escalateAt: iso(record.escalateAt),
      },
    };
  }

  /** The author and support see what was written; the other party sees the masked text. */
  private messageView(message: Message, caller: Caller): MessageView {
    const support = caller.role === 'agent' || caller.role === 'admin';
    const own = message.authorId === caller.id;
    const view: MessageView = {
      id: message.id,
      caseId: message.caseId,
      authorId: message.authorId,
      authorRole: message.authorRole,
      body: own || support ? message.body : message.visibleBody,
      createdAt: message.createdAt.toISOString(),
      masked: message.masked,
    };
    if (own || support) view.quarantined = message.quarantined;
    if (support) {
      view.internal = message.internal;
      view.visibleBody = message.visibleBody;
    }
    return view;
  }
}

const EVENT_OF: Record<CaseAction, string> = {
  buyer_message: 'message_posted',
  seller_message: 'message_posted',
  agent_message: 'message_posted',
  internal_note: 'internal_note_added',
  no_response_needed: 'no_response_needed',
  resolve: 'case_resolved',
  reopen: 'case_reopened',
  close: 'case_closed',
  escalate: 'case_escalated',
  support_hand_back: 'support_handed_back',
  support_answer: 'support_answered',
};
