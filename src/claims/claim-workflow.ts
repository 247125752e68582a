import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ClaimPolicy } from '../../config/policies.js';
import { AccessService } from '../access/access.service.js';
import { isSupport, type Permission } from '../access/access.js';
import type { AttachmentView } from '../attachments/attachments.dto.js';
import type { Stashed } from '../attachments/attachments.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { Clock } from '../common/clock.js';
import { FusedWrite } from '../common/database/fused-write.js';
import { DomainError } from '../common/domain-error.js';
import { formatMoney } from '../common/money.js';
import { transaction } from '../common/transaction.js';
import type { ConversationMessage } from '../conversations/conversation.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import type { Party } from '../notifications/categories.js';
import type { MessagesShown } from '../notifications/outbox.queries.js';
import { type CaseNotice, OutboxService } from '../notifications/outbox.service.js';
import type { MoneyDto } from '../orders/orders.dto.js';
import type { Actor } from '../timeline/timeline.js';
import type { WebhookEvent } from '../webhooks/webhooks.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { type ClaimEntry, ClaimEventsService } from './claim-events.service.js';
import { claimHook, claimNotices } from './claim-notices.js';
import { ClaimPolicies } from './claim-policies.js';
import { type ClaimAction, claimTransition } from './claim-status.js';
import { toClaimView } from './claim-views.js';
import { Claim } from './claim.entity.js';
import type { ClaimView } from './claims.dto.js';
import { addPolicyDuration } from './eligibility.js';

/**
 * One step of a claim's workflow under way: the claim (locked), the instant,
 * and the write every change of the step goes into (the claim row, its
 * timeline, messages, notices and webhook events: one statement, run when
 * the step is done). Owners that read before they write (escalations) write
 * in `tx`, in the same transaction.
 */
export interface ClaimStep {
  tx: EntityManager;
  write: FusedWrite;
  claim: Claim;
  now: Date;
}

export const SYSTEM: Actor = { id: null, role: 'system' };

/**
 * The write of one claim step: unprepared, since a step's statement has as
 * many shapes as combinations of what it writes and runs far less often
 * than the case reply path, whose statements keep the prepared names.
 */
export const claimWrite = (): FusedWrite => new FusedWrite({ prepared: false });
export const partyOf = (caller: Caller): Party | null =>
  caller.role === 'buyer' || caller.role === 'seller' ? caller.role : null;
const other = (party: Party): Party => (party === 'buyer' ? 'seller' : 'buyer');

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

/**
 * What every step of a claim shares (docs/claims.md): taking the claim,
 * moving it through the state machine, its messages (through the
 * conversation core), its escalation, its deadlines, the decision, and
 * writing it all. The steps themselves are in the files named after who
 * takes them: claim-filing, claim-seller-steps, claim-agent-steps,
 * claim-appeal, claim-messages, and the sweep's claim-deadlines.
 */
