import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FusedWrite } from '../common/database/fused-write.js';
import { type EventEntry, eventRows, toEventView } from '../timeline/timeline.js';
import { ClaimEvent } from './claim.entity.js';
import { claimEventsInsertFrom } from './claim.queries.js';
import type { ClaimEventView } from './claims.dto.js';

/** An entry on a claim's append-only timeline; internal ones only support sees. */
export interface ClaimEntry extends EventEntry {
  claimId: string;
}

/** The owner of `claim_events`: the one way to append to a claim's timeline, and to read it. */
@Injectable()
export class ClaimEventsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Appends entries as part of `write`: every entry given to one write lands in one INSERT, in the order given. */
  appendIn(write: FusedWrite, ...entries: ClaimEntry[]): FusedWrite {
    if (entries.length === 0) return write;
    return write.gather('claim_events', entries, (all) => {
      write.with(
        write.name('claim_timeline_appended'),
        claimEventsInsertFrom(eventRows(write, all, (entry) => entry.claimId)),
      );
    });
  }

  async list(claimId: string, includeInternal: boolean): Promise<ClaimEventView[]> {
    const events = await this.db.manager.find(ClaimEvent, {
      where: includeInternal ? { claimId } : { claimId, internal: false },
      order: { id: 'ASC' },
    });
    return events.map(toEventView);
  }
}
