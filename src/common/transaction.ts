import type { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL's answer when two transactions wait on each other (deadlock) or cannot both be serialised: try again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

export function isRetryableConflict(error: unknown): boolean {
  const codes = [
    (error as { code?: unknown })?.code,
    (error as { driverError?: { code?: unknown } })?.driverError?.code,
  ];
  return codes.some((code) => typeof code === 'string' && RETRYABLE.has(code));
}

/**
 * A transaction that is run again, from the start, when PostgreSQL aborted it
 * for a deadlock or a serialisation failure: two requests that lock the same
 * rows in different orders (a claim being filed while support resolves the
 * case's escalation) both succeed instead of one failing.
 */
export async function transaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
