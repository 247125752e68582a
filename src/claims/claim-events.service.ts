import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { eventColumns, type EventEntry } from '../timeline/timeline.js';
import { ClaimEvent } from './claim.entity.js';
import type { ClaimEventView } from './claims.dto.js';

/** An entry on a claim's append-only timeline; internal ones only support sees. */
export interface ClaimEntry extends EventEntry {
  claimId: string;
}

const APPEND = `INSERT INTO claim_events (claim_id, type, actor_id, actor_role, internal, at, data)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::boolean[], $6::timestamptz[], $7::jsonb[])`;

/** The owner of `claim_events`: the one way to append to a claim's timeline, and to read it. */
@Injectable()
export class ClaimEventsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Appends entries in one statement, inside the caller's transaction. */
  async append(tx: EntityManager, ...entries: ClaimEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      APPEND,
      eventColumns(entries, (entry) => entry.claimId),
    );
  }

  async list(claimId: string, includeInternal: boolean): Promise<ClaimEventView[]> {
    const events = await this.db.manager.find(ClaimEvent, { where: includeInternal ? { claimId } : { claimId, internal: false }, order: { id: 'ASC' } });
    return events.map((event) => ({ type: event.type, actorId: event.actorId, actorRole: event.actorRole, at: event.at.toISOString(), data: event.data }));
  }
}
