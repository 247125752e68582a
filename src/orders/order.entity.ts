import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ORDER_EVENT_TYPES = ['shipped', 'delivered', 'return_received', 'refunded'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity('orders')
export class Order {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'external_id' }) externalId: string;
  @Column('uuid', { name: 'buyer_id' }) buyerId: string;
  @Column('uuid', { name: 'seller_id' }) sellerId: string;
  @Column('timestamptz', { name: 'placed_at' }) placedAt: Date;
  @Column('date', { name: 'max_delivery_date' }) maxDeliveryDate: string;
  @Column('bigint', { name: 'total_amount', transformer: bigintAsNumber }) totalAmount: number;
  @Column('char', { length: 3 }) currency: string;
  @Column('jsonb') items: { title: string; quantity: number }[];
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('order_events')
export class OrderEvent {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  @Column('text') type: OrderEventType;
  @Column('timestamptz') at: Date;
  @Column('text', { nullable: true }) note: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
