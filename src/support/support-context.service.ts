import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isSupport } from '../access/access.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import type { Money } from '../common/money.js';
import { ESCALATIONS_ABOUT, REPORTS_ABOUT } from './support.queries.js';

/** Who and what an escalation is about, for a queue row. */
export interface EscalationAbout {
  caseId: string | null;
  subject: string | null;
  listingRef: string | null;
  buyerId: string | null;
  sellerId: string | null;
  order: { id: string; externalId: string; total: Money } | null;
}

/** Where a reported message is and what it said, for support's review. */
export interface ReportAbout {
  /** The conversation the message is in: a case's or a claim's page. */
  conversation: { kind: 'case' | 'claim'; id: string } | null;
  /** The message as its author wrote it; null when the report is about a marketplace notice. */
  messageBody: string | null;
  sentAt: string | null;
}

/** What support's pages show beside escalations and phishing reports, one statement per page whatever its length. */
@Injectable()
export class SupportContextService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async escalations(caller: Caller, ids: readonly string[]): Promise<Map<string, EscalationAbout>> {
    if (!isSupport(caller)) throw DomainError.notFound('Escalation');
    if (ids.length === 0) return new Map();
    const rows: {
      id: string;
      case_id: string | null;
      subject: string | null;
      listing_ref: string | null;
      buyer_id: string | null;
      seller_id: string | null;
      order_id: string | null;
      order_ref: string | null;
      total_amount: string | null;
      currency: string | null;
    }[] = await this.db.query(ESCALATIONS_ABOUT, [ids]);
    return new Map(
      rows.map((row) => [
        row.id,
        {
          caseId: row.case_id,
          subject: row.subject,
          listingRef: row.listing_ref,
          buyerId: row.buyer_id,
          sellerId: row.seller_id,
          order:
            row.order_id && row.order_ref && row.total_amount !== null && row.currency
              ? {
                  id: row.order_id,
                  externalId: row.order_ref,
                  total: { amount: Number(row.total_amount), currency: row.currency },
                }
              : null,
        },
      ]),
    );
  }

  async reports(caller: Caller, ids: readonly string[]): Promise<Map<string, ReportAbout>> {
    if (!isSupport(caller)) throw DomainError.notFound('Report');
    if (ids.length === 0) return new Map();
    const rows: {
      id: string;
      case_id: string | null;
      claim_id: string | null;
      message_kind: 'case' | 'claim' | null;
      message_body: string | null;
      sent_at: Date | null;
    }[] = await this.db.query(REPORTS_ABOUT, [ids]);
    return new Map(
      rows.map((row) => {
        // A claim's message is read on the claim's page; a case's (or, without a message, the case it came from) on the case's.
        const conversation =
          row.message_kind === 'claim' && row.claim_id
            ? { kind: 'claim' as const, id: row.claim_id }
            : row.case_id
              ? { kind: 'case' as const, id: row.case_id }
              : row.claim_id
                ? { kind: 'claim' as const, id: row.claim_id }
                : null;
        return [
          row.id,
          { conversation, messageBody: row.message_body, sentAt: row.sent_at ? row.sent_at.toISOString() : null },
        ];
      }),
    );
  }
}
