import { createHmac, timingSafeEqual } from 'node:crypto';

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

/** A receiver's check of a signature header, with a tolerance on its age (for docs and tests). */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
