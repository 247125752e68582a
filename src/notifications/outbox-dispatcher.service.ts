import { I18n } from '../i18n/i18n.service.js';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Category, LOCKED_CATEGORIES } from './categories.js';
import { CLAIM_BATCH, FINISH, SEND_LATER } from './outbox.queries.js';
import { Mailer } from './mailer.js';
import { payloadContext, renderEmail } from './templates.js';
import { signUnsubscribeToken } from './unsubscribe-token.js';

export const DISPATCH_BATCH = 500;
/** How long a claimed row is a sender's before another dispatcher may take it (the sender crashed). */
export const LEASE_MS = 120_000;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 6 * 3_600_000;

interface Claimed {
  id: string;
  kind: string;
  category: Category;
  created_at: Date;
  attempts: number;
  payload: Record<string, unknown>;
  case_id: string | null;
  recipient_email: string;
  recipient_name: string;
  recipient_locale: string | null;
  recipient_id: string;
  wants_email: boolean | null;
  case_subject: string | null;
  message_body: string | null;
  item_id: string | null;
  /** The zone the reader chose, else a seller's calendar's; null: UTC. */
  recipient_zone: string | null;
}

export interface DispatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/** Exponential backoff with full jitter: up to base·2^(attempt−1), capped. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The transactional outbox's dispatcher. It claims due rows in a short
 * transaction (FOR UPDATE SKIP LOCKED, then a lease), sends them outside any
 * transaction, and records each outcome. A dispatcher that dies mid-batch
 * leaves its rows leased; when the lease ends another one sends them again,
 * with the same Message-ID, so a duplicate is recognisable as the same email.
 */
@Injectable()
export class OutboxDispatcherService implements OnModuleDestroy {
  private readonly logger = new Logger('OutboxDispatcher');
  readonly mailer: Mailer;
  private readonly domain: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly i18n: I18n,
  ) {
    const env = config.env;
    this.mailer = new Mailer(env.MAIL_FROM, env.SMTP_URL, resolve(env.DATA_DIR, 'mail'));
    this.domain = /@([^>\s]+)/.exec(env.MAIL_FROM)?.[1] ?? 'parley.local';
  }

  onModuleDestroy(): void {
    this.mailer.close();
  }

  /** Dispatches until nothing is due (or `maxBatches` batches). */
  async dispatch(maxBatches = 50): Promise<DispatchResult> {
    const total: DispatchResult = { claimed: 0, sent: 0, retried: 0, failed: 0, skipped: 0 };
    for (let batch = 0; batch < maxBatches; batch++) {
      const result = await this.dispatchBatch();
      for (const key of Object.keys(total) as (keyof DispatchResult)[]) total[key] += result[key];
      if (result.claimed < DISPATCH_BATCH) break;
    }
    return total;
  }

  messageIdOf(outboxId: string): string {
    return `<outbox-${outboxId}@${this.domain}>`;
  }

  private async dispatchBatch(): Promise<DispatchResult> {
    const now = await this.clock.now();
    const rows: Claimed[] = await this.db.query(CLAIM_BATCH, [now, DISPATCH_BATCH, new Date(now.getTime() + LEASE_MS)]);
    const result: DispatchResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0, skipped: 0 };
    const sent: string[] = [];
    const skipped: string[] = [];
    await Promise.all(
      rows.map(async (row) => {
        if (row.wants_email === false && !LOCKED_CATEGORIES.has(row.category)) {
          skipped.push(row.id);
          return;
        }
        try {
          await this.mailer.send(this.compose(row, now));
          sent.push(row.id);
        } catch (error) {
          const message = String((error as Error).message ?? error).slice(0, 1000);
          if (row.attempts >= this.config.env.EMAIL_MAX_ATTEMPTS) {
            await this.finish([row.id], 'failed', now, message);
            result.failed += 1;
            this.metrics.emailsFailed.inc();
            this.logger.error({ outboxId: row.id, err: message }, 'An email failed for good');
          } else {
            await this.db.query(SEND_LATER, [row.id, new Date(now.getTime() + backoffMs(row.attempts)), message]);
            result.retried += 1;
          }
        }
      }),
    );
    // One statement per outcome, not per email: the round trips were the dispatcher's main cost.
    await this.finish(sent, 'sent', now);
    await this.finish(skipped, 'skipped', now);
    result.sent = sent.length;
    result.skipped = skipped.length;
    this.metrics.emailsSent.inc(sent.length);
    return result;
  }

  private async finish(ids: string[], status: 'sent' | 'failed' | 'skipped', now: Date, error?: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(FINISH, [ids, status, now, error ?? null]);
  }

  private compose(row: Claimed, now: Date) {
    const env = this.config.env;
    const base = env.PUBLIC_URL.replace(/\/$/, '');
    const payload = row.payload ?? {};
    const category = row.category;
    const unsubscribeUrl = LOCKED_CATEGORIES.has(category)
      ? null
      : `${base}/unsubscribe?token=${signUnsubscribeToken(this.config.jwtSecret, { userId: row.recipient_id, category }, now)}`;
    const rendered = renderEmail({
      ...payloadContext(row.kind, payload, row.created_at),
      i18n: this.i18n.for(row.recipient_locale),
      recipientName: row.recipient_name,
      readerZone: row.recipient_zone,
      caseId: row.case_id,
      caseSubject: row.case_subject,
      caseUrl: row.case_id ? `${base}/app/cases/${row.case_id}` : null,
      claimUrl: typeof payload.claimId === 'string' ? `${base}/app/claims/${payload.claimId}` : null,
      itemUrl: row.item_id ? `${base}/app/inbox/${row.item_id}` : null,
      messageExcerpt: row.message_body ? row.message_body.slice(0, 500) : null,
      unsubscribeUrl,
    });
    const headers: Record<string, string> = { 'X-Parley-Outbox-Id': row.id, 'X-Parley-Kind': row.kind };
    if (unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    return { to: row.recipient_email, ...rendered, messageId: this.messageIdOf(row.id), headers };
  }
}
