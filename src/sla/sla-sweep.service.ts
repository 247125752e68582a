import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { EscalationsService } from '../support/escalations.service.js';
import { slaNoticeTexts, SWEEP_BATCH, SWEEP_CANDIDATES } from './sla-sweep.queries.js';

export interface SweepResult {
  atRisk: number;
  late: number;
  escalated: number;
  failed: number;
  batches: number;
}

export const SWEEP_BATCH_SIZE = 1000;

interface BatchRow {
  claimed: number;
  at_risk: number;
  late: number;
  escalated: number;
}

/** The `sla-sweep` job: turns passed reply-window deadlines into actions, exactly once per cycle and level, on any number of instances. */
@Injectable()
export class SlaSweepService {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly escalations: EscalationsService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async sweep(batchSize = SWEEP_BATCH_SIZE): Promise<SweepResult> {
    const stopTimer = this.metrics.slaSweepDuration.startTimer();
    const now = await this.clock.now();
    const escalationDue = await this.escalations.firstDeadline(this.db.manager, now);
    const texts = slaNoticeTexts(now);
    const result: SweepResult = { atRisk: 0, late: 0, escalated: 0, failed: 0, batches: 0 };
    const failed: string[] = [];
    const add = (row: BatchRow) => {
      result.atRisk += row.at_risk;
      result.late += row.late;
      result.escalated += row.escalated;
    };
    try {
      for (;;) {
        let row: BatchRow;
        try {
          [row] = await this.db.query(SWEEP_BATCH, [now, batchSize, escalationDue, null, failed, texts]);
        } catch (error) {
          // Something in this batch fails: take its cases one at a time, so that one bad case cannot stop the rest.
          row = await this.sweepOneByOne(now, batchSize, escalationDue, failed, texts, error);
        }
        result.batches += 1;
        add(row);
        if (row.claimed < batchSize) break;
      }
    } finally {
      stopTimer();
    }
    result.failed = failed.length;
    this.metrics.slaSweepActions.inc({ level: 'at_risk' }, result.atRisk);
    this.metrics.slaSweepActions.inc({ level: 'late' }, result.late);
    this.metrics.slaSweepActions.inc({ level: 'escalated' }, result.escalated);
    return result;
  }

  private async sweepOneByOne(now: Date, batchSize: number, escalationDue: Date, failed: string[], texts: string, batchError: unknown): Promise<BatchRow> {
    this.logger.warn({ err: batchError }, 'An SLA sweep batch failed; retrying its cases one by one');
    const candidates: { id: string }[] = await this.db.query(SWEEP_CANDIDATES, [now, batchSize, failed]);
    const total: BatchRow = { claimed: 0, at_risk: 0, late: 0, escalated: 0 };
    for (const { id } of candidates) {
      try {
        const [row]: BatchRow[] = await this.db.query(SWEEP_BATCH, [now, 1, escalationDue, id, failed, texts]);
        total.claimed += row.claimed;
        total.at_risk += row.at_risk;
        total.late += row.late;
        total.escalated += row.escalated;
      } catch (error) {
        failed.push(id);
        total.claimed += 1;
        this.metrics.slaSweepFailures.inc();
        this.logger.error({ err: error, caseId: id }, 'The SLA sweep could not process a case');
        await this.db.query('INSERT INTO sla_sweep_failures (case_id, error, at) VALUES ($1, $2, $3)', [id, String((error as Error).message ?? error), now]);
      }
    }
    // A full batch's worth of candidates means there may be more: the caller goes on.
    return { ...total, claimed: candidates.length };
  }
}
