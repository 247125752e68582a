import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { categoryOf, CaseNoticeKind, categorySql, Party } from './categories.js';

/** A notice about a case to one of its parties. */
export interface CaseNotice {
  kind: CaseNoticeKind;
  party: Party;
  recipientId: string;
  caseId: string;
  /** Unique per notice: the same key twice is one email. */
  dedupeKey: string;
  payload: Record<string, unknown>;
  at: Date;
}

/** The dedupe key of a reply-window notice: one per cycle, level and party, whoever acts first (the sweep or the buyer). */
export const slaNoticeKey = (cycleId: string, level: 'at_risk' | 'late' | 'escalated', party: Party): string => `${cycleId}:${level}:${party}`;

/**
 * The columns a set-based writer selects for `outboxInsertFrom`, in this
 * order: kind, party, recipient_id, case_id, dedupe_key, payload, at. The
 * category is derived from kind and party, never left to a default.
 */
export function outboxInsertFrom(select: string): string {
  return `INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
  SELECT kind, ${categorySql('kind', 'party')}, recipient_id, case_id, dedupe_key, payload, at, at
    FROM (${select}) AS notice_rows (kind, party, recipient_id, case_id, dedupe_key, payload, at)
  ON CONFLICT (dedupe_key) DO NOTHING`;
}

const ENQUEUE = outboxInsertFrom(`SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::jsonb[], $7::timestamptz[])`);

/** The owner of `outbox`: notices are enqueued here, in the transaction of the change that causes them. */
@Injectable()
export class OutboxService {
  async enqueue(tx: EntityManager, ...notices: CaseNotice[]): Promise<void> {
    if (notices.length === 0) return;
    // Fails early, in TypeScript, for a kind that is not sent to that party.
    for (const notice of notices) categoryOf(notice.kind, notice.party);
    await tx.query(ENQUEUE, [
      notices.map((notice) => notice.kind),
      notices.map((notice) => notice.party),
      notices.map((notice) => notice.recipientId),
      notices.map((notice) => notice.caseId),
      notices.map((notice) => notice.dedupeKey),
      notices.map((notice) => JSON.stringify(notice.payload)),
      notices.map((notice) => notice.at),
    ]);
  }
}
