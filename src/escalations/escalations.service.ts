import { randomUUID } from 'node:crypto';
import { FusedWrite } from '../common/database/fused-write.js';
import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, Not } from 'typeorm';
import { supportPolicyAt } from '../../config/policies.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import type { Party } from '../notifications/categories.js';
import { Escalation, EscalationPause, EscalationPriority, EscalationReason } from './escalation.entity.js';
import { END_PAUSE, firstActionSql, OTHERS_HOLDING } from './escalations.queries.js';
import { supportDeadline } from './support-deadline.js';

/** Reasons that hold a case in `escalated` while open. A claim's escalation is the claim's: deciding the claim ends it. */
export const HOLDING_REASONS: readonly EscalationReason[] = ['missed_reply_window', 'buyer_request'];

export interface EscalationInput {
  caseId: string | null;
  reason: EscalationReason;
  priority: EscalationPriority;
  messageId?: string | null;
  cycleId?: string | null;
  claimId?: string | null;
  reportId?: string | null;
  now: Date;
  /** The support deadline when the caller already computed it (a sweep, for many at once). */
  dueAt?: Date;
}

/**
 * The owner of `escalations` and `escalation_pauses`: the support queue's
 * items, each with a support deadline on the marketplace calendar that stops
 * while support waits on a party. Every write runs in the caller's transaction.
 */
@Injectable()
export class EscalationsService {
  constructor(private readonly calendars: CalendarsService) {}

  /** The support deadline for an escalation created at `now` (for set-based writers). */
  async firstDeadline(tx: EntityManager, now: Date): Promise<Date> {
    const marketplace = await this.calendars.marketplace(tx, now);
    return marketplace.engine.addBusinessDays(now, supportPolicyAt(now).firstActionBusinessDays);
  }

  /** Opens an escalation, due for a first agent action per the support policy. */
  async open(tx: EntityManager, input: EscalationInput): Promise<Escalation> {
    const write = new FusedWrite();
    const escalation = await this.openIn(tx, write, input);
    await write.run(tx);
    return escalation;
  }

  /** Opens an escalation as part of `write` (its deadline read in `tx`): for a change that writes what it is about in the same statement. */
  async openIn(tx: EntityManager, write: FusedWrite, input: EscalationInput): Promise<Escalation> {
    const escalation = tx.create(Escalation, {
      id: randomUUID(),
      caseId: input.caseId,
      messageId: input.messageId ?? null,
      cycleId: input.cycleId ?? null,
      reason: input.reason,
      priority: input.priority,
      status: 'open',
      assigneeId: null,
      dueAt: input.dueAt ?? (await this.firstDeadline(tx, input.now)),
      outcome: null,
      note: null,
      createdAt: input.now,
      updatedAt: input.now,
      resolvedAt: null,
      priorityRaisedAt: null,
      firstActionAt: null,
      waitingOn: null,
      claimId: input.claimId ?? null,
      reportId: input.reportId ?? null,
    });
    const e = escalation;
    write.with(
      write.name('escalation_opened'),
      write.insert('escalations', {
        id: [e.id, 'uuid'],
        case_id: [e.caseId, 'uuid'],
        message_id: [e.messageId, 'uuid'],
        cycle_id: [e.cycleId, 'uuid'],
        claim_id: [e.claimId, 'uuid'],
        report_id: [e.reportId, 'uuid'],
        reason: [e.reason, 'text'],
        priority: [e.priority, 'text'],
        status: [e.status, 'text'],
        due_at: [e.dueAt, 'timestamptz'],
        created_at: [e.createdAt, 'timestamptz'],
        updated_at: [e.updatedAt, 'timestamptz'],
      }),
    );
    return escalation;
  }

  async assign(tx: EntityManager, escalation: Escalation, assigneeId: string, now: Date): Promise<void> {
    Object.assign(escalation, {
      status: 'assigned',
      assigneeId,
      updatedAt: now,
      firstActionAt: escalation.firstActionAt ?? now,
    });
    await this.persist(tx, escalation);
  }

  async resolve(
    tx: EntityManager,
    escalation: Escalation,
    outcome: string,
    note: string | null,
    now: Date,
  ): Promise<void> {
    if (escalation.waitingOn) await this.endWait(tx, escalation, now);
    Object.assign(escalation, {
      status: 'resolved',
      outcome,
      note,
      resolvedAt: now,
      updatedAt: now,
      firstActionAt: escalation.firstActionAt ?? now,
    });
    await this.persist(tx, escalation);
  }

