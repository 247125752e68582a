import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { EscalationsService } from '../support/escalations.service.js';
import { Claim } from './claim.entity.js';
import { ClaimChange, ClaimsService } from './claims.service.js';

export const CLAIMS_SWEEP_BATCH = 200;

export interface ClaimsSweepResult {
  sellerResponse: number;
  infoRequest: number;
  appealWindow: number;
  batches: number;
}

/**
 * The `claims-sweep` job: acts on passed claim deadlines (the seller's
 * response, an info request, the appeal window) exactly once each, on any
 * number of instances. Each batch takes due claims with FOR UPDATE SKIP
 * LOCKED, so instances never take the same claim at once, and marks each
 * deadline in `claim_deadline_actions` (unique per claim, deadline and due
 * instant), so a deadline already acted on is never acted on again. The
 * rules are ClaimsService's, through the claim state machine.
 */
@Injectable()
export class ClaimsSweepService {
  private readonly logger = new Logger('ClaimsSweep');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly claims: ClaimsService,
    private readonly escalations: EscalationsService,
    private readonly clock: Clock,
  ) {}

  async sweep(batchSize = CLAIMS_SWEEP_BATCH): Promise<ClaimsSweepResult> {
    const now = await this.clock.now();
    const escalationDue = await this.escalations.firstDeadline(this.db.manager, now);
    const result: ClaimsSweepResult = { sellerResponse: 0, infoRequest: 0, appealWindow: 0, batches: 0 };
    for (;;) {
      const claimed = await this.db.transaction(async (tx) => {
        const due = await tx.find(Claim, {
          where: { nextDeadlineAt: LessThanOrEqual(now) },
          order: { nextDeadlineAt: 'ASC' },
          take: batchSize,
          lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
        });
        const change: ClaimChange = { events: [], notices: [], hooks: [] };
        for (const claim of due) {
          const acted = await this.claims.actOnDeadline(tx, claim, now, escalationDue, change);
          if (acted === 'seller_response') result.sellerResponse += 1;
          if (acted === 'info_request') result.infoRequest += 1;
          if (acted === 'appeal_window') result.appealWindow += 1;
          if (acted) claim.updatedAt = now;
          await this.claims.persist(tx, claim);
        }
        await this.claims.record(tx, change);
        return due.length;
      });
      result.batches += 1;
      if (claimed < batchSize) break;
    }
    if (result.sellerResponse + result.infoRequest + result.appealWindow > 0) this.logger.log({ ...result }, 'Claims sweep acted on passed deadlines');
    return result;
  }
}
