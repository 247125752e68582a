import { createHmac } from 'node:crypto';

/** The events the marketplace can subscribe to (docs/webhooks.md). */
export const WEBHOOK_EVENT_TYPES = [
  'claim.filed',
  'claim.decided',
  'claim.refunded_by_seller',
  'claim.withdrawn',
  'claim.appealed',
  'claim.appeal_decided',
  'claim.closed',
  'case.escalated',
  'seller.flagged',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An event to tell the subscribed endpoints about, written in the transaction of the change. */
export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
  at: Date;
}

/**
 * The columns a set-based writer selects for `webhookEventsInsertFrom`, in
 * this order: type, data, at. Fan-out to endpoints happens when dispatching.
 */
export function webhookEventsInsertFrom(select: string): string {
  return `INSERT INTO webhook_events (type, data, created_at) SELECT type, data, at FROM (${select}) AS webhook_rows (type, data, at)`;
}

/** `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as Stripe signs. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}
