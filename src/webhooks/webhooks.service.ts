import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { DeliveriesQueryDto, DeliveryPageView, DeliveryView, RegisteredWebhookView, RegisterWebhookDto, WebhookListView, WebhookView } from './webhooks.dto.js';
import { WebhookTargetsService } from './webhook-targets.service.js';
import { WebhookEvent, webhookEventsInsertFrom, WebhookEventType } from './webhooks.js';

const EMIT = webhookEventsInsertFrom(`SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[])`);

interface EndpointRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  type: WebhookEventType;
  endpoint_id: string;
  status: DeliveryView['status'];
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const endpointView = (row: EndpointRow): WebhookView => ({ id: row.id, url: row.url, events: row.events, createdAt: row.created_at.toISOString() });
const deliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  eventId: row.event_id,
  type: row.type,
  endpointId: row.endpoint_id,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
  createdAt: row.created_at.toISOString(),
});

/**
 * The owner of the webhook tables: events are written here in the
 * transaction of the change that causes them (the webhook outbox), and
 * admins register endpoints and look after their deliveries. Sending is
 * WebhookDispatcherService.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly targets: WebhookTargetsService,
  ) {}

  async emit(tx: EntityManager, ...events: WebhookEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.query(EMIT, [events.map((event) => event.type), events.map((event) => JSON.stringify(event.data)), events.map((event) => event.at)]);
  }

  /** The URL must pass the target policy (target-policy.ts) before anything is stored. */
  async register(caller: Caller, dto: RegisterWebhookDto): Promise<RegisteredWebhookView> {
    await this.targets.checkRegistration(dto.url);
    const now = await this.clock.now();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    return this.db.transaction(async (tx) => {
      const [row]: EndpointRow[] = await tx.query(
        `INSERT INTO webhook_endpoints (id, url, events, secret, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, url, events, created_at`,
        [randomUUID(), dto.url, dto.events, secret, caller.id, now],
      );
      await this.audit.record(tx, caller, { action: 'webhook.registered', subjectType: 'webhook', subjectId: row.id, after: { url: row.url, events: row.events } }, now);
      return { ...endpointView(row), secret };
    });
  }

  async list(): Promise<WebhookListView> {
    const rows: EndpointRow[] = await this.db.query(`SELECT id, url, events, created_at FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id`);
    return { items: rows.map(endpointView) };
  }

  /** The endpoint stops receiving events at once; deliveries not yet made are dropped with it. */
  async remove(caller: Caller, id: string): Promise<void> {
    const now = await this.clock.now();
    await this.db.transaction(async (tx) => {
      const rows: EndpointRow[] = isUuid(id)
        ? await tx.query(
            `WITH deleted AS (UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id, url, events, created_at) SELECT * FROM deleted`,
            [id, now],
          )
        : [];
      if (rows.length === 0) throw DomainError.notFound('Webhook');
      await tx.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = 'The endpoint was deleted' WHERE endpoint_id = $1 AND status IN ('pending', 'sending')`, [id]);
      await this.audit.record(tx, caller, { action: 'webhook.deleted', subjectType: 'webhook', subjectId: id, before: { url: rows[0].url, events: rows[0].events } }, now);
    });
  }

  /** An endpoint's deliveries, newest first; `status=failed` lists what needs a retry. */
  async deliveries(endpointId: string, query: DeliveriesQueryDto): Promise<DeliveryPageView> {
    const found: unknown[] = isUuid(endpointId) ? await this.db.query(`SELECT 1 FROM webhook_endpoints WHERE id = $1`, [endpointId]) : [];
    if (found.length === 0) throw DomainError.notFound('Webhook');
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
          AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
        ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
      [endpointId, query.status ?? null, after?.key ?? null, after?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(deliveryView), nextCursor: rows.length > limit ? encodeCursor(last.created_at.toISOString(), last.id) : null };
  }

  /** A failed delivery goes out again now, with a fresh series of attempts; the event id stays the same. */
  async retry(caller: Caller, deliveryId: string): Promise<DeliveryView> {
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      const [row]: DeliveryRow[] = isUuid(deliveryId)
        ? await tx.query(
            `SELECT d.*, e.type, w.deleted_at FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
              WHERE d.id = $1 FOR UPDATE OF d`,
            [deliveryId],
          )
        : [];
      if (!row) throw DomainError.notFound('Delivery');
      if ((row as DeliveryRow & { deleted_at: Date | null }).deleted_at) throw DomainError.notFound('Delivery');
      if (row.status !== 'failed') {
        throw new DomainError('forbidden_transition', `Only a failed delivery can be retried; this one is ${row.status}`, {
          extensions: { currentState: row.status, action: 'retry' },
        });
      }
      const [updated]: DeliveryRow[] = await tx.query(
        `WITH retried AS (UPDATE webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_until = NULL FROM webhook_events e
          WHERE d.id = $1 AND e.id = d.event_id RETURNING d.*, e.type) SELECT * FROM retried`,
        [deliveryId, now],
      );
      await this.audit.record(
        tx,
        caller,
        { action: 'webhook.delivery_retried', subjectType: 'webhook_delivery', subjectId: deliveryId, before: { status: 'failed' }, after: { status: 'pending' } },
        now,
      );
      return deliveryView(updated);
    });
  }
}
