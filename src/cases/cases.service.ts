import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { replyWindowPolicyAt } from '../../config/policies.js';
import { isSupport, Permission } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { transaction } from '../common/transaction.js';
import { FusedWrite } from '../common/database/fused-write.js';
import { hydrate, selectColumns } from '../common/database/hydrate.js';
import { queryPrepared } from '../common/database/prepared.js';
import { isUuid } from '../common/ids.js';
import { PostingLimit } from '../common/shared-limits.js';
import type { Party } from '../notifications/categories.js';
import { OutboxService, slaNoticeKey } from '../notifications/outbox.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { SlaMarksService } from '../sla/sla-marks.service.js';
import { EscalationsService } from '../support/escalations.service.js';
import { Actor, TimelineEventType } from '../timeline/timeline.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Upload } from '../attachments/uploads.js';
import { caseUnchangedSql, CLOSE_RESOLVED, messageContextSql, OPEN_CYCLE_PREFIX } from './case.queries.js';
import { CaseAction, transition } from './case-status.js';
import { CaseRecord, Message, ReplyCycle } from './case.entity.js';
import { caseNotices } from './case-notices.js';
import { slaStateOf, toCaseView, toMessageView } from './case-views.js';
import { CaseView, MessageView, OpenCaseDto, PostMessageDto } from './cases.dto.js';
import { applyContentPolicy, MASKED_KINDS, PolicyResult } from './content-policy.js';
import { checkIdempotencyKey, claimIdempotencyKey } from '../common/idempotency.js';
import { ReplyCyclesService } from './reply-cycles.service.js';

const DAY_MS = 86_400_000;
/** Topics that are about an order, so need one. */
const ORDER_TOPICS = new Set(['item_not_received', 'damaged_or_defective', 'not_as_described', 'return_request', 'refund_not_received']);

