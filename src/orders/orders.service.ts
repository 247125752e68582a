import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { canSeeOrder } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { Order, OrderEvent } from './order.entity.js';
import { OrderEventDto, OrderView, UpsertOrderDto } from './orders.dto.js';
import { INSERT_ORDER, INSERT_ORDER_EVENT } from './orders.queries.js';

/** Orders and their events happen in this century, and not more than a day ahead of Parley's clock. */
const EARLIEST = Date.UTC(2000, 0, 1);
const AHEAD_MS = 86_400_000;
const MAX_DELIVERY_MS = 366 * 86_400_000;

function checkInstant(field: string, instant: Date, now: Date): void {
  if (instant.getTime() < EARLIEST || instant.getTime() > now.getTime() + AHEAD_MS) {
    throw DomainError.invalid(field, `${field} must be between 2000-01-01 and a day from now`);
  }
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(OrderEvent) private readonly events: Repository<OrderEvent>,
    private readonly access: AccessService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** Idempotent by externalId: the first call creates the order (created: true), later calls return it unchanged. */
  async upsert(dto: UpsertOrderDto): Promise<{ created: boolean; order: OrderView }> {
    await this.access.requireUserWithRole(null, dto.buyerId, ['buyer'], 'buyerId');
    await this.access.requireUserWithRole(null, dto.sellerId, ['seller'], 'sellerId');
    const now = await this.clock.now();
    const placedAt = new Date(dto.placedAt);
    checkInstant('placedAt', placedAt, now);
    const placedDay = dto.placedAt.slice(0, 10);
    if (dto.maxDeliveryDate < placedDay)
      throw DomainError.invalid('maxDeliveryDate', 'maxDeliveryDate must not be before the day the order was placed');
    if (Date.parse(`${dto.maxDeliveryDate}T00:00:00Z`) - placedAt.getTime() > MAX_DELIVERY_MS) {
      throw DomainError.invalid('maxDeliveryDate', 'maxDeliveryDate must be within a year of placedAt');
    }
    const inserted: { id: string }[] = await this.orders.query(INSERT_ORDER, [
      randomUUID(),
      dto.externalId,
      dto.buyerId,
      dto.sellerId,
      new Date(dto.placedAt),
      dto.maxDeliveryDate,
      dto.total.amount,
      dto.total.currency,
      JSON.stringify(dto.items ?? []),
      now,
    ]);
    const order = await this.orders.findOneByOrFail({ externalId: dto.externalId });
    if (inserted.length === 0) {
      // The same externalId for another buyer or seller is another order, not a retry: a conflict, never silently the old one.
      const differs = (['buyerId', 'sellerId'] as const).filter((field) => order[field] !== dto[field]);
      if (differs.length > 0) {
        throw new DomainError(
          'conflict',
          `An order with externalId ${dto.externalId} exists with another ${differs.join(', ')}`,
          { extensions: { differs } },
        );
      }
    }
    return { created: inserted.length === 1, order: await this.toView(order) };
  }

  /** Records an order event once (the same type and instant again changes nothing); the buyer hears of a new one in its order updates. */
  async addEvent(orderId: string, dto: OrderEventDto): Promise<OrderView> {
    const order = await this.find(orderId);
    const now = await this.clock.now();
    const at = new Date(dto.at);
    checkInstant('at', at, now);
    if (at < order.placedAt) throw DomainError.invalid('at', 'at must not be before the order was placed');
    await this.orders.manager.transaction(async (tx) => {
      const inserted: { id: string }[] = await tx.query(INSERT_ORDER_EVENT, [
        randomUUID(),
        order.id,
        dto.type,
        at,
        dto.note ?? null,
        now,
      ]);
      if (inserted.length === 0) return;
      await this.outbox.enqueue(tx, {
        kind: 'order_event',
        party: 'buyer',
        recipientId: order.buyerId,
        caseId: null,
        dedupeKey: `order-event:${inserted[0].id}`,
        payload: {
          orderId: order.id,
          externalId: order.externalId,
          event: dto.type,
          thresholdAt: at.toISOString(),
          role: 'buyer',
        },
        at: now,
      });
    });
    return this.toView(order);
  }

  /** The order for admins and for its own buyer and seller; anyone else gets 404. */
  async view(orderId: string, caller: Caller): Promise<OrderView> {
    const order = await this.find(orderId);
    if (!canSeeOrder(caller, order)) throw DomainError.notFound('Order');
    return this.toView(order);
  }

  /** A buyer's latest orders, newest first. */
  async recentOfBuyer(buyerId: string, limit: number): Promise<OrderView[]> {
    const orders = await this.orders.find({ where: { buyerId }, order: { placedAt: 'DESC', id: 'DESC' }, take: limit });
    return Promise.all(orders.map((order) => this.toView(order)));
  }

  /** The order if `buyerId` placed it; otherwise not found, whether or not it exists. */
  async findForBuyer(tx: EntityManager | null, orderId: string, buyerId: string): Promise<Order> {
    const order = isUuid(orderId) ? await (tx ?? this.orders.manager).findOneBy(Order, { id: orderId, buyerId }) : null;
    if (!order) throw DomainError.notFound('Order');
    return order;
  }

  async eventsOf(orderId: string): Promise<OrderEvent[]> {
    return this.events.find({ where: { orderId }, order: { at: 'ASC' } });
  }

  private async find(orderId: string): Promise<Order> {
    const order = isUuid(orderId) ? await this.orders.findOneBy({ id: orderId }) : null;
    if (!order) throw DomainError.notFound('Order');
    return order;
  }

  private async toView(order: Order): Promise<OrderView> {
    const events = await this.eventsOf(order.id);
    return {
      id: order.id,
      externalId: order.externalId,
      buyerId: order.buyerId,
      sellerId: order.sellerId,
      placedAt: order.placedAt.toISOString(),
      maxDeliveryDate: order.maxDeliveryDate,
      total: { amount: order.totalAmount, currency: order.currency },
      items: order.items,
      events: events.map((event) => ({ id: event.id, type: event.type, at: event.at.toISOString(), note: event.note })),
      createdAt: order.createdAt.toISOString(),
    };
  }
}
