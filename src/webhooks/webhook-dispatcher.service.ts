import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../common/clock.js';
import { backoffMs } from '../notifications/outbox-dispatcher.service.js';
import { attemptFailure, NoAnswerInTimeError, statusFailure } from './delivery-failure.js';
import { deliveryRefusalMessage } from './target-policy.js';
import { WebhookTargetsService } from './webhook-targets.service.js';
import { signatureHeader } from './webhooks.js';
import { CLAIM, DELIVERED, FAILED, FAN_OUT, TRY_LATER } from './webhooks.queries.js';

export const WEBHOOK_BATCH = 100;
/** How long a claimed delivery is one sender's before another may take it (the sender died). */
const LEASE_MS = 120_000;

interface Claimed {
  id: string;
  attempts: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
  url: string;
  secret: string;
}

export interface WebhookDispatchResult {
  events: number;
  delivered: number;
  retried: number;
  failed: number;
}

/**
 * Sends webhook deliveries: a signed POST per delivery, outside any
 * transaction, with the event's own id, so a receiver can tell a retry from
 * a new event. A 2xx is delivered; anything else (another status, a timeout,
 * a closed connection, a target the policy refuses) is tried again with
 * backoff, and failed for good after WEBHOOK_MAX_ATTEMPTS. What went wrong
 * is recorded in words, without addresses or system error codes.
 */
@Injectable()
export class WebhookDispatcherService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly targets: WebhookTargetsService,
  ) {}

  async dispatch(maxBatches = 20): Promise<WebhookDispatchResult> {
    const result: WebhookDispatchResult = { events: 0, delivered: 0, retried: 0, failed: 0 };
    const now = await this.clock.now();
    for (let batch = 0; batch < maxBatches; batch++) {
      const [{ events }]: { events: number }[] = await this.db.query(FAN_OUT, [now, WEBHOOK_BATCH * 10]);
      result.events += events;
      if (events < WEBHOOK_BATCH * 10) break;
    }
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows: Claimed[] = await this.db.query(CLAIM, [now, WEBHOOK_BATCH, new Date(now.getTime() + LEASE_MS)]);
      await Promise.all(rows.map((row) => this.deliver(row, now, result)));
      if (rows.length < WEBHOOK_BATCH) break;
    }
    return result;
  }

  private async deliver(row: Claimed, now: Date, result: WebhookDispatchResult): Promise<void> {
    const body = JSON.stringify({
      id: row.event_id,
      type: row.type,
      createdAt: row.created_at.toISOString(),
      data: row.data,
    });
    let status: number | null = null;
    let error: string | null = null;
    // Endpoints stored before the policy, or registered while it was off, are checked here too.
    const refusal = this.targets.refusal(row.url);
    if (refusal) {
      error = deliveryRefusalMessage(refusal);
    } else {
      try {
        status = await this.post(new URL(row.url), body, {
          'Content-Type': 'application/json',
          'User-Agent': 'Parley-Webhooks/1',
          'Parley-Event-Id': row.event_id,
          // Receivers check the signature's age against their own clock, so it is signed with real time, not Parley's (maybe simulated) clock.
          'Parley-Signature': signatureHeader(row.secret, body, Math.floor(Date.now() / 1000)),
        });
        if (status < 200 || status > 299) error = statusFailure(status);
      } catch (caught) {
        error = attemptFailure(caught);
        this.logger.debug({ deliveryId: row.id, err: caught }, 'A webhook delivery attempt got no answer');
      }
    }
    if (error === null) {
      await this.db.query(DELIVERED, [row.id, now, status]);
      result.delivered += 1;
    } else if (row.attempts >= this.config.env.WEBHOOK_MAX_ATTEMPTS) {
      await this.db.query(FAILED, [row.id, status, error.slice(0, 1000)]);
      result.failed += 1;
      this.logger.warn({ deliveryId: row.id, eventId: row.event_id, err: error }, 'A webhook delivery failed for good');
    } else {
      await this.db.query(TRY_LATER, [
        row.id,
        new Date(now.getTime() + backoffMs(row.attempts)),
        status,
        error.slice(0, 1000),
      ]);
      result.retried += 1;
    }
  }

  /**
   * One POST; resolves with the answer's status once its headers arrive
   * (the body is not read). Redirects are not followed. The connection
   * resolves names through the target policy's lookup, so the address
   * checked is the address connected to.
   */
  private post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const timeoutMs = this.config.env.WEBHOOK_TIMEOUT_MS;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
          lookup: this.targets.lookup,
          agent: false,
        },
        (response) => {
          clearTimeout(timer);
          response.destroy();
          resolve(response.statusCode ?? 0);
        },
      );
      const timer = setTimeout(() => request.destroy(new NoAnswerInTimeError(timeoutMs)), timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }
}
