import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { FusedWrite } from '../common/database/fused-write.js';
import { AuditService } from '../audit/audit.service.js';
import { personOf, type Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import {
  DeliveriesQueryDto,
  DeliveryPageView,
  DeliveryView,
  RegisteredWebhookView,
  RegisterWebhookDto,
  WebhookListView,
  WebhookView,
} from './webhooks.dto.js';
import { WebhookTargetsService } from './webhook-targets.service.js';
import {
  DELIVERIES_PAGE,
  DELIVERY_FOR_RETRY,
  DROP_UNSENT_DELIVERIES,
  EMIT,
  ENDPOINT_EXISTS,
  ENDPOINTS,
  REGISTER_ENDPOINT,
  REMOVE_ENDPOINT,
  RETRY_DELIVERY,
} from './webhooks.queries.js';
import { WebhookEvent, webhookEventsInsertFrom, WebhookEventType } from './webhooks.js';

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

const endpointView = (row: EndpointRow): WebhookView => ({
  id: row.id,
  url: row.url,
  events: row.events,
  createdAt: row.created_at.toISOString(),
});
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
    await tx.query(EMIT, [
      events.map((event) => event.type),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => event.at),
    ]);
  }

  /** Emits events as part of `write`: every event given to one write lands in one INSERT, in the order given. */
  emitIn(write: FusedWrite, ...events: WebhookEvent[]): FusedWrite {
    if (events.length === 0) return write;
    return write.gather('webhook_events', events, (all) => {
      const rows = write.rows([
        [all.map((event) => event.type), 'text'],
        [all.map((event) => JSON.stringify(event.data)), 'jsonb'],
        [all.map((event) => event.at), 'timestamptz'],
      ]);
      write.with(write.name('webhooks_emitted'), webhookEventsInsertFrom(rows));
    });
  }

  /** The URL must pass the target policy (target-policy.ts) before anything is stored. */
  async register(caller: Caller, dto: RegisterWebhookDto): Promise<RegisteredWebhookView> {
    await this.targets.checkRegistration(dto.url);
    const now = await this.clock.now();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    return this.db.transaction(async (tx) => {
      const [row]: EndpointRow[] = await tx.query(REGISTER_ENDPOINT, [
        randomUUID(),
        dto.url,
        dto.events,
        secret,
        personOf(caller),
        now,
      ]);
      await this.audit.record(
        tx,
        caller,
        {
          action: 'webhook.registered',
          subjectType: 'webhook',
          subjectId: row.id,
          after: { url: row.url, events: row.events },
        },
        now,
      );
      return { ...endpointView(row), secret };
    });
  }

  async list(): Promise<WebhookListView> {
    const rows: EndpointRow[] = await this.db.query(ENDPOINTS);
    return { items: rows.map(endpointView) };
  }

  /** The endpoint stops receiving events at once; deliveries not yet made are dropped with it. */
  async remove(caller: Caller, id: string): Promise<void> {
    const now = await this.clock.now();
    await this.db.transaction(async (tx) => {
      const rows: EndpointRow[] = isUuid(id) ? await tx.query(REMOVE_ENDPOINT, [id, now]) : [];
      if (rows.length === 0) throw DomainError.notFound('Webhook');
      await tx.query(DROP_UNSENT_DELIVERIES, [id]);
      await this.audit.record(
        tx,
        caller,
        {
          action: 'webhook.deleted',
          subjectType: 'webhook',
          subjectId: id,
          before: { url: rows[0].url, events: rows[0].events },
        },
        now,
      );
    });
  }

  /** An endpoint's deliveries, newest first; `status=failed` lists what needs a retry. */
  async deliveries(endpointId: string, query: DeliveriesQueryDto): Promise<DeliveryPageView> {
    const found: unknown[] = isUuid(endpointId) ? await this.db.query(ENDPOINT_EXISTS, [endpointId]) : [];
    if (found.length === 0) throw DomainError.notFound('Webhook');
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows: DeliveryRow[] = await this.db.query(DELIVERIES_PAGE, [
      endpointId,
      query.status ?? null,
      after?.key ?? null,
      after?.id ?? null,
      limit + 1,
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(deliveryView),
      nextCursor: rows.length > limit ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  /** A failed delivery goes out again now, with a fresh series of attempts; the event id stays the same. */
  async retry(caller: Caller, deliveryId: string): Promise<DeliveryView> {
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      const [row]: DeliveryRow[] = isUuid(deliveryId) ? await tx.query(DELIVERY_FOR_RETRY, [deliveryId]) : [];
      if (!row) throw DomainError.notFound('Delivery');
      if ((row as DeliveryRow & { deleted_at: Date | null }).deleted_at) throw DomainError.notFound('Delivery');
      if (row.status !== 'failed') {
        throw new DomainError(
          'forbidden_transition',
          `Only a failed delivery can be retried; this one is ${row.status}`,
          {
            extensions: { currentState: row.status, action: 'retry' },
          },
        );
      }
      const [updated]: DeliveryRow[] = await tx.query(RETRY_DELIVERY, [deliveryId, now]);
      await this.audit.record(
        tx,
        caller,
        {
          action: 'webhook.delivery_retried',
          subjectType: 'webhook_delivery',
          subjectId: deliveryId,
          before: { status: 'failed' },
          after: { status: 'pending' },
        },
        now,
      );
      return deliveryView(updated);
    });
  }
}
