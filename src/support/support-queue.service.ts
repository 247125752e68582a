import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { caseNotices } from '../cases/case-notices.js';
import { CaseHandovers } from '../cases/case-handovers.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { transaction } from '../common/transaction.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { TimelineEventType } from '../timeline/timeline.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { Escalation } from '../escalations/escalation.entity.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { RAISE_OVERDUE } from './support.queries.js';
import {
  AssignDto,
  EscalationPageView,
  EscalationView,
  ListEscalationsQueryDto,
  ResolveEscalationDto,
  WaitDto,
} from './support.dto.js';

const toView = (e: Escalation): EscalationView => ({
  id: e.id,
  caseId: e.caseId,
  reason: e.reason,
  priority: e.priority,
  status: e.status,
  assigneeId: e.assigneeId,
  dueAt: e.dueAt ? e.dueAt.toISOString() : null,
  waitingOn: e.waitingOn,
  createdAt: e.createdAt.toISOString(),
  outcome: e.outcome,
  messageId: e.messageId,
  claimId: e.claimId,
  reportId: e.reportId,
});

/** The agents' queue: list by deadline, assign, wait on a party, resolve; and the support sweep that raises overdue items. */
@Injectable()
export class SupportQueueService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly escalations: EscalationsService,
    private readonly handovers: CaseHandovers,
    private readonly timeline: TimelineService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * A page of the queue, nearest deadline first: after `cursor` or, paging back, before `before` (the same order read
   * the other way).
   */
  async list(query: ListEscalationsQueryDto): Promise<EscalationPageView> {
    if (query.cursor !== undefined && query.before !== undefined)
      throw DomainError.invalid('before', 'before and cursor cannot be used together: give one of them');
    const limit = query.limit ?? 50;
    const backward = query.before !== undefined;
    const cursor = backward ? pageKey('before', query.before) : pageKey('cursor', query.cursor);
    const builder = this.db.getRepository(Escalation).createQueryBuilder('e').where('true');
    if (query.status) builder.andWhere('e.status = :status', { status: query.status });
    if (query.reason) builder.andWhere('e.reason = :reason', { reason: query.reason });
    if (query.assignee) builder.andWhere('e.assignee_id = :assignee', { assignee: query.assignee });
    if (query.caseId) builder.andWhere('e.case_id = :caseId', { caseId: query.caseId });
    // Nearest deadline first; those whose clock is stopped (waiting on a party) after them.
    const deadline = `COALESCE(e.due_at, 'infinity'::timestamptz)`;
    if (cursor)
      builder.andWhere(`(${deadline}, e.id) ${backward ? '<' : '>'} (:dueAt::timestamptz, :id::uuid)`, {
        dueAt: cursor.key,
        id: cursor.id,
      });
    const direction = backward ? 'DESC' : 'ASC';
    const rows = await builder
      .orderBy(deadline, direction)
      .addOrderBy('e.id', direction)
      .limit(limit + 1)
      .getMany();
    const more = rows.length > limit;
    const read = rows.slice(0, limit);
    const page = backward ? read.reverse() : read;
    const keyOf = (e: Escalation) => encodeCursor(e.dueAt ? e.dueAt.toISOString() : 'infinity', e.id);
    const first = page[0];
    const last = page[page.length - 1];
    // Paging forward, a page reached through a cursor has one before it; paging back, the one after it is where the reader came from.
    return {
      items: page.map(toView),
      nextCursor: last && (backward || more) ? keyOf(last) : null,
      prevCursor: first && (backward ? more : cursor !== null) ? keyOf(first) : null,
    };
  }

  async assign(caller: Caller, id: string, dto: AssignDto): Promise<EscalationView> {
    const assigneeId = dto.assigneeId ?? caller.id;
    await this.access.requireUserWithRole(null, assigneeId, ['agent', 'admin'], 'assigneeId');
    return this.act(caller, id, 'assign', async (tx, escalation, now) => {
      const holder = escalation.status === 'assigned' ? escalation.assigneeId : null;
      if (holder === assigneeId) return null;
      if (holder && !dto.reassign) {
        throw new DomainError(
          'forbidden_transition',
          'Another agent holds this escalation; reassign it explicitly to take it over',
          {
            extensions: { currentState: escalation.status, assigneeId: holder, action: 'assign' },
          },
        );
      }
      await this.escalations.assign(tx, escalation, assigneeId, now);
      // The agent who now holds it hears of it in its Message Center (and by email): once per assignment, each with an id of its
      // own, since the time does not tell two apart (an agent assigned, reassigned away and back within one millisecond).
      const assignment = randomUUID();
      await this.outbox.enqueue(tx, {
        kind: 'escalation_assigned',
        party: 'agent',
        recipientId: assigneeId,
        caseId: escalation.caseId,
        dedupeKey: `${escalation.id}:assigned:${assignment}`,
        payload: {
          escalationId: escalation.id,
          reason: escalation.reason,
          dueAt: escalation.dueAt?.toISOString() ?? null,
        },
        at: now,
      });
      return holder
        ? { type: 'escalation_reassigned', data: { from: holder, assigneeId } }
        : { type: 'escalation_assigned', data: { assigneeId } };
    });
  }

  /** Support waits on a party: the support clock stops until that party writes on the case, or support resumes. */
  async wait(caller: Caller, id: string, dto: WaitDto): Promise<EscalationView> {
    return this.act(caller, id, 'wait on a party for', async (tx, escalation, now) => {
      await this.escalations.waitOn(tx, escalation, dto.on, now);
      return { type: 'escalation_waiting', data: { waitingOn: dto.on } };
    });
  }

  async resume(caller: Caller, id: string): Promise<EscalationView> {
    return this.act(caller, id, 'resume', async (tx, escalation, now) => {
      if (!escalation.waitingOn) throw conflict(escalation, 'resume', 'it is not waiting on a party');
      await this.escalations.endWait(tx, escalation, now);
      return { type: 'escalation_resumed', data: { dueAt: escalation.dueAt?.toISOString() ?? null } };
    });
  }

  async resolve(caller: Caller, id: string, dto: ResolveEscalationDto): Promise<EscalationView> {
    return this.act(caller, id, 'resolve', async (tx, escalation, now) => {
      if (escalation.status === 'assigned' && escalation.assigneeId !== caller.id) {
        throw new DomainError(
          'forbidden_transition',
          'Another agent holds this escalation: only the holder resolves it, or reassign it first',
          {
            extensions: { currentState: escalation.status, assigneeId: escalation.assigneeId, action: 'resolve' },
          },
        );
      }
      if (escalation.reason === 'claim') {
        throw new DomainError(
          'forbidden_transition',
          'A claim escalation ends with the claim: decide the claim (POST /claims/:id/decide or /decide-appeal)',
          {
            extensions: { currentState: escalation.status, claimId: escalation.claimId, action: 'resolve' },
          },
        );
      }
      if (escalation.reason === 'phishing_report') {
        throw new DomainError(
          'forbidden_transition',
          'A phishing report ends with a verdict: POST /reports/:id/confirm or /dismiss',
          {
            extensions: { currentState: escalation.status, reportId: escalation.reportId, action: 'resolve' },
          },
        );
      }
      await this.escalations.resolve(tx, escalation, dto.outcome, dto.note ?? null, now);
      // The case leaves `escalated` when no other escalation that holds it is still open.
      const record = await this.access.requireCase(tx, caller, escalation.caseId!, 'case.message', true);
      if ((await this.escalations.othersHolding(tx, escalation)) === 0)
        await this.handovers.releaseFromSupport(tx, record, dto.outcome, caller, now);
      await this.outbox.enqueue(
        tx,
        ...caseNotices(record, 'escalation_resolved', ['buyer', 'seller'], now, { key: escalation.id }),
      );
      return { type: 'escalation_resolved', data: { outcome: dto.outcome } };
    });
  }

  /** Raises escalations still waiting for a first agent action past their deadline to urgent, once each, set-based; returns how many. */
  async raiseOverdue(): Promise<number> {
    const rows: unknown[] = await this.db.query(RAISE_OVERDUE, [await this.clock.now()]);
    return rows.length;
  }

  /** Locks an open escalation, applies an action and records it on the case's timeline (internal). */
  private async act(
    caller: Caller,
    id: string,
    verb: string,
    apply: (
      tx: EntityManager,
      escalation: Escalation,
      now: Date,
    ) => Promise<{ type: TimelineEventType; data: Record<string, unknown> } | null>,
  ): Promise<EscalationView> {
    const now = await this.clock.now();
    return transaction(this.db, async (tx) => {
      const escalation = await this.access.requireEscalation(tx, caller, id, 'escalation.act');
      if (escalation.status === 'resolved') throw conflict(escalation, verb);
      const before = { status: escalation.status, assigneeId: escalation.assigneeId, waitingOn: escalation.waitingOn };
      const event = await apply(tx, escalation, now);
      // Nothing changed (the holder assigning it to itself again): nothing to record.
      if (event === null) return toView(escalation);
      await this.audit.record(
        tx,
        caller,
        {
          action: event.type.replace('escalation_', 'escalation.'),
          subjectType: 'escalation',
          subjectId: escalation.id,
          before,
          after: {
            status: escalation.status,
            assigneeId: escalation.assigneeId,
            waitingOn: escalation.waitingOn,
            outcome: escalation.outcome,
          },
        },
        now,
      );
      // A report about a marketplace notice has no case to record it on; the audit log has it.
      if (escalation.caseId) {
        await this.timeline.append(tx, {
          caseId: escalation.caseId,
          type: event.type,
          actor: { id: caller.id, role: caller.role },
          at: now,
          internal: true,
          data: { escalationId: escalation.id, ...event.data },
        });
      }
      return toView(escalation);
    });
  }
}

function conflict(escalation: Escalation, action: string, why = `it is ${escalation.status}`): DomainError {
  return new DomainError('forbidden_transition', `Cannot ${action} this escalation: ${why}`, {
    extensions: { currentState: escalation.status, action },
  });
}

/** The keyset of a cursor `list` gave, or a 400 naming the parameter it came in. */
function pageKey(field: 'cursor' | 'before', cursor: string | undefined): { key: string; id: string } | null {
  if (cursor === undefined) return null;
  try {
    return decodeCursor(cursor);
  } catch {
    throw DomainError.invalid(field, `${field} is not a page of the queue; start again from the first page`);
  }
}
