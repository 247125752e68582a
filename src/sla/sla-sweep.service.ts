import { I18n } from '../i18n/i18n.service.js';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { failureText, sweepInBatches } from '../jobs/batch-sweep.js';
import { ANY_DUE, RECORD_SWEEP_FAILURE, slaNoticeTexts, SWEEP_BATCH, SWEEP_CANDIDATES } from './sla-sweep.queries.js';

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
    private readonly i18n: I18n,
  ) {}

  async sweep(batchSize = SWEEP_BATCH_SIZE): Promise<SweepResult> {
    const stopTimer = this.metrics.slaSweepDuration.startTimer();
    const now = await this.clock.now();
    const result: SweepResult = { atRisk: 0, late: 0, escalated: 0, failed: 0, batches: 0 };
    try {
      // Most runs find nothing due: one look at the index answers them, without the batch statement's planning or the
      // marketplace calendar's deadline. A case that falls due after this look is the next run's.
      if ((await this.db.query<unknown[]>(ANY_DUE, [now])).length === 0) return result;
      const escalationDue = await this.escalations.firstDeadline(this.db.manager, now);
      const texts = slaNoticeTexts(now, this.i18n);
      const run = await sweepInBatches(
        {
          size: batchSize,
          item: 'case',
          run: async (only, skip) => {
            const [row]: BatchRow[] = await this.db.query(SWEEP_BATCH, [
              now,
              only ? 1 : batchSize,
              escalationDue,
              only,
              skip,
              texts,
            ]);
            result.atRisk += row.at_risk;
            result.late += row.late;
            result.escalated += row.escalated;
            return row.claimed;
          },
          candidates: async (skip) =>
            (await this.db.query<{ id: string }[]>(SWEEP_CANDIDATES, [now, batchSize, skip])).map((row) => row.id),
          recordFailure: async (id, error) => {
            this.metrics.slaSweepFailures.inc();
            await this.db.query(RECORD_SWEEP_FAILURE, [id, failureText(error), now]);
          },
        },
        this.logger,
      );
      result.batches = run.batches;
      result.failed = run.failed.length;
    } finally {
      stopTimer();
    }
    this.metrics.slaSweepActions.inc({ level: 'at_risk' }, result.atRisk);
    this.metrics.slaSweepActions.inc({ level: 'late' }, result.late);
    this.metrics.slaSweepActions.inc({ level: 'escalated' }, result.escalated);
    return result;
  }
}
