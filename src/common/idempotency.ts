import type { EntityManager } from 'typeorm';
import { DomainError } from './domain-error.js';

const IDEMPOTENCY_TTL_MS = 86_400_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw DomainError.invalid('Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  }
}

/** What an idempotency key creates: a case, or a claim (each has its own table of keys). */
const KEYS = {
  case: { table: 'idempotency_keys', column: 'case_id' },
  claim: { table: 'claim_idempotency_keys', column: 'claim_id' },
} as const;

/**
 * Records the key with this request's new id, or finds the id created by the
 * first request with the same key (within 24 hours). A concurrent request
 * with the same key waits on the key's row until the first one commits.
 */
export async function claimIdempotencyKey(
  tx: EntityManager,
  creates: keyof typeof KEYS,
  userId: string,
  key: string,
  requestHash: string,
  id: string,
  now: Date,
): Promise<string> {
  const { table, column } = KEYS[creates];
  const claimed: unknown[] = await tx.query(
    `INSERT INTO ${table} (user_id, key, request_hash, ${column}, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, ${column} = EXCLUDED.${column}, created_at = EXCLUDED.created_at
       WHERE ${table}.created_at <= $6
     RETURNING ${column}`,
    [userId, key, requestHash, id, now, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)],
  );
  if (claimed.length === 1) return id;
  const [first]: { request_hash: string; id: string }[] = await tx.query(
    `SELECT request_hash, ${column} AS id FROM ${table} WHERE user_id = $1 AND key = $2`,
    [userId, key],
  );
  if (first.request_hash !== requestHash) {
    throw new DomainError('conflict', 'This Idempotency-Key was used with a different request body');
  }
  return first.id;
}
