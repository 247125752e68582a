import type { Logger } from '@nestjs/common';

/** A sweep over due items in batches (the SLA sweep's cases, the claims sweep's claims). */
export interface BatchSweep {
  /** How many items a batch takes at most: a batch that takes fewer was the last. */
  size: number;
  /** What the items are called in logs ("case", "claim"). */
  item: string;
  /**
   * One batch in its own transaction: the due items (or only `only`),
   * leaving out `skip` (items that failed earlier in this run). Returns how
   * many it took; a batch that throws wrote nothing.
   */
  run(only: string | null, skip: readonly string[]): Promise<number>;
  /** The items the next batch would take, for taking them one at a time after the batch failed. */
  candidates(skip: readonly string[]): Promise<string[]>;
  /** An item failed on its own: record it (in a transaction of its own) for operators. */
  recordFailure(id: string, error: unknown): Promise<void>;
}

export interface BatchSweepResult {
  batches: number;
  /** The items that failed on their own, each recorded and left out of the rest of the run. */
  failed: string[];
}

/**
 * Runs a sweep batch after batch until a batch comes back short. When a
 * batch fails, its items are taken one at a time, so that one bad item
 * cannot stop the rest: an item that fails alone is recorded and left out
 * of the rest of this run (the next run tries it again), and the sweep goes
 * on with the others. The batches keep the sweep's own exactly-once rules
 * (row locks with SKIP LOCKED, unique marks); this only isolates failures.
 */
export async function sweepInBatches(sweep: BatchSweep, logger: Logger): Promise<BatchSweepResult> {
  const failed: string[] = [];
  let batches = 0;
  for (;;) {
    let taken: number;
    try {
      taken = await sweep.run(null, failed);
    } catch (error) {
      logger.warn({ err: error }, `A batch of the sweep failed; retrying its ${sweep.item}s one by one`);
      const candidates = await sweep.candidates(failed);
      for (const id of candidates) {
        try {
          await sweep.run(id, failed);
        } catch (itemError) {
          failed.push(id);
          logger.error({ err: itemError, [`${sweep.item}Id`]: id }, `The sweep could not process a ${sweep.item}`);
          await sweep.recordFailure(id, itemError);
        }
      }
      // A full batch's worth of candidates means there may be more: go on.
      taken = candidates.length;
    }
    batches += 1;
    if (taken < sweep.size) break;
  }
  return { batches, failed };
}

/** An error's message, for a failures table. */
export const failureText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
