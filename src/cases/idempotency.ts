import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';

const IDEMPOTENCY_TTL_MS = 86_400_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw DomainError.invalid('Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  }
}

/**
 * Records the key with this request's case id, or finds the case of the
 * first request with the same key (within 24 hours). A concurrent request
 * with the same key waits on the key's row until the first one commits.
 */
export async function claimIdempotencyKey(tx: EntityManager, userId: string, key: string, requestHash: string, caseId: string, now: Date): Promise<string> {
  const claimed: unknown[] = await tx.query(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, case_id, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, case_id = EXCLUDED.case_id, created_at = EXCLUDED.created_at
       WHERE idempotency_keys.created_at <= $6
     RETURNING case_id`,
    [userId, key, requestHash, caseId, now, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)],
  );
  if (claimed.length === 1) return caseId;
  const [first]: { request_hash: string; case_id: string }[] = await tx.query('SELECT request_hash, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);
  if (first.request_hash !== requestHash) {
    throw new DomainError('conflict', 'This Idempotency-Key was used with a different request body');
  }
  return first.case_id;
}
