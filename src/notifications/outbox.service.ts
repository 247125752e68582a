import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FusedWrite } from '../common/database/fused-write.js';
import { inboxDeliverCtes, inboxNotifySql } from '../inbox/inbox.queries.js';
import { categoryOf, CaseNoticeKind, categorySql, MESSAGE_NOTICES, Recipient } from './categories.js';
import { noticeText, CASE_SUBJECT_SLOT } from './templates.js';

export type SenderKind = 'marketplace' | 'seller' | 'buyer' | 'support';

/** A notice to one user: an email (through the outbox) and a Message Center item, from the same row. */
export interface CaseNotice {
  kind: CaseNoticeKind;
  party: Recipient;
  recipientId: string;
  caseId: string | null;
  /** Unique per notice: the same key twice is one email and one item. */
  dedupeKey: string;
  payload: Record<string, unknown>;
  at: Date;
  /** Who the item is from; the marketplace (verified) unless a person wrote it. */
  from?: { kind: SenderKind; id: string | null };
}

/** The dedupe key of a reply-window notice: one per cycle, level and party, whoever acts first (the sweep or the buyer). */
export const slaNoticeKey = (cycleId: string, level: 'at_risk' | 'late' | 'escalated', party: Recipient): string => `${cycleId}:${level}:${party}`;

/**
 * The CTEs that turn notice rows into outbox rows (email) and Message Center
 * items in one go. `select` yields, in this order: kind, party, recipient_id,
 * case_id, dedupe_key, payload, at, sender_kind, sender_id, title, text.
 * A notice whose dedupe key was already used makes neither. An item that
 * shows a message (title null) takes the case's subject as the recipient
 * sees it and the message as the recipient sees it; `{{case}}` in a title or
 * text becomes that subject. Defines `notice_rows`, `notified` (the outbox
 * rows), `notice_items` and the inbox CTEs; splice into a WITH list and put
 * `inboxNotifySql()` in the final SELECT. `messages` is where the messages
 * that notices show are found: a CTE's name when the statement writes them.
 */
export function noticesInsertFrom(select: string, messages = 'messages'): string {
  const caseSubject = `CASE WHEN n.party = 'buyer' THEN COALESCE(c.subject_original, c.subject) ELSE c.subject END`;
  const quotedSubject = `COALESCE(left(${caseSubject}, 80), 'your case')`;
  return `notice_rows AS (
  SELECT * FROM (${select}) AS notice_rows (kind, party, recipient_id, case_id, dedupe_key, payload, at, sender_kind, sender_id, title, text)
),
notified AS (
  INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
  SELECT kind, ${categorySql('kind', 'party')}, recipient_id, case_id, dedupe_key, payload, at, at FROM notice_rows
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key, category
),
notice_items AS (
  SELECT o.id AS outbox_id, n.recipient_id AS user_id, o.category, n.kind, n.sender_kind, n.sender_id,
         CASE n.sender_kind WHEN 'marketplace' THEN 'Marketplace' WHEN 'support' THEN 'Customer service' ELSE COALESCE(s.display_name, 'A user') END AS sender_name,
         COALESCE(replace(n.title, '${CASE_SUBJECT_SLOT}', ${quotedSubject}), ${caseSubject}, '') AS subject,
         COALESCE(replace(n.text, '${CASE_SUBJECT_SLOT}', ${quotedSubject}), m.visible_body, cm.visible_body, '') AS body,
         n.case_id, COALESCE((n.payload->>'orderId')::uuid, c.order_id) AS order_id, COALESCE((n.payload->>'claimId')::uuid, c.claim_id) AS claim_id,
         COALESCE(n.payload->>'messageId', n.payload->>'claimMessageId')::uuid AS message_id, n.at, n.dedupe_key AS ord
    FROM notified o
    JOIN notice_rows n ON n.dedupe_key = o.dedupe_key
    LEFT JOIN users s ON s.id = n.sender_id
    LEFT JOIN cases c ON c.id = n.case_id
    LEFT JOIN ${messages} m ON m.id = (n.payload->>'messageId')::uuid
    LEFT JOIN claim_messages cm ON cm.id = (n.payload->>'claimMessageId')::uuid
),
${inboxDeliverCtes('notice_items')}`;
}

const NOTICE_COLUMN_TYPES = ['text', 'text', 'uuid', 'uuid', 'text', 'jsonb', 'timestamptz', 'text', 'uuid', 'text', 'text'];

/**
 * The owner of `outbox`: notices are enqueued here, in the transaction of the
 * change that causes them, as an email each and (through the inbox's SQL) a
 * Message Center item each, in one statement.
 */
@Injectable()
export class OutboxService {
  async enqueue(tx: EntityManager, ...notices: CaseNotice[]): Promise<void> {
    await this.enqueueIn(new FusedWrite(), notices).run(tx);
  }

  /**
   * Enqueues notices as part of `write` (one set of notice CTEs per
   * statement: every notice given to one write goes through it).
   * `messages` names the CTE that writes the messages they show, when the
   * same statement writes them (the first call's counts for the write).
   */
  enqueueIn(write: FusedWrite, notices: CaseNotice[], messages?: string): FusedWrite {
    if (notices.length === 0) return write;
    // Fails early, in TypeScript, for a kind that is not sent to that recipient.
    for (const notice of notices) categoryOf(notice.kind, notice.party);
    return write.gather('notices', notices, (all) => {
      const texts = all.map((notice) =>
        MESSAGE_NOTICES.has(notice.kind) ? null : noticeText(notice.kind, { role: notice.party, ...notice.payload }, notice.at, notice.caseId !== null),
      );
      const columns = [
        all.map((notice) => notice.kind),
        all.map((notice) => notice.party),
        all.map((notice) => notice.recipientId),
        all.map((notice) => notice.caseId),
        all.map((notice) => notice.dedupeKey),
        all.map((notice) => JSON.stringify(notice.payload)),
        all.map((notice) => notice.at),
        all.map((notice) => notice.from?.kind ?? 'marketplace'),
        all.map((notice) => notice.from?.id ?? null),
        texts.map((text) => text?.title ?? null),
        texts.map((text) => text?.text ?? null),
      ].map((column, index) => [column, NOTICE_COLUMN_TYPES[index]] as const);
      write.withList(noticesInsertFrom(write.rows(columns), messages));
      write.output(`${inboxNotifySql()} AS notified_users`);
    });
  }
}
