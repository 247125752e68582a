import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FusedWrite } from '../common/database/fused-write.js';
import { inboxNotifySql } from '../inbox/inbox.queries.js';
import { categoryOf, CaseNoticeKind, MESSAGE_NOTICES, Recipient } from './categories.js';
import { type MessagesShown, noticesInsertFrom } from './outbox.queries.js';
import { I18n } from '../i18n/i18n.service.js';
import { noticeTexts } from './templates.js';

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

/**
 * The dedupe key of a reply-window notice: one per cycle, level and party,
 * whoever acts first (the sweep, in SQL, or the buyer, in TypeScript), so
 * both are written from the one list of parts below. Rows already sent carry
 * `<cycle id>:<level>:<party>`: the format cannot change.
 */
const slaNoticeKeyParts = <T>(cycleId: T, level: T, party: T): T[] => [cycleId, level, party];
const SLA_NOTICE_KEY_SEPARATOR = ':';

export const slaNoticeKey = (cycleId: string, level: 'at_risk' | 'late' | 'escalated', party: Recipient): string =>
  slaNoticeKeyParts(cycleId, level, party).join(SLA_NOTICE_KEY_SEPARATOR);

/** slaNoticeKey as an SQL expression of the cycle id, level and party (SQL expressions: the cycle's a uuid, the others text). */
export const slaNoticeKeySql = (cycleId: string, level: string, party: string): string =>
  slaNoticeKeyParts(cycleId, level, party).join(` || '${SLA_NOTICE_KEY_SEPARATOR}' || `);

const NOTICE_COLUMN_TYPES = [
  'text',
  'text',
  'uuid',
  'uuid',
  'text',
  'jsonb',
  'timestamptz',
  'text',
  'uuid',
  'jsonb',
  'jsonb',
];

/**
 * The owner of `outbox`: notices are enqueued here, in the transaction of the
 * change that causes them, as an email each and (through the inbox's SQL) a
 * Message Center item each, in one statement.
 */
@Injectable()
export class OutboxService {
  /** The message CTEs each write's notices show, gathered from every call (`enqueueIn`). */
  private readonly shown = new WeakMap<FusedWrite, MessagesShown>();

  constructor(private readonly i18n: I18n) {}

  async enqueue(tx: EntityManager, ...notices: CaseNotice[]): Promise<void> {
    await this.enqueueIn(new FusedWrite(), notices).run(tx);
  }

  /**
   * Enqueues notices as part of `write` (one set of notice CTEs per
   * statement: every notice given to one write goes through it).
   * `shows` names the CTE that writes the message they show (of a case or
   * of a claim), when the same statement writes it; what every call of one
   * write names counts (two calls naming different CTEs for one kind are a
   * mistake, and throw).
   */
  enqueueIn(write: FusedWrite, notices: CaseNotice[], shows?: MessagesShown): FusedWrite {
    if (notices.length === 0) return write;
    // Fails early, in TypeScript, for a kind that is not sent to that recipient.
    for (const notice of notices) categoryOf(notice.kind, notice.party);
    const shown = this.shown.get(write) ?? {};
    for (const kind of ['case', 'claim'] as const) {
      const cte = shows?.[kind];
      if (cte === undefined) continue;
      if (shown[kind] !== undefined && shown[kind] !== cte)
        throw new Error(`Notices of one write show ${kind} messages of one CTE`);
      shown[kind] = cte;
    }
    this.shown.set(write, shown);
    return write.gather('notices', notices, (all) => {
      const texts = all.map((notice) =>
        MESSAGE_NOTICES.has(notice.kind)
          ? null
          : noticeTexts(
              notice.kind,
              { role: notice.party, ...notice.payload },
              notice.at,
              notice.caseId !== null,
              this.i18n,
            ),
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
        texts.map((text) => (text ? JSON.stringify(text.titles) : null)),
        texts.map((text) => (text ? JSON.stringify(text.texts) : null)),
      ].map((column, index) => [column, NOTICE_COLUMN_TYPES[index]] as const);
      write.withList(noticesInsertFrom(write.rows(columns), shown));
      write.output(`${inboxNotifySql()} AS notified_users`);
    });
  }
}
