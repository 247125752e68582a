import type { CaseNoticeKind, Party } from '../notifications/categories.js';
import type { CaseNotice } from '../notifications/outbox.service.js';
import type { CaseRecord } from './case.entity.js';

/** One notice per party about a case, deduplicated by `key`, kind and party. */
export function caseNotices(
  record: Pick<CaseRecord, 'id' | 'buyerId' | 'sellerId'>,
  kind: CaseNoticeKind,
  parties: Party[],
  at: Date,
  options: { key: string | ((party: Party) => string); extra?: Record<string, unknown>; from?: CaseNotice['from'] },
): CaseNotice[] {
  return parties.map((party) => ({
    kind,
    party,
    recipientId: party === 'buyer' ? record.buyerId : record.sellerId,
    caseId: record.id,
    dedupeKey: typeof options.key === 'function' ? options.key(party) : `${options.key}:${kind}:${party}`,
    payload: { caseId: record.id, role: party, ...options.extra },
    at,
    ...(options.from ? { from: options.from } : {}),
  }));
}
