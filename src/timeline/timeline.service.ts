import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { eventColumns, TimelineEntry, timelineInsertFrom } from './timeline.js';
import { CaseEvent } from './timeline.entity.js';

export interface TimelineEventRow {
  type: string;
  actorId: string | null;
  actorRole: string;
  at: string;
  data: Record<string, unknown>;
}

const APPEND = timelineInsertFrom(`SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::boolean[], $6::timestamptz[], $7::jsonb[])`);

/** The owner of `case_events`: the one way to append to a case's timeline, and to read it. */
@Injectable()
export class TimelineService {
  constructor(@InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>) {}

  /** Appends entries in one statement, inside the caller's transaction. */
  async append(tx: EntityManager, ...entries: TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      APPEND,
      eventColumns(entries, (entry) => entry.caseId),
    );
  }

  /** A case's events, oldest first; internal ones only for support. */
  async list(caseId: string, includeInternal: boolean): Promise<TimelineEventRow[]> {
    const events = await this.events.find({ where: includeInternal ? { caseId } : { caseId, internal: false }, order: { id: 'ASC' } });
    return events.map((event) => ({ type: event.type, actorId: event.actorId, actorRole: event.actorRole, at: event.at.toISOString(), data: event.data }));
  }
}
