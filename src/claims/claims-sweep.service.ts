import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Clock } from '../common/clock.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { failureText, sweepInBatches } from '../jobs/batch-sweep.js';
import { ClaimDeadlines } from './claim-deadlines.js';
import { claimWrite, ClaimWorkflow } from './claim-workflow.js';
import { Claim } from './claim.entity.js';
import { DUE_CLAIMS, DUE_CLAIM_CANDIDATES, RECORD_CLAIMS_SWEEP_FAILURE } from './claim.queries.js';

export const CLAIMS_SWEEP_BATCH = 200;

export interface ClaimsSweepResult {
  sellerResponse: number;
  infoRequest: number;
  appealWindow: number;
  batches: number;
  /** Claims that could not be processed (recorded in claims_sweep_failures); the rest went on. */
  failed: number;
}

/**
 * The `claims-sweep` job: acts on passed claim deadlines (the seller's
 * response, an info request, the appeal window) exactly once each, on any
 * number of instances. Each batch takes due claims with FOR UPDATE SKIP
 * LOCKED, so instances never take the same claim at once, and marks each
 * deadline in `claim_deadline_actions` (unique per claim, deadline and due
 * instant), so a deadline already acted on is never acted on again. The
 * rules are ClaimDeadlines'; a claim that fails is recorded and skipped
 * (sweepInBatches), and the others go on.
 */
@Injectable()
export class ClaimsSweepService {
  private readonly logger = new Logger('ClaimsSweep');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflow: ClaimWorkflow,
    private readonly deadlines: ClaimDeadlines,
    private readonly escalations: EscalationsService,
    private readonly clock: Clock,
  ) {}

  async sweep(batchSize = CLAIMS_SWEEP_BATCH): Promise<ClaimsSweepResult> {
    const now = await this.clock.now();
    const escalationDue = await this.escalations.firstDeadline(this.db.manager, now);
    const result: ClaimsSweepResult = { sellerResponse: 0, infoRequest: 0, appealWindow: 0, batches: 0, failed: 0 };
    const run = await sweepInBatches(
      {
        size: batchSize,
        item: 'claim',
        run: async (only, skip) => {
          const { taken, acted } = await this.db.transaction(async (tx) => {
            const due: { id: string }[] = await tx.query(DUE_CLAIMS, [now, only ? 1 : batchSize, skip, only]);
            const claims =
              due.length > 0
                ? await tx.find(Claim, {
                    where: { id: In(due.map((row) => row.id)) },
                    order: { nextDeadlineAt: 'ASC' },
                  })
                : [];
            const acted = { seller_response: 0, info_request: 0, appeal_window: 0 };
            for (const claim of claims) {
              const step = { tx, write: claimWrite(), claim, now };
              const deadline = await this.deadlines.actOnDeadline(step, escalationDue);
              if (deadline) {
                acted[deadline] += 1;
                claim.updatedAt = now;
              }
              await this.workflow.finish(step);
            }
            return { taken: due.length, acted };
          });
          // Counted once the batch committed: a batch that fails is taken again one claim at a time.
          result.sellerResponse += acted.seller_response;
          result.infoRequest += acted.info_request;
          result.appealWindow += acted.appeal_window;
          return taken;
        },
        candidates: async (skip) =>
          (await this.db.query<{ id: string }[]>(DUE_CLAIM_CANDIDATES, [now, batchSize, skip])).map((row) => row.id),
        recordFailure: async (id, error) => {
          await this.db.query(RECORD_CLAIMS_SWEEP_FAILURE, [id, failureText(error), now]);
        },
      },
      this.logger,
    );
    result.batches = run.batches;
    result.failed = run.failed.length;
    if (result.sellerResponse + result.infoRequest + result.appealWindow > 0)
      this.logger.log({ ...result }, 'Claims sweep acted on passed deadlines');
    return result;
  }
}
