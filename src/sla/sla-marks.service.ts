import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MARK_LEVEL } from './sla.queries.js';

export type SlaLevel = 'at_risk' | 'late' | 'escalated';

/** The owner of `sla_actions` outside the sweep's own statement: a level is acted on once per cycle, whoever acts first. */
@Injectable()
export class SlaMarksService {
  /** Marks `level` as acted on for the cycle; false when it already was. */
  async mark(
    tx: EntityManager,
    caseId: string,
    cycleId: string,
    level: SlaLevel,
    thresholdAt: Date,
    now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(MARK_LEVEL, [caseId, cycleId, level, thresholdAt, now]);
    return rows.length === 1;
  }
}
