import { AttachmentsService } from '../attachments/attachments.service.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { isSupport } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { toSegmentViews } from '../calendar/calendar.mappers.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { readOnPool } from '../common/database/prepared.js';
import { hydrate } from '../common/database/hydrate.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { CaseRecord, Message } from './case.entity.js';
import { toCaseView, toMessageView } from './case-views.js';
import { CasePageView, CaseView, ListCasesQueryDto, MessageView, SlaDetailView, SlaState, TimelineEventView } from './cases.dto.js';
import { ReplyCyclesService } from './reply-cycles.service.js';

const OPEN_STATUSES = ['awaiting_seller', 'awaiting_buyer', 'escalated'];

/** Reading cases: one case, lists with keyset cursors, messages, timeline, and the reply clock explained. */
@Injectable()
export class CaseQueriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly cycles: ReplyCyclesService,
    private readonly timelines: TimelineService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  async view(caller: Caller, caseId: string): Promise<CaseView> {
    const record = await this.access.requireCase(null, caller, caseId, 'case.read');
    return toCaseView(record, await this.clock.now(), caller);
  }

  /**
   * A page of the caller's cases: one hand-written statement (no query
   * builder per request) on the index for the caller's order (docs/performance.md).
   */
  async list(caller: Caller, query: ListCasesQueryDto): Promise<CasePageView> {
    const now = await this.clock.now();
    const limit = query.limit ?? 20;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const params: unknown[] = [];
    const p = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
    const where: string[] = [];
    const bySeller = caller.role === 'seller';
    if (caller.role === 'buyer') where.push(`c.buyer_id = ${p(caller.id, 'uuid')}`);
    else if (bySeller) where.push(`c.seller_id = ${p(caller.id, 'uuid')}`);

    if (query.status) where.push(`c.status = ${p(query.status, 'text')}`);
    else if (bySeller) where.push(`c.status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})`);
    if (query.slaState) {
      const at = () => p(now, 'timestamptz');
      const conditions: Record<SlaState, () => string> = {
        escalated: () => `c.status = 'escalated'`,
        stopped: () => `c.status <> 'escalated' AND c.cycle_id IS NULL`,
        on_track: () => `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND ${at()} < c.warn_at`,
        at_risk: () => `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND c.warn_at <= ${at()} AND ${at()} < c.due_at`,
        late: () => `c.status <> 'escalated' AND c.cycle_id IS NOT NULL AND c.due_at <= ${at()}`,
      };
      where.push(conditions[query.slaState]());
    }
    let order: string;
    if (bySeller) {
      // Nearest reply deadline first; cases without an open cycle after them; the id breaks ties.
      const deadline = `COALESCE(c.due_at, 'infinity'::timestamptz)`;
      if (cursor) where.push(`(${deadline}, c.id) > (${p(cursor.key, 'timestamptz')}, ${p(cursor.id, 'uuid')})`);
      order = `${deadline} ASC, c.id ASC`;
    } else {
      if (cursor) where.push(`(c.created_at, c.id) < (${p(cursor.key, 'timestamptz')}, ${p(cursor.id, 'uuid')})`);
      order = 'c.created_at DESC, c.id DESC';
    }
    const rows = await readOnPool<Record<string, unknown>>(
      this.db,
      `SELECT c.* FROM cases c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${p(limit + 1, 'int')}`,
      params,
    );
    const page = rows.slice(0, limit).map((row) => hydrate(this.db.manager, CaseRecord, row));
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor(bySeller ? (last.dueAt ? last.dueAt.toISOString() : 'infinity') : last.createdAt.toISOString(), last.id) : null;
    return { items: page.map((record) => toCaseView(record, now, caller)), nextCursor };
  }

  /** Cases' subjects as support reads them (the original words), for listing escalations. */
  async subjects(caseIds: readonly string[]): Promise<Map<string, string>> {
    if (caseIds.length === 0) return new Map();
    const rows = await this.db.getRepository(CaseRecord).find({ where: { id: In([...caseIds]) }, select: { id: true, subject: true } });
    return new Map(rows.map((row) => [row.id, row.subject]));
  }

  async messages(caller: Caller, caseId: string): Promise<MessageView[]> {
    const record = await this.access.requireCase(null, caller, caseId, 'case.read');
    const query = this.db.getRepository(Message).createQueryBuilder('m').where('m.case_id = :caseId', { caseId: record.id });
    if (!isSupport(caller)) query.andWhere('m.internal = false').andWhere('(m.quarantined = false OR m.author_id = :me)', { me: caller.id });
    const messages = await query.orderBy('m.seq', 'ASC').getMany();
    const attachments = await this.attachments.of(messages.map((message) => message.id));
    return messages.map((message) => toMessageView(message, caller, attachments.get(message.id)));
  }

  async timeline(caller: Caller, caseId: string): Promise<TimelineEventView[]> {
    const record = await this.access.requireCase(null, caller, caseId, 'case.read');
    return this.timelines.list(record.id, isSupport(caller));
  }

  /** The open cycle's deadlines and why they fall where they do. */
  async sla(caller: Caller, caseId: string): Promise<SlaDetailView> {
    const record = await this.access.requireCase(null, caller, caseId, 'case.read');
    const base = toCaseView(record, await this.clock.now(), caller).sla;
    if (!record.cycleId) return { ...base, explanation: { segments: [] } };
    const { cycle, calendar } = await this.cycles.openCycleOf(this.db.manager, record);
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
}
