import { viewerFrameOf, type FrameJoin, type ViewerFrame } from '../inbox/page-frame.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isSupport } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { toSegmentViews } from '../calendar/calendar.mappers.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { readOnPool } from '../common/database/prepared.js';
import { hydrate } from '../common/database/hydrate.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { CaseRecord } from './case.entity.js';
import { Message } from '../conversations/message.entity.js';
import { toCaseView, toMessageView } from './case-views.js';
import { caseAllowedActions } from './case-actions.js';
import {
  CaseDetailView,
  CasePageView,
  ListCasesQueryDto,
  MessageView,
  SlaDetailView,
  TimelineEventView,
} from './cases.dto.js';
import { caseListSql } from './case.queries.js';
import { ReplyCyclesService } from './reply-cycles.service.js';

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

  /** One case, with what the caller may do to it now. */
  async view(caller: Caller, caseId: string): Promise<CaseDetailView> {
    const record = await this.access.requireCase(null, caller, caseId, 'case.read');
    const now = await this.clock.now();
    return { ...toCaseView(record, now, caller), allowedActions: caseAllowedActions(record, caller, now) };
  }

  /**
   * A page of the caller's cases, read with `caseListSql` (a seller's by nearest reply deadline, anyone else's newest first),
   * after `cursor` or, paging back, before `before`; `q` narrows to the cases whose subject or references contain it.
   */
  async list(caller: Caller, query: ListCasesQueryDto): Promise<CasePageView> {
    return (await this.listed(caller, query, false)).page;
  }

  /**
   * A page of cases with the display names of their buyers and sellers, read with them (the portal's lists show them), and
   * with `frame` the page's frame too: `frame` in the result, unless the list is empty (nothing carried it).
   */
  listWithNames(
    caller: Caller,
    query: ListCasesQueryDto,
    frame?: FrameJoin,
  ): Promise<{ page: CasePageView; names: Map<string, string>; frame?: ViewerFrame }> {
    return this.listed(caller, query, true, frame);
  }

  private async listed(
    caller: Caller,
    query: ListCasesQueryDto,
    withNames: boolean,
    frame?: FrameJoin,
  ): Promise<{ page: CasePageView; names: Map<string, string>; frame?: ViewerFrame }> {
    if (query.cursor !== undefined && query.before !== undefined)
      throw DomainError.invalid('before', 'before and cursor cannot be used together: give one of them');
    const now = await this.clock.now();
    const limit = query.limit ?? 20;
    const backward = query.before !== undefined;
    const given = query.before ?? query.cursor;
    const cursor = given === undefined ? undefined : decodeCursor(given, 'uuid', backward ? 'before' : 'cursor');
    const bySeller = caller.role === 'seller';
    const { sql, params } = caseListSql({
      buyerId: caller.role === 'buyer' ? caller.id : undefined,
      sellerId: bySeller ? caller.id : undefined,
      status: query.status,
      slaState: query.slaState,
      search: query.q || undefined,
      cursor,
      backward,
      limit,
      now,
      names: withNames,
      frame,
    });
    const rows = await readOnPool<Record<string, unknown>>(this.db, sql, params);
    const names = new Map<string, string>();
    if (withNames)
      for (const row of rows.slice(0, limit)) {
        if (typeof row.buyer_name === 'string') names.set(row.buyer_id as string, row.buyer_name);
        if (typeof row.seller_name === 'string') names.set(row.seller_id as string, row.seller_name);
      }
    const more = rows.length > limit;
    const read = rows.slice(0, limit).map((row) => hydrate(this.db.manager, CaseRecord, row));
    const page = backward ? read.reverse() : read;
    const keyOf = (record: CaseRecord) =>
      encodeCursor(
        bySeller ? (record.dueAt ? record.dueAt.toISOString() : 'infinity') : record.createdAt.toISOString(),
        record.id,
      );
    const first = page[0];
    const last = page[page.length - 1];
    // Paging forward, a page reached through a cursor has one before it; paging back, the one after it is where the reader came from.
    const nextCursor = last && (backward || more) ? keyOf(last) : null;
    const prevCursor = first && (backward ? more : cursor !== undefined) ? keyOf(first) : null;
    return {
      page: { items: page.map((record) => toCaseView(record, now, caller)), nextCursor, prevCursor },
      names,
      frame: frame && rows.length > 0 ? viewerFrameOf(rows[0]) : undefined,
    };
  }

  async messages(caller: Caller, caseId: string): Promise<MessageView[]> {
    const record = await this.access.requireCase(null, caller, caseId, 'case.read');
    const query = this.db
      .getRepository(Message)
      .createQueryBuilder('m')
      .where('m.case_id = :caseId', { caseId: record.id });
    if (!isSupport(caller))
      query.andWhere('m.internal = false').andWhere('(m.quarantined = false OR m.author_id = :me)', { me: caller.id });
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
    const holidays = calendar.definition.holidays;
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
      holidayRegion: holidays ? { country: holidays.country, subdivision: holidays.subdivision ?? null } : null,
    };
  }
}
