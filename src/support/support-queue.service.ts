import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { CasesService } from '../cases/cases.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { isUuid } from '../common/ids.js';
import { Escalation } from './escalation.entity.js';
import { AssignDto, EscalationPageView, EscalationView, ListEscalationsQueryDto, ResolveEscalationDto } from './support.dto.js';

const toView = (e: Escalation): EscalationView => ({
  id: e.id,
  caseId: e.caseId,
  reason: e.reason,
  priority: e.priority,
  status: e.status,
  assigneeId: e.assigneeId,
  dueAt: e.dueAt.toISOString(),
  createdAt: e.createdAt.toISOString(),
  outcome: e.outcome,
  messageId: e.messageId,
});

/** The agents' queue: list by deadline, assign, resolve; and the support sweep that raises overdue items. */
@Injectable()
export class SupportQueueService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly clock: Clock,
  ) {}

  async list(query: ListEscalationsQueryDto): Promise<EscalationPageView> {
    const limit = query.limit ?? 50;
    const builder = this.db.getRepository(Escalation).createQueryBuilder('e').where('true');
    if (query.status) builder.andWhere('e.status = :status', { status: query.status });
    if (query.reason) builder.andWhere('e.reason = :reason', { reason: query.reason });
    if (query.assignee) builder.andWhere('e.assignee_id = :assignee', { assignee: query.assignee });
    if (query.cursor) {
      const { key, id } = decodeCursor(query.cursor);
      builder.andWhere('(e.due_at, e.id) > (:dueAt::timestamptz, :id::uuid)', { dueAt: key, id });
    }
    const rows = await builder.orderBy('e.due_at', 'ASC').addOrderBy('e.id', 'ASC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toView), nextCursor: rows.length > limit ? encodeCursor(last.dueAt.toISOString(), last.id) : null };
  }

  async assign(caller: Caller, id: string, dto: AssignDto): Promise<EscalationView> {
    const assigneeId = dto.assigneeId ?? caller.id;
    const [assignee] = await this.db.query(`SELECT role FROM users WHERE id = $1`, [assigneeId]);
    if (!assignee || (assignee.role !== 'agent' && assignee.role !== 'admin')) throw DomainError.invalid('assigneeId', 'assigneeId must be an agent');
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      const escalation = await this.lock(tx, id);
      if (escalation.status === 'resolved') throw conflict(escalation, 'assign');
      Object.assign(escalation, { status: 'assigned', assigneeId, updatedAt: now, firstActionAt: escalation.firstActionAt ?? now });
      await tx.save(Escalation, escalation);
      await this.event(tx, escalation, caller, 'escalation_assigned', now, { assigneeId });
      return toView(escalation);
    });
  }

  async resolve(caller: Caller, id: string, dto: ResolveEscalationDto): Promise<EscalationView> {
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      const escalation = await this.lock(tx, id);
      if (escalation.status === 'resolved') throw conflict(escalation, 'resolve');
      Object.assign(escalation, { status: 'resolved', outcome: dto.outcome, note: dto.note ?? null, resolvedAt: now, updatedAt: now, firstActionAt: escalation.firstActionAt ?? now });
      await tx.save(Escalation, escalation);
      await this.event(tx, escalation, caller, 'escalation_resolved', now, { outcome: dto.outcome });
      // The case leaves `escalated` when no other escalation that holds it is still open.
      const [{ others }] = await tx.query(
        `SELECT count(*)::int AS others FROM escalations WHERE case_id = $1 AND id <> $2 AND status <> 'resolved' AND reason IN ('missed_reply_window', 'buyer_request', 'claim')`,
        [escalation.caseId, escalation.id],
      );
      if (others === 0) await this.cases.releaseFromSupport(tx, escalation.caseId, dto.outcome, caller, now);
      const [record] = await tx.query('SELECT id, buyer_id AS "buyerId", seller_id AS "sellerId" FROM cases WHERE id = $1', [escalation.caseId]);
      await this.cases.notify(tx, record, escalation.id, 'escalation_resolved', now);
      return toView(escalation);
    });
  }

  /** Raises escalations still waiting for a first agent action past their deadline to urgent, once each, set-based; returns how many. */
  async raiseOverdue(): Promise<number> {
    const now = await this.clock.now();
    const rows: unknown[] = await this.db.query(
      `WITH raised AS (
         UPDATE escalations SET priority = 'urgent', priority_raised_at = $1, updated_at = $1
          WHERE status <> 'resolved' AND priority <> 'urgent' AND due_at <= $1 AND first_action_at IS NULL
         RETURNING id, case_id, due_at)
       INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data)
       SELECT case_id, 'escalation_overdue', NULL, 'system', true, $1, jsonb_build_object('escalationId', id, 'dueAt', due_at) FROM raised
       RETURNING 1`,
      [now],
    );
    return rows.length;
  }

  private async lock(tx: EntityManager, id: string): Promise<Escalation> {
    const escalation = isUuid(id) ? await tx.findOne(Escalation, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!escalation) throw DomainError.notFound('Escalation');
    return escalation;
  }

  private async event(tx: EntityManager, escalation: Escalation, caller: Caller, type: string, at: Date, data: Record<string, unknown>): Promise<void> {
    await tx.query('INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data) VALUES ($1, $2, $3, $4, true, $5, $6)', [
      escalation.caseId,
      type,
      caller.id,
      caller.role,
      at,
      JSON.stringify({ escalationId: escalation.id, ...data }),
    ]);
  }
}

function conflict(escalation: Escalation, action: string): DomainError {
  return new DomainError('forbidden_transition', `Cannot ${action} an escalation that is ${escalation.status}`, { extensions: { currentState: escalation.status, action } });
}
