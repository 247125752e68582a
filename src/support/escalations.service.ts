import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { supportPolicyAt } from '../../config/policies.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { Escalation, EscalationPriority, EscalationReason } from './escalation.entity.js';

/** The support queue: escalations with a support deadline on the marketplace calendar. */
@Injectable()
export class EscalationsService {
  constructor(private readonly calendars: CalendarsService) {}

  /** Opens an escalation inside the caller's transaction; due for a first agent action per the support policy. */
  async open(
    tx: EntityManager,
    input: { caseId: string; reason: EscalationReason; priority: EscalationPriority; messageId?: string | null; cycleId?: string | null; now: Date },
  ): Promise<Escalation> {
    const marketplace = await this.calendars.marketplace(input.now, tx);
    const dueAt = marketplace.engine.addBusinessDays(input.now, supportPolicyAt(input.now).firstActionBusinessDays);
    const escalation = tx.create(Escalation, {
      id: randomUUID(),
      caseId: input.caseId,
      messageId: input.messageId ?? null,
      cycleId: input.cycleId ?? null,
      reason: input.reason,
      priority: input.priority,
      status: 'open',
      assigneeId: null,
      dueAt,
      outcome: null,
      note: null,
      createdAt: input.now,
      updatedAt: input.now,
      resolvedAt: null,
      priorityRaisedAt: null,
      firstActionAt: null,
    });
    await tx.insert(Escalation, escalation);
    return escalation;
  }
}
