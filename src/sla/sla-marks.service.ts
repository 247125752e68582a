import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type SlaLevel = 'at_risk' | 'late' | 'escalated';

/** The owner of `sla_actions` outside the sweep's own statement: a level is acted on once per cycle, whoever acts first. */
@Injectable()
export class SlaMarksService {
  /** Marks `level` as acted on for the cycle; false when it already was. */
  async mark(tx: EntityManager, caseId: string, cycleId: string, level: SlaLevel, thresholdAt: Date, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO sla_actions (case_id, cycle_id, level, threshold_at, acted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cycle_id, level) DO NOTHING RETURNING 1`,
      [caseId, cycleId, level, thresholdAt, now],
    );
    return rows.length === 1;
  }
}
