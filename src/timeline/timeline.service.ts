import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { FusedWrite } from '../common/database/fused-write.js';
import { eventRows, TimelineEntry, timelineInsertFrom, toEventView } from './timeline.js';
import { CaseEvent } from './timeline.entity.js';

export interface TimelineEventRow {
  type: string;
  actorId: string | null;
  actorRole: string;
  at: string;
  data: Record<string, unknown>;
}

/** The owner of `case_events`: the one way to append to a case's timeline, and to read it. */
@Injectable()
export class TimelineService {
  constructor(@InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>) {}

  /** Appends entries in one statement, inside the caller's transaction. */
  async append(tx: EntityManager, ...entries: TimelineEntry[]): Promise<void> {
    await this.appendIn(new FusedWrite(), ...entries).run(tx);
  }

  /** Appends entries as part of `write`: every entry given to one write lands in one INSERT, in the order given. */
  appendIn(write: FusedWrite, ...entries: TimelineEntry[]): FusedWrite {
    if (entries.length === 0) return write;
    return write.gather('case_events', entries, (all) => {
      write.with(write.name('timeline_appended'), timelineInsertFrom(eventRows(write, all, (entry) => entry.caseId)));
    });
  }

  /** A case's events, oldest first; internal ones only for support. */
  async list(caseId: string, includeInternal: boolean): Promise<TimelineEventRow[]> {
    const events = await this.events.find({
      where: includeInternal ? { caseId } : { caseId, internal: false },
      order: { id: 'ASC' },
    });
    return events.map(toEventView);
  }
}
