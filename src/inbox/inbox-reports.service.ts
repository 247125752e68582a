import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isSupport } from '../access/access.js';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CasesService } from '../cases/cases.service.js';
import { ClaimsService } from '../claims/claims.service.js';
import { Clock } from '../common/clock.js';
import type { ConversationKind } from '../conversations/conversation.js';
import { EARLIER_REPORT } from './inbox.queries.js';
import {
  DECIDE_REPORT,
  INSERT_REPORT,
  LINK_REPORT_ESCALATION,
  MESSAGE_KIND,
  REPORT_BY_ID,
  REPORT_LOCKED,
  REPORTABLE_ITEM,
  REPORTS_WITH_STATUS,
} from './inbox-reports.queries.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { transaction } from '../common/transaction.js';
import { BroadcastDelivery } from '../notifications/broadcast-delivery.service.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import { DecideReportDto, ReportDto, ReportView } from './inbox.dto.js';
import { InboxService } from './inbox.service.js';

/** Items that show a message on a case (the other kinds with a message show a claim message). */
const CASE_MESSAGE_KINDS = ['case_opened', 'new_message', 'support_message'];

interface ReportRow {
  id: string;
  item_id: string | null;
  reporter_id: string;
  sender_id: string | null;
  message_id: string | null;
  /** Which conversation's message it is: known from the report itself, so a purged item does not lose it. */
  message_kind: ConversationKind | null;
  case_id: string | null;
  claim_id: string | null;
  escalation_id: string | null;
  reason: string | null;
  status: ReportView['status'];
  created_at: Date;
  subject: string | null;
  body: string | null;
  kind: string | null;
}

const toView = (row: ReportRow): ReportView => ({
  id: row.id,
  itemId: row.item_id,
  reporterId: row.reporter_id,
  senderId: row.sender_id,
  escalationId: row.escalation_id,
  reason: row.reason,
  status: row.status,
  subject: row.subject ?? '',
  body: row.body ?? '',
  createdAt: row.created_at.toISOString(),
});

/**
 * Phishing reports (docs/inbox.md): any user reports an item of theirs as
 * suspicious; it disappears for them and support gets an escalation. An agent
 * confirms (the message is quarantined for every recipient and counts against
 * its sender) or dismisses (the item comes back to the reporter).
 */
