import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { isFieldName } from '../common/request-shape.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../../config/app-config.js';
import { EmailPreference } from './email-preference.entity.js';
import { CATEGORIES, Category, isCategory, LOCKED_CATEGORIES } from './categories.js';
import {
  BroadcastDto,
  BroadcastView,
  EmailPreferencesView,
  OutboxItemView,
  UpdateEmailPreferencesDto,
} from './notifications.dto.js';
import { verifyUnsubscribeToken } from './unsubscribe-token.js';
import { BroadcastDelivery } from './broadcast-delivery.service.js';
import { BROADCAST_EMAILS, INSERT_BROADCAST, LOCK_BROADCASTS, SET_RECIPIENTS } from './broadcasts.queries.js';
import { OUTBOX_BY_STATUS, OUTBOX_STATUS, RETRY_FAILED } from './outbox.queries.js';

interface OutboxRow {
  id: string;
  kind: string;
  category: string;
  recipient_id: string;
  case_id: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
}

const toOutboxItemView = (row: OutboxRow): OutboxItemView => ({
  id: row.id,
  kind: row.kind,
  category: row.category,
  recipientId: row.recipient_id,
  caseId: row.case_id,
  status: row.status,
  attempts: row.attempts,
  lastError: row.last_error,
  createdAt: row.created_at.toISOString(),
});

/** Email preferences, one-click unsubscribe, broadcasts, and the admin view of the outbox. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(EmailPreference) private readonly choices: Repository<EmailPreference>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly delivery: BroadcastDelivery,
  ) {}

  async preferences(userId: string): Promise<EmailPreferencesView> {
    const rows = await this.choices.findBy({ userId });
    const chosen = new Map(rows.map((row) => [row.category, row.email]));
    return {
      categories: Object.fromEntries(
        CATEGORIES.map((category) => [
          category,
          {
            email: LOCKED_CATEGORIES.has(category) ? true : (chosen.get(category) ?? true),
            locked: LOCKED_CATEGORIES.has(category),
          },
        ]),
      ),
    };
  }

  async updatePreferences(userId: string, dto: UpdateEmailPreferencesDto): Promise<EmailPreferencesView> {
    const changes: [Category, boolean][] = [];
    for (const [category, value] of Object.entries(dto.categories)) {
      const field = `categories.${category}`;
      // The key is the client's own text: named only when it reads as a field name, never echoed otherwise.
      if (!isCategory(category))
        throw DomainError.invalid(
          isFieldName(category) ? field : 'categories',
          `categories may only name ${CATEGORIES.join(', ')}`,
        );
      if (typeof value !== 'object' || value === null || typeof value.email !== 'boolean')
        throw DomainError.invalid(`${field}.email`, `${field}.email must be true or false`);
      if (LOCKED_CATEGORIES.has(category) && value.email === false) {
        throw DomainError.invalid(
          `${field}.email`,
          `${category} email is about your own cases or marketplace notices and cannot be switched off`,
        );
      }
      changes.push([category, value.email]);
    }
    const now = await this.clock.now();
    for (const [category, email] of changes) await this.setPreference(userId, category, email, now);
    return this.preferences(userId);
  }

  /** RFC 8058 one-click unsubscribe: idempotent, no login; a forged or expired token is 400. */
  async unsubscribe(token: string | undefined): Promise<{ unsubscribed: true; category: Category; userId: string }> {
    const claim = this.claimOf(token, await this.clock.now());
    await this.setPreference(claim.userId, claim.category, false, await this.clock.now());
    return { unsubscribed: true, category: claim.category, userId: claim.userId };
  }

  /** What an unsubscribe link would turn off, and whose it is, changing nothing (the page a GET on the link shows); a bad token is 400. */
  async unsubscribeTarget(token: string | undefined): Promise<{ category: Category; userId: string }> {
    const claim = this.claimOf(token, await this.clock.now());
    return { category: claim.category, userId: claim.userId };
  }

  /**
   * A broadcast: its row and its emails in one transaction (100,000 users in
   * seconds); each user's item is made when that user next looks
   * (BroadcastDelivery). Broadcasts take turns (a table lock that readers do
   * not wait for), so they commit in the order of their numbers.
   */
  async broadcast(caller: Caller, dto: BroadcastDto): Promise<BroadcastView> {
    const now = await this.clock.now();
    const sent = await this.db.transaction(async (tx) => {
      await tx.query(LOCK_BROADCASTS);
      const [{ id }]: { id: string }[] = await tx.query(INSERT_BROADCAST, [
        dto.category,
        dto.subject,
        dto.body,
        dto.audience,
        caller.id,
        now,
      ]);
      const [{ recipients, emails }]: { recipients: number; emails: number }[] = await tx.query(BROADCAST_EMAILS, [
        id,
        dto.category,
        dto.subject,
        dto.body,
        now,
        dto.audience,
      ]);
      await tx.query(SET_RECIPIENTS, [id, recipients]);
      await this.audit.record(
        tx,
        caller,
        {
          action: 'broadcast.sent',
          subjectType: 'broadcast',
          subjectId: id,
          after: { category: dto.category, subject: dto.subject, audience: dto.audience, recipients, emails },
        },
        now,
      );
      return { id, recipients, emails };
    });
    this.delivery.forgetLatest();
    return sent;
  }

  async outbox(status = 'failed'): Promise<OutboxItemView[]> {
    const rows: OutboxRow[] = await this.db.query(OUTBOX_BY_STATUS, [status]);
    return rows.map(toOutboxItemView);
  }

  /** A failed email goes back in the queue, with a fresh set of attempts. */
  async retry(id: string): Promise<OutboxItemView> {
    const now = await this.clock.now();
    const rows: OutboxRow[] = isUuid(id) ? await this.db.query(RETRY_FAILED, [id, now]) : [];
    if (rows.length === 0) {
      const [found]: { status: string }[] = isUuid(id) ? await this.db.query(OUTBOX_STATUS, [id]) : [];
      if (!found) throw DomainError.notFound('Email');
      throw new DomainError('forbidden_transition', `Only failed emails can be retried; this one is ${found.status}`, {
        extensions: { currentState: found.status },
      });
    }
    return toOutboxItemView(rows[0]);
  }

  private claimOf(token: string | undefined, now: Date) {
    const claim = token ? verifyUnsubscribeToken(this.config.jwtSecret, token, now) : undefined;
    if (!claim) throw DomainError.invalid('token', 'This unsubscribe link is not valid or has expired');
    return claim;
  }

  private async setPreference(userId: string, category: Category, email: boolean, now: Date): Promise<void> {
    await this.choices.upsert({ userId, category, email, updatedAt: now }, ['userId', 'category']);
  }
}