const EVENT_OF: Record<CaseAction, TimelineEventType> = {
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

/** Guarded writes of a message tried before locking the case in a transaction (each after a case that changed since it was read). */
const GUARDED_ATTEMPTS = 3;

/** The CTE that writes a posted message: notices that show it read it from there. */
const POSTED_MESSAGE = 'posted_message';

/** What `writeMessage` knows already: the opening subject's policy findings, the open cycle and whether support waits on the author. */
interface MessageContext {
  /** The opening message's case subject, already through the policy: its findings count with the message's. */
  subject?: PolicyResult;
  openCycle?: ReplyCycle;
  supportAwaits: boolean;
}

const actorOf = (caller: Caller): Actor => ({ id: caller.id, role: caller.role });

/** A message's findings with its case subject's added: masked kinds and requests of both, the message's own text. */
function mergePolicies(message: PolicyResult, subject: PolicyResult | undefined): PolicyResult {
  if (!subject) return message;
  const maskedKinds = MASKED_KINDS.filter((kind) => message.maskedKinds.includes(kind) || subject.maskedKinds.includes(kind));
  const requests = [...new Set([...message.requests, ...subject.requests])];
  return { masked: message.masked, maskedKinds, requests, quarantine: requests.length > 0 };
}

/**
 * What buyers, sellers and support do to a case (docs/domain.md, "Cases").
 * Every change asks the access module, takes the case's row lock, checks the
 * transition with the pure state machine, and writes the case, its reply
 * cycle, timeline events, escalations and notices in one transaction through
 * their owners. Reading cases is CaseQueriesService.
 */
@Injectable()
export class CasesService {
  private readonly messageContextTexts = new Map<'count' | 'read' | 'lock', string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly cycles: ReplyCyclesService,
    private readonly timeline: TimelineService,
    private readonly outbox: OutboxService,
    private readonly escalations: EscalationsService,
    private readonly slaMarks: SlaMarksService,
    private readonly webhooks: WebhooksService,
    private readonly attachments: AttachmentsService,
    private readonly orders: OrdersService,
    private readonly posting: PostingLimit,
    private readonly clock: Clock,
  ) {}

  /** A buyer opens a case: about one of its orders, or a question about a listing. Honours Idempotency-Key. */
  async open(caller: Caller, dto: OpenCaseDto, idempotencyKey: string | undefined): Promise<{ view: CaseView; replayed: boolean }> {
    checkIdempotencyKey(idempotencyKey);
    if (!dto.orderId && !dto.listingRef) throw DomainError.invalid('orderId', 'give orderId (a case about your order) or listingRef (a question about a listing)');
    if (ORDER_TOPICS.has(dto.topic) && !dto.orderId) throw DomainError.invalid('orderId', `a ${dto.topic} case needs the order it is about`);
    await this.posting.take(caller);
    const now = await this.clock.now();
    const requestHash = createHash('sha256')
      .update(JSON.stringify([dto.sellerId, dto.orderId ?? null, dto.listingRef ?? null, dto.topic, dto.subject, dto.body]))
      .digest('hex');
    const caseId = randomUUID();
    const subjectPolicy = applyContentPolicy(dto.subject);

    const { record, replayed } = await transaction(this.db, async (tx) => {
      if (idempotencyKey !== undefined) {
        const firstId = await claimIdempotencyKey(tx, 'case', caller.id, idempotencyKey, requestHash, caseId, now);
        if (firstId !== caseId) return { record: await this.access.requireCase(tx, caller, firstId, 'case.read'), replayed: true };
      }
      await this.access.requireUserWithRole(tx, dto.sellerId, ['seller'], 'sellerId');
      if (dto.orderId) {
        const order = await this.orders.findForBuyer(tx, dto.orderId, caller.id);
        if (order.sellerId !== dto.sellerId) throw DomainError.invalid('sellerId', 'sellerId must be the seller of the order');
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
      await this.writeMessage(tx, write, opened, caller, dto.body, false, now, { subject: subjectPolicy, supportAwaits: false });
      this.persistIn(write, opened);
      await write.run(tx);
      return { record: opened, replayed: false };
    });
    return { view: toCaseView(record, now, caller), replayed };
  }

  /**
   * A message (or, from support, an internal note), with its files stored
   * first and recorded with it. Two round trips in the common case
   * (docs/performance.md): one statement counts the post against the
   * author's limit and reads the case, its open cycle and whether support
   * waits on the author; the rules run in TypeScript; one guarded statement
   * locks the case, if it is still the version read, and writes everything
   * (message, timeline, notice and Message Center item, counters, cycle,
   * case, attachments). When the case changed in between, the rules run
   * again on what it is now; when support waits on the author (its clock
   * has reads and writes of its own) or the case keeps changing, the same
   * rules run in a transaction that locks the case first.
   */
  async postMessage(caller: Caller, caseId: string, dto: PostMessageDto, uploads: Upload[] = []): Promise<MessageView> {
    const permission: Permission = dto.internal ? 'case.note' : 'case.message';
    if (!isUuid(caseId)) {
      await this.posting.take(caller);
      throw DomainError.notFound('Case');
    }
    const now = await this.clock.now();
    return this.attachments.withStored(uploads, async (stashed) => {
      const post = async (tx: EntityManager, known: MessageContext & { record: CaseRecord; version: string | null }) => {
        const write = new FusedWrite();
        if (known.version !== null) write.guard(caseUnchangedSql(write.param(caseId, 'uuid'), write.param(known.version, 'xid')));
        const message = await this.writeMessage(tx, write, known.record, caller, dto.body, dto.internal === true, now, known);
        this.persistIn(write, known.record);
        const attachments = this.attachments.attachIn(write, stashed, { messageId: message.id }, caller.id, now);
        return (await write.run(tx)) ? toMessageView(message, caller, attachments) : null;
      };
      for (let attempt = 1; attempt <= GUARDED_ATTEMPTS; attempt++) {
        const known = await this.messageContext(this.db.manager, caller, caseId, permission, attempt === 1 ? 'count' : 'read');
        if (known.supportAwaits) break;
        const posted = await post(this.db.manager, known);
        if (posted) return posted;
      }
      return transaction(this.db, async (tx) => (await post(tx, await this.messageContext(tx, caller, caseId, permission, 'lock')))!);
    });
  }

  /**
   * What the rules for a message read, in one statement (messageContextSql):
   * `count` also counts the post (429 past the limit), `lock` takes the
   * case's row lock in `tx` (and the write needs no guard).
   */
  private async messageContext(tx: EntityManager, caller: Caller, caseId: string, permission: Permission, mode: 'count' | 'read' | 'lock') {
    const counting = mode === 'count' ? this.posting.params(caller) : null;
    const rows = await queryPrepared<Record<string, unknown>>(
      tx,
      this.messageContextText(mode),
      counting ? [caseId, caller.role, counting.keys, counting.windowSeconds] : [caseId, caller.role],
    );
    const [row] = rows;
    if (counting) this.posting.check({ count: Number(row.posts), retryAfterSeconds: Number(row.retry_after) });
    const record = row?.id != null ? hydrate(tx, CaseRecord, row) : null;
    this.access.checkCase(caller, record, permission);
    return {
      record,
      version: mode === 'lock' ? null : (row.version as string),
      openCycle: row.open_cycle_id != null ? hydrate(tx, ReplyCycle, row, OPEN_CYCLE_PREFIX) : undefined,
      supportAwaits: row.support_awaits === true,
    };
  }

  /** The statement of each `messageContext` mode, built once (the open cycle's columns come from its entity). */
  private messageContextText(mode: 'count' | 'read' | 'lock'): string {
    let text = this.messageContextTexts.get(mode);
    if (!text) {
      const cycleColumns = selectColumns(this.db.manager, ReplyCycle, 'y', OPEN_CYCLE_PREFIX);
      text = messageContextSql({ lock: mode === 'lock', countPost: mode === 'count' ? this.posting.countSql('$3::text[]', '$4') : undefined, cycleColumns });
      this.messageContextTexts.set(mode, text);
    }
    return text;
  }

  /** The seller ends the open reply cycle without replying. */
  async noResponseNeeded(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'case.noResponseNeeded', 'no_response_needed', async (tx, write, record, now) => {
      if (!record.cycleId) {
        throw new DomainError('forbidden_transition', 'There is no unanswered buyer message to mark', {
          extensions: { currentState: record.status, action: 'no_response_needed' },
        });
      }
      await this.cycles.close(tx, write, record, 'no_response_needed', null, now);
    });
  }

  /** The buyer resolves the case: the open cycle ends, and so does support's work on it. */
  async resolve(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'case.resolve', 'resolve', async (tx, write, record, now) => {
      if (record.cycleId) await this.cycles.close(tx, write, record, 'resolved', null, now);
      record.resolvedAt = now;
      await this.releaseEscalations(tx, write, record, 'case_resolved', actorOf(caller), now);
    });
  }

  /** The buyer reopens a resolved case within the policy's window; the seller owes a reply again. */
  async reopen(caller: Caller, caseId: string): Promise<CaseView> {
    return this.change(caller, caseId, 'case.reopen', 'reopen', async (tx, write, record, now) => {
      const { reopenWithinDays } = replyWindowPolicyAt(now);
      if (record.resolvedAt && now.getTime() - record.resolvedAt.getTime() > reopenWithinDays * DAY_MS) {
        throw new DomainError('forbidden_transition', `A case can be reopened within ${reopenWithinDays} days of its resolution`, {
          extensions: { currentState: record.status, action: 'reopen' },
        });
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
    return this.change(caller, caseId, 'case.escalate', 'escalate', async (tx, _write, record, now) => {
      if (slaStateOf(record, now) !== 'late') {
        throw new DomainError('forbidden_transition', 'Support can be asked to step in once the seller is late to reply', {
          extensions: { currentState: record.status, slaState: slaStateOf(record, now), action: 'escalate' },
        });
      }
      const cycleId = record.cycleId!;
      await this.slaMarks.mark(tx, record.id, cycleId, 'escalated', now, now);
      const escalation = await this.escalations.open(tx, { caseId: record.id, reason: 'buyer_request', priority: 'normal', cycleId, now });
      await this.outbox.enqueue(
        tx,
        ...caseNotices(record, 'case_escalated', ['buyer', 'seller'], now, { key: (party) => slaNoticeKey(cycleId, 'escalated', party), extra: { escalationId: escalation.id } }),
      );
      await this.webhooks.emit(tx, { type: 'case.escalated', data: { caseId: record.id, escalationId: escalation.id, reason: 'buyer_request' }, at: now });
    });
  }

  /**
   * A claim was filed from this case (the claims service calls this in its
   * transaction, with the case locked): the open reply cycle ends and the
   * case leaves the SLA sweep for good, support's escalations of it are
   * resolved (the claim's own escalation takes over), and an escalated case
   * is back with the buyer.
   */
  async handOverToClaim(tx: EntityManager, record: CaseRecord, claimId: string, actor: Actor, now: Date): Promise<void> {
    const write = new FusedWrite();
    if (record.cycleId) await this.cycles.close(tx, write, record, 'claim_filed', null, now);
    const released = await this.escalations.resolveHoldingOfCase(tx, record.id, 'claim_filed', now);
    const events: Parameters<TimelineService['append']>[1][] = released.map((escalation) => ({
      caseId: record.id,
      type: 'escalation_resolved' as const,
      actor,
      at: now,
      internal: true,
      data: { escalationId: escalation.id, outcome: 'claim_filed' },
    }));
    events.push({ caseId: record.id, type: 'claim_filed', actor, at: now, data: { claimId } });
    if (record.status === 'escalated') {
      const next = transition(record.status, 'support_answer');
      events.push({ caseId: record.id, type: 'status_changed', actor, at: now, data: { from: record.status, to: next } });
      record.status = next;
    }
    record.claimId = claimId;
    record.updatedAt = now;
    this.persistIn(write, record);
    await this.timeline.appendIn(write, ...events).run(tx);
  }

  /**
   * Support lets go of an escalated case (the support queue calls this in its
   * transaction, with the case locked): back to the seller (a reply cycle from now if none is open),
   * answered by support (the open cycle ends), or resolved.
   */
  async releaseFromSupport(
    tx: EntityManager,
    record: CaseRecord,
    outcome: 'returned_to_seller' | 'answered_by_support' | 'case_resolved',
    agent: Caller,
    now: Date,
  ): Promise<void> {
    if (record.status !== 'escalated') return;
    const action: CaseAction = outcome === 'case_resolved' ? 'resolve' : outcome === 'returned_to_seller' ? 'support_hand_back' : 'support_answer';
    const next = transition(record.status, action);
    const write = new FusedWrite();
    if (outcome === 'returned_to_seller' && !record.cycleId) await this.cycles.open(tx, write, record, null, now);
    if (outcome !== 'returned_to_seller' && record.cycleId) await this.cycles.close(tx, write, record, outcome === 'case_resolved' ? 'resolved' : 'handled_by_support', null, now);
    if (outcome === 'case_resolved') {
      record.resolvedAt = now;
      await this.releaseEscalations(tx, write, record, 'case_resolved', actorOf(agent), now);
    }
    const from = record.status;
    record.status = next;
    record.updatedAt = now;
    this.persistIn(write, record);
    await this.timeline.appendIn(write, { caseId: record.id, type: EVENT_OF[action], actor: actorOf(agent), at: now, data: { from, to: next, outcome } }).run(tx);
  }

  /**
   * Support confirmed a phishing report about a case message: the message is
   * quarantined (the recipient no longer sees it) and counts as a content
   * violation of its author. Returns false when there is no such message.
   */
  async quarantineReported(tx: EntityManager, messageId: string, agent: Actor, reportId: string, now: Date): Promise<boolean> {
    const message = await tx.findOne(Message, { where: { id: messageId }, lock: { mode: 'pessimistic_write' } });
    if (!message) return false;
    await tx.update(Message, { id: message.id }, { quarantined: true });
    await tx.query(`INSERT INTO content_violations (user_id, case_id, message_id, kinds, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      message.authorId,
      message.caseId,
      message.id,
      ['phishing'],
      now,
    ]);
    await this.timeline.append(tx, {
      caseId: message.caseId,
      type: 'message_quarantined',
      actor: agent,
      at: now,
      internal: true,
      data: { messageId, reportId, kinds: ['phishing'] },
    });
    return true;
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
      this.persistIn(write, locked);
      await this.timeline.appendIn(write, { caseId: locked.id, type: EVENT_OF[action], actor: actorOf(caller), at: now, data: { from, to: next } }).run(tx);
      return locked;
    });
    return toCaseView(record, now, caller);
  }

  /** The case is done: its open escalations are resolved with `outcome`, each on the timeline. */
  private async releaseEscalations(tx: EntityManager, write: FusedWrite, record: CaseRecord, outcome: string, actor: Actor, now: Date): Promise<void> {
    const released = await this.escalations.resolveAllOfCase(tx, record.id, outcome, now);
    this.timeline.appendIn(
      write,
      ...released.map((escalation) => ({
        caseId: record.id,
        type: 'escalation_resolved' as const,
        actor,
        at: now,
        internal: true,
        data: { escalationId: escalation.id, outcome },
      })),
    );
  }

  /**
   * A message with the content policy applied: moves the case through the
   * state machine and opens or answers the reply cycle. Reads what it needs
   * in `tx`; every write goes into `write`, and so does nothing the caller
   * must save but the case row (`persistIn`).
   */
  private async writeMessage(
    tx: EntityManager,
    write: FusedWrite,
    record: CaseRecord,
    author: Caller,
    body: string,
    internal: boolean,
    now: Date,
    known: MessageContext,
  ): Promise<Message> {
    const opensCase = known.subject !== undefined;
    const action: CaseAction = internal ? 'internal_note' : author.role === 'buyer' ? 'buyer_message' : author.role === 'seller' ? 'seller_message' : 'agent_message';
    const next = transition(record.status, action);
    const party = action === 'buyer_message' || action === 'seller_message';
    const own: PolicyResult = party ? applyContentPolicy(body) : { masked: body, maskedKinds: [], requests: [], quarantine: false };
    const policy = party ? mergePolicies(own, known.subject) : own;
    const message = tx.create(Message, {
      id: randomUUID(),
      caseId: record.id,
      authorId: author.id,
      authorRole: author.role,
      internal,
      body,
      visibleBody: policy.masked,
      masked: own.maskedKinds,
      quarantined: policy.quarantine,
      createdAt: now,
    });
    write.with(
      POSTED_MESSAGE,
      write.insert(
        'messages',
        {
          id: [message.id, 'uuid'],
          case_id: [record.id, 'uuid'],
          author_id: [author.id, 'uuid'],
          author_role: [author.role, 'user_role'],
          internal: [internal, 'boolean'],
          body: [body, 'text'],
          visible_body: [message.visibleBody, 'text'],
          masked: [message.masked, 'text[]'],
          quarantined: [message.quarantined, 'boolean'],
          created_at: [now, 'timestamptz'],
        },
        'id, visible_body',
      ),
    );
    const actor = actorOf(author);
    this.timeline.appendIn(write, {
      caseId: record.id,
      type: internal ? 'internal_note_added' : 'message_posted',
      actor,
      at: now,
      data: { messageId: message.id, masked: own.maskedKinds },
      internal,
    });
    if (isSupport(author)) this.escalations.recordFirstActionIn(write, record.id, now);
    if (policy.maskedKinds.length > 0 || policy.requests.length > 0) {
      const kinds = [...policy.maskedKinds, ...policy.requests];
      write.with(
        write.name('violation'),
        write.insert('content_violations', {
          user_id: [author.id, 'uuid'],
          case_id: [record.id, 'uuid'],
          message_id: [message.id, 'uuid'],
          kinds: [kinds, 'text[]'],
          created_at: [now, 'timestamptz'],
        }),
      );
      this.timeline.appendIn(write, { caseId: record.id, type: 'content_policy_violation', actor, at: now, data: { messageId: message.id, kinds }, internal: true });
    }
    if (policy.quarantine) {
      // The recipient never sees it, so it neither opens nor answers a reply cycle, nor changes whose turn it is.
      const escalation = await this.escalations.openIn(tx, write, { caseId: record.id, reason: 'quarantined_message', priority: 'high', messageId: message.id, now });
      this.timeline.appendIn(write, {
        caseId: record.id,
        type: 'message_quarantined',
        actor,
        at: now,
        data: { messageId: message.id, escalationId: escalation.id, kinds: policy.requests },
        internal: true,
      });
      record.updatedAt = now;
      return message;
    }
    if (party && known.supportAwaits) {
      // Support waiting on this party has its answer: the support clock runs again.
      const resumed = await this.escalations.partyWrote(tx, record.id, author.role as Party, now);
      this.timeline.appendIn(
        write,
        ...resumed.map((escalation) => ({
          caseId: record.id,
          type: 'escalation_resumed' as const,
          actor,
          at: now,
          internal: true,
          data: { escalationId: escalation.id, dueAt: escalation.dueAt?.toISOString() ?? null },
        })),
      );
    }

    // The other party hears of it by email and in the Message Center (support's messages reach both).
    if (!internal) {
      const recipients: Party[] = action === 'buyer_message' ? ['seller'] : action === 'seller_message' ? ['buyer'] : ['buyer', 'seller'];
      const from = { kind: isSupport(author) ? ('support' as const) : (author.role as Party), id: isSupport(author) ? null : author.id };
      const kind = opensCase ? 'case_opened' : isSupport(author) ? 'support_message' : 'new_message';
      this.outbox.enqueueIn(write, caseNotices(record, kind, recipients, now, { key: message.id, extra: { messageId: message.id }, from }), POSTED_MESSAGE);
    }
    // A case with a claim is handled through the claim: the reply clock no longer runs on it.
    if (action === 'buyer_message' && !record.cycleId && !record.claimId) await this.cycles.open(tx, write, record, message.id, now);
    if (action === 'seller_message' && record.cycleId) await this.cycles.close(tx, write, record, 'answered', message.id, now, known.openCycle);
    if (next !== record.status) {
      this.timeline.appendIn(write, { caseId: record.id, type: 'status_changed', actor, at: now, data: { from: record.status, to: next } });
      record.status = next;
    }
    record.updatedAt = now;
    return message;
  }

  /** Writes the case's changed state with `write`, in one UPDATE. */
  private persistIn(write: FusedWrite, record: CaseRecord): void {
    const p = (value: unknown, type: string) => write.param(value, type);
    write.with(
      write.name('case_saved'),
      `UPDATE cases SET status = ${p(record.status, 'text')}, cycle_id = ${p(record.cycleId, 'uuid')}, clock_started_at = ${p(record.clockStartedAt, 'timestamptz')},
              warn_at = ${p(record.warnAt, 'timestamptz')}, due_at = ${p(record.dueAt, 'timestamptz')}, escalate_at = ${p(record.escalateAt, 'timestamptz')},
              sla_level = ${p(record.slaLevel, 'smallint')}, next_action_at = ${p(record.nextActionAt, 'timestamptz')}, resolved_at = ${p(record.resolvedAt, 'timestamptz')},
              claim_id = ${p(record.claimId, 'uuid')}, closed_at = ${p(record.closedAt, 'timestamptz')}, updated_at = ${p(record.updatedAt, 'timestamptz')}
        WHERE id = ${p(record.id, 'uuid')} AND ${write.when}`,
    );
  }
}
