import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { FusedWrite } from '../common/database/fused-write.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { type Actor, actorOf } from '../timeline/timeline.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { persistCaseIn } from './case.queries.js';
import { CaseAction, EVENT_OF, transition } from './case-status.js';
import type { CaseRecord } from './case.entity.js';
import { ReplyCyclesService } from './reply-cycles.service.js';

/**
 * A case handed to another workflow and back (docs/cases.md): to a claim
 * filed from it, from support letting go of it, and support's escalations
 * released when the case is done. Each runs in the caller's transaction,
 * with the case locked.
 */
@Injectable()
export class CaseHandovers {
  constructor(
    private readonly cycles: ReplyCyclesService,
    private readonly timeline: TimelineService,
    private readonly escalations: EscalationsService,
  ) {}

  /**
   * A claim was filed from this case (the claims service calls this in its
   * transaction, with the case locked): the open reply cycle ends and the
   * case leaves the SLA sweep for good, support's escalations of it are
   * resolved (the claim's own escalation takes over), and an escalated case
   * is back with the buyer.
   */
  async handOverToClaim(
    tx: EntityManager,
    record: CaseRecord,
    claimId: string,
    actor: Actor,
    now: Date,
  ): Promise<void> {
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
      events.push({
        caseId: record.id,
        type: 'status_changed',
        actor,
        at: now,
        data: { from: record.status, to: next },
      });
      record.status = next;
    }
    record.claimId = claimId;
    record.updatedAt = now;
    persistCaseIn(write, record);
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
    const action: CaseAction =
      outcome === 'case_resolved'
        ? 'resolve'
        : outcome === 'returned_to_seller'
          ? 'support_hand_back'
          : 'support_answer';
    const next = transition(record.status, action);
    const write = new FusedWrite();
    if (outcome === 'returned_to_seller' && !record.cycleId) await this.cycles.open(tx, write, record, null, now);
    if (outcome !== 'returned_to_seller' && record.cycleId)
      await this.cycles.close(
        tx,
        write,
        record,
        outcome === 'case_resolved' ? 'resolved' : 'handled_by_support',
        null,
        now,
      );
    if (outcome === 'case_resolved') {
      record.resolvedAt = now;
      await this.releaseEscalations(tx, write, record, 'case_resolved', actorOf(agent), now);
    }
    const from = record.status;
    record.status = next;
    record.updatedAt = now;
    persistCaseIn(write, record);
    await this.timeline
      .appendIn(write, {
        caseId: record.id,
        type: EVENT_OF[action],
        actor: actorOf(agent),
        at: now,
        data: { from, to: next, outcome },
      })
      .run(tx);
  }

  /** The case is done: its open escalations are resolved with `outcome`, each on the timeline. */
  async releaseEscalations(
    tx: EntityManager,
    write: FusedWrite,
    record: CaseRecord,
    outcome: string,
    actor: Actor,
    now: Date,
  ): Promise<void> {
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
}