  /** Resolves every open escalation of a case (the case was resolved or closed); returns them. */
  async resolveAllOfCase(tx: EntityManager, caseId: string, outcome: string, now: Date): Promise<Escalation[]> {
    const open = await tx.find(Escalation, {
      where: { caseId, status: Not('resolved') },
      order: { createdAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const escalation of open) await this.resolve(tx, escalation, outcome, null, now);
    return open;
  }

  /** Resolves the escalations that hold a case in `escalated` (a claim took the case over); returns them. */
  async resolveHoldingOfCase(tx: EntityManager, caseId: string, outcome: string, now: Date): Promise<Escalation[]> {
    const open = await tx.find(Escalation, {
      where: { caseId, status: Not('resolved'), reason: In([...HOLDING_REASONS]) },
      order: { createdAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const escalation of open) await this.resolve(tx, escalation, outcome, null, now);
    return open;
  }

  /** An escalation, locked; null when there is none. */
  async lock(tx: EntityManager, escalationId: string): Promise<Escalation | null> {
    return tx.findOne(Escalation, { where: { id: escalationId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The open `claim` escalation of a claim, locked; null when none is open. */
  async openOfClaim(tx: EntityManager, claimId: string): Promise<Escalation | null> {
    return tx.findOne(Escalation, {
      where: { claimId, reason: 'claim', status: Not('resolved') },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Other escalations still holding the case in `escalated`. */
  async othersHolding(tx: EntityManager, escalation: Escalation): Promise<number> {
    const [{ others }]: { others: number }[] = await tx.query(OTHERS_HOLDING, [
      escalation.caseId,
      escalation.id,
      HOLDING_REASONS,
    ]);
    return others;
  }

  /** Support writing on a case is the first agent action its open escalations wait for. */
  recordFirstActionIn(write: FusedWrite, caseId: string, now: Date): void {
    const at = write.param(now, 'timestamptz');
    write.with(
      write.name('escalations_acted_on'),
      firstActionSql('case_id', write.param(caseId, 'uuid'), at, write.when),
    );
  }

  /** Support writing on a claim is the first agent action its open escalations wait for. */
  recordFirstActionOfClaimIn(write: FusedWrite, claimId: string, now: Date): void {
    const at = write.param(now, 'timestamptz');
    write.with(
      write.name('escalations_acted_on'),
      firstActionSql('claim_id', write.param(claimId, 'uuid'), at, write.when),
    );
  }

  /** Support starts waiting on a party: the support clock stops. */
  async waitOn(tx: EntityManager, escalation: Escalation, party: Party, now: Date): Promise<void> {
    if (escalation.waitingOn) await this.endWait(tx, escalation, now);
    await tx.insert(EscalationPause, { escalationId: escalation.id, waitingOn: party, fromAt: now, toAt: null });
    Object.assign(escalation, { waitingOn: party, updatedAt: now, firstActionAt: escalation.firstActionAt ?? now });
    await this.recompute(tx, escalation);
  }

  /** The wait ends: the deadline is recomputed from the original start minus every span waited. */
  async endWait(tx: EntityManager, escalation: Escalation, now: Date): Promise<void> {
    await tx.query(END_PAUSE, [escalation.id, now]);
    Object.assign(escalation, { waitingOn: null, updatedAt: now });
    await this.recompute(tx, escalation);
  }

  /** The party support waited on wrote on the case: those waits end. Returns the escalations that resumed. */
  async partyWrote(tx: EntityManager, caseId: string, party: Party, now: Date): Promise<Escalation[]> {
    // A claim's escalation waits for an answer on the claim, not on the case.
    const waiting = await tx.find(Escalation, {
      where: { caseId, waitingOn: party, claimId: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    for (const escalation of waiting) await this.endWait(tx, escalation, now);
    return waiting;
  }

  private async recompute(tx: EntityManager, escalation: Escalation): Promise<void> {
    const pauses = await tx.find(EscalationPause, { where: { escalationId: escalation.id }, order: { fromAt: 'ASC' } });
    const marketplace = await this.calendars.marketplace(tx, escalation.createdAt);
    escalation.dueAt = supportDeadline(
      marketplace.engine,
      escalation.createdAt,
      supportPolicyAt(escalation.createdAt).firstActionBusinessDays,
      pauses.map((pause) => ({ from: pause.fromAt, to: pause.toAt })),
    );
    await this.persist(tx, escalation);
  }

  private async persist(tx: EntityManager, escalation: Escalation): Promise<void> {
    const { status, assigneeId, dueAt, outcome, note, updatedAt, resolvedAt, firstActionAt, waitingOn } = escalation;
    await tx.update(
      Escalation,
      { id: escalation.id },
      { status, assigneeId, dueAt, outcome, note, updatedAt, resolvedAt, firstActionAt, waitingOn },
    );
  }
}