@Injectable()
export class InboxReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly inbox: InboxService,
    private readonly escalations: EscalationsService,
    private readonly cases: CasesService,
    private readonly claims: ClaimsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly broadcasts: BroadcastDelivery,
  ) {}

  async report(caller: Caller, itemId: string, dto: ReportDto): Promise<ReportView> {
    await this.broadcasts.deliver(caller.id);
    const now = await this.clock.now();
    return transaction(this.db, async (tx) => {
      const [item]: {
        id: string;
        kind: string;
        sender_id: string | null;
        message_id: string | null;
        case_id: string | null;
        claim_id: string | null;
      }[] = isUuid(itemId) ? await tx.query(REPORTABLE_ITEM, [itemId, caller.id]) : [];
      if (!item) throw DomainError.notFound('Message');
      // One report per item and reporter: an item back in view after support dismissed its report is not reviewed twice. (While a
      // report is open, or after one was confirmed, the item is hidden from its reporter: not found above.)
      const [earlier]: { id: string; status: ReportView['status'] }[] = await tx.query(EARLIER_REPORT, [
        item.id,
        caller.id,
      ]);
      if (earlier) {
        const detail =
          earlier.status === 'open'
            ? 'You already reported this message; support is reviewing it'
            : 'You already reported this message and support reviewed it';
        throw new DomainError('conflict', detail, {
          extensions: { reportId: earlier.id, reportStatus: earlier.status },
        });
      }
      const id = randomUUID();
      const messageKind: ConversationKind | null =
        item.message_id === null ? null : CASE_MESSAGE_KINDS.includes(item.kind) ? 'case' : 'claim';
      await tx.query(INSERT_REPORT, [
        id,
        item.id,
        caller.id,
        item.sender_id,
        item.message_id,
        messageKind,
        item.case_id,
        item.claim_id,
        dto.reason ?? null,
        now,
      ]);
      const escalation = await this.escalations.open(tx, {
        caseId: item.case_id,
        claimId: item.claim_id,
        reportId: id,
        messageId: messageKind === 'case' ? item.message_id : null,
        reason: 'phishing_report',
        priority: 'high',
        now,
      });
      await tx.query(LINK_REPORT_ESCALATION, [id, escalation.id]);
      await this.inbox.change(tx, 'hide', 'i.id = $1', [item.id], now);
      return this.view(tx, id);
    });
  }

  /** Reports for support, newest first; `status` narrows (open by default). */
  async list(status: ReportView['status'] = 'open'): Promise<ReportView[]> {
    const rows: ReportRow[] = await this.db.query(REPORTS_WITH_STATUS, [status]);
    return rows.map(toView);
  }

  async confirm(caller: Caller, reportId: string, dto: DecideReportDto): Promise<ReportView> {
    return this.decide(caller, reportId, 'confirmed', dto, async (tx, report, now) => {
      const actor = { id: caller.id, role: caller.role };
      if (!report.message_id) return;
      // Whoever else received the same message no longer sees it either.
      await this.inbox.change(tx, 'hide', 'i.message_id = $1', [report.message_id], now);
      // A report made before its kind was recorded (or by an older instance) finds it from the message itself.
      const kind =
        report.message_kind ??
        (await tx.query<{ kind: ConversationKind | null }[]>(MESSAGE_KIND, [report.message_id]))[0].kind;
      if (kind === 'case') await this.cases.quarantineReported(tx, report.message_id, actor, report.id, now);
      if (kind === 'claim') await this.claims.quarantineReported(tx, report.message_id, actor, report.id, now);
    });
  }

  async dismiss(caller: Caller, reportId: string, dto: DecideReportDto): Promise<ReportView> {
    return this.decide(caller, reportId, 'dismissed', dto, async (tx, report, now) => {
      if (report.item_id) await this.inbox.change(tx, 'show', 'i.id = $1', [report.item_id], now);
    });
  }

  private async decide(
    caller: Caller,
    reportId: string,
    verdict: 'confirmed' | 'dismissed',
    dto: DecideReportDto,
    apply: (tx: EntityManager, report: ReportRow, now: Date) => Promise<void>,
  ): Promise<ReportView> {
    if (!isSupport(caller)) throw DomainError.notFound('Report');
    const now = await this.clock.now();
    return transaction(this.db, async (tx) => {
      const [report]: ReportRow[] = isUuid(reportId) ? await tx.query(REPORT_LOCKED, [reportId]) : [];
      if (!report) throw DomainError.notFound('Report');
      if (report.status !== 'open') {
        throw new DomainError('forbidden_transition', `This report was already ${report.status}`, {
          extensions: { currentState: report.status, action: verdict },
        });
      }
      await apply(tx, report, now);
      await tx.query(DECIDE_REPORT, [report.id, verdict, caller.id, now]);
      const escalation = report.escalation_id ? await this.escalations.lock(tx, report.escalation_id) : null;
      if (escalation && escalation.status !== 'resolved')
        await this.escalations.resolve(tx, escalation, `phishing_${verdict}`, dto.note ?? null, now);
      await this.audit.record(
        tx,
        caller,
        {
          action: `report.${verdict}`,
          subjectType: 'report',
          subjectId: report.id,
          before: { status: 'open' },
          after: { status: verdict },
        },
        now,
      );
      return this.view(tx, report.id);
    });
  }

  private async view(tx: EntityManager, id: string): Promise<ReportView> {
    const [row]: ReportRow[] = await tx.query(REPORT_BY_ID, [id]);
    return toView(row);
  }
}