@Injectable()
export class ClaimWorkflow {
  private readonly columns = new Map<string, { name: string; type: string }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly conversations: ConversationsService,
    private readonly calendars: CalendarsService,
    private readonly escalations: EscalationsService,
    private readonly claimEvents: ClaimEventsService,
    private readonly outbox: OutboxService,
    private readonly webhooks: WebhooksService,
    private readonly policies: ClaimPolicies,
    private readonly clock: Clock,
  ) {}

  /** Access, lock, apply, write the claim and everything the step added; the view of the claim after it. */
  async act(
    caller: Caller,
    claimId: string,
    permission: Permission,
    apply: (step: ClaimStep) => Promise<void>,
  ): Promise<ClaimView> {
    const now = await this.clock.now();
    return transaction(this.db, async (tx) => {
      const claim = await this.access.requireClaim(tx, caller, claimId, permission, true);
      const step: ClaimStep = { tx, write: claimWrite(), claim, now };
      await apply(step);
      claim.updatedAt = now;
      await this.finish(step);
      return toClaimView(claim);
    });
  }

  /** Writes the claim's changed columns with the rest of the step, in one statement. */
  async finish(step: ClaimStep): Promise<void> {
    this.persistIn(step.write, step.claim);
    await step.write.run(step.tx);
  }

  /** The claim's next state by `action` (409 when the state machine refuses), on its timeline. */
  move(step: ClaimStep, action: ClaimAction, actor: Actor, data: Record<string, unknown> = {}): void {
    const { claim, now } = step;
    const from = claim.status;
    claim.status = claimTransition(from, action);
    claim.updatedAt = now;
    this.record(step, {
      claimId: claim.id,
      type: 'status_changed',
      actor,
      at: now,
      data: { from, to: claim.status, action, ...data },
    });
  }

  close(step: ClaimStep, actor: Actor, data: Record<string, unknown> = {}): void {
    this.move(step, 'close', actor, data);
    Object.assign(step.claim, { closedAt: step.now, nextDeadlineAt: null });
  }

  record(step: ClaimStep, ...entries: ClaimEntry[]): void {
    this.claimEvents.appendIn(step.write, ...entries);
  }

  notify(step: ClaimStep, notices: CaseNotice[], shows?: MessagesShown): void {
    this.outbox.enqueueIn(step.write, notices, shows);
  }

  emit(step: ClaimStep, ...hooks: WebhookEvent[]): void {
    this.webhooks.emitIn(step.write, ...hooks);
  }

  /**
   * A message on the claim, written by the conversation core (the content
   * policy for the parties; a request for credentials or payment held back
   * for support). `notify` tells the others (steps with a notice of their
   * own pass false). `visible` is false for a quarantined message.
   */
  async writeMessage(
    step: ClaimStep,
    author: Caller,
    input: { body: string; internal: boolean; notify: boolean; files?: Stashed[] },
  ): Promise<{ message: ConversationMessage; attachments: AttachmentView[]; visible: boolean }> {
    const { claim, now } = step;
    const written = await this.conversations.writeIn(
      step.tx,
      step.write,
      { kind: 'claim', id: claim.id, caseId: claim.caseId, claimId: claim.id },
      { author, body: input.body, internal: input.internal, at: now, files: input.files },
    );
    const { message, attachments } = written;
    this.record(step, ...written.events.map((event) => ({ claimId: claim.id, ...event })));
    if (message.quarantined) return { message, attachments, visible: false };
    if (isSupport(author) && !input.internal) this.escalations.recordFirstActionOfClaimIn(step.write, claim.id, now);
    if (input.notify && !input.internal) {
      const party = partyOf(author);
      const recipients: Party[] = party ? [other(party)] : ['buyer', 'seller'];
      const from = { kind: party ?? ('support' as const), id: party ? author.id : null };
      const notices = claimNotices(
        claim,
        'claim_message',
        recipients,
        now,
        { claimMessageId: message.id },
        message.id,
      ).map((notice) => ({ ...notice, from }));
      this.notify(step, notices, { claim: written.cte });
    }
    return { message, attachments, visible: true };
  }

  /** The claim goes to support: an open `claim` escalation. */
  async openEscalation(step: ClaimStep, priority: 'normal' | 'high', dueAt?: Date): Promise<void> {
    const { claim, now } = step;
    const escalation = await this.escalations.openIn(step.tx, step.write, {
      caseId: claim.caseId,
      claimId: claim.id,
      reason: 'claim',
      priority,
      now,
      dueAt,
    });
    this.record(step, {
      claimId: claim.id,
      type: 'escalation_opened',
      actor: SYSTEM,
      at: now,
      internal: true,
      data: { escalationId: escalation.id, priority },
    });
  }

  async resolveEscalation(step: ClaimStep, outcome: string): Promise<void> {
    const { claim, now } = step;
    const escalation = await this.escalations.openOfClaim(step.tx, claim.id);
    if (!escalation) return;
    await this.escalations.resolve(step.tx, escalation, outcome, null, now);
    this.record(step, {
      claimId: claim.id,
      type: 'escalation_resolved',
      actor: SYSTEM,
      at: now,
      internal: true,
      data: { escalationId: escalation.id, outcome },
    });
  }

  /** Support waited on a party who has now answered (or the wait timed out): the support clock runs again. */
  async endWait(step: ClaimStep): Promise<void> {
    const { claim, now } = step;
    const escalation = await this.escalations.openOfClaim(step.tx, claim.id);
    if (!escalation?.waitingOn) return;
    await this.escalations.endWait(step.tx, escalation, now);
    this.record(step, {
      claimId: claim.id,
      type: 'escalation_resumed',
      actor: SYSTEM,
      at: now,
      internal: true,
      data: { escalationId: escalation.id, dueAt: escalation.dueAt?.toISOString() ?? null },
    });
  }

  /** Records a decision (an agent's, or the policy's for seller silence) and opens the appeal window. */
  async applyDecision(
    step: ClaimStep,
    decision: {
      outcome: 'granted' | 'denied';
      funding: 'seller' | 'marketplace' | null;
      refund: number | null;
      decidedBy: string | null;
      note: string;
    },
    actor: Actor,
    alreadyMoved = false,
  ): Promise<void> {
    const { claim, now } = step;
    if (!alreadyMoved)
      this.move(step, decision.outcome === 'granted' ? 'grant' : 'deny', actor, {
        funding: decision.funding,
        refund: decision.refund,
      });
    const appealUntil = await this.deadline(step.tx, now, this.policyOf(claim).appealWindow);
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
    await this.resolveEscalation(step, `claim_${decision.outcome}`);
    const refund = decision.refund === null ? null : { amount: decision.refund, currency: claim.currency };
    this.notify(
      step,
      claimNotices(claim, 'claim_decided', ['buyer', 'seller'], now, {
        outcome: decision.outcome,
        funding: decision.funding,
        money: refund,
        dueAt: appealUntil.toISOString(),
      }),
    );
    this.emit(
      step,
      claimHook(claim, 'claim.decided', now, {
        outcome: decision.outcome,
        funding: decision.funding,
        refund,
        decidedBy: decision.decidedBy,
        appealUntil: appealUntil.toISOString(),
      }),
    );
  }

  policyOf(claim: Claim): ClaimPolicy {
    return this.policies.version(claim.policyVersion);
  }

  /** A claim deadline from `start`: hours and days on the wall clock, business days on the marketplace calendar. */
  async deadline(tx: EntityManager, start: Date, duration: ClaimPolicy['sellerResponse']): Promise<Date> {
    return addPolicyDuration(start, duration, (await this.calendars.marketplace(tx, start)).engine);
  }

  /** Writes the columns a claim's workflow changes, in one UPDATE of `write`. */
  persistIn(write: FusedWrite, claim: Claim): void {
    const assignments = MUTABLE.map((property) => {
      const column = this.column(property);
      return `${column.name} = ${write.param(claim[property], column.type)}`;
    });
    write.with(
      write.name('claim_saved'),
      `UPDATE claims SET ${assignments.join(', ')} WHERE id = ${write.param(claim.id, 'uuid')} AND ${write.when}`,
    );
  }

  /** A claim property's column and its SQL type, from the entity. */
  private column(property: string): { name: string; type: string } {
    let column = this.columns.get(property);
    if (!column) {
      const meta = this.db.getMetadata(Claim).findColumnWithPropertyName(property)!;
      const type = typeof meta.type === 'string' ? meta.type : 'text';
      column = { name: meta.databaseName, type: `${type === 'char' ? 'text' : type}${meta.isArray ? '[]' : ''}` };
      this.columns.set(property, column);
    }
    return column;
  }
}

/** Money in a request about an order: its currency, more than nothing, at most its total. */
export function checkMoney(field: string, money: MoneyDto, order: { currency: string; totalAmount: number }): number {
  if (money.currency !== order.currency)
    throw DomainError.invalid(`${field}.currency`, `${field}.currency must be the order's currency, ${order.currency}`);
  if (money.amount <= 0) throw DomainError.invalid(`${field}.amount`, `${field}.amount must be more than 0`);
  if (money.amount > order.totalAmount)
    throw DomainError.invalid(
      `${field}.amount`,
      `${field}.amount must not exceed the order total, ${formatMoney({ amount: order.totalAmount, currency: order.currency })}`,
    );
  return money.amount;
}
