/** Message Center categories (docs/inbox.md), which email preferences are kept per. */
export const CATEGORIES = [
  'order_updates',
  'seller_messages',
  'buyer_messages',
  'customer_service',
  'promotions',
  'notices',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Transactional mail about a user's own cases, claims and orders' conversations, and marketplace notices, cannot be switched off. */
export const LOCKED_CATEGORIES: ReadonlySet<Category> = new Set([
  'seller_messages',
  'buyer_messages',
  'customer_service',
  'notices',
]);

export const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);

/** The two sides of a case or claim. */
export type Party = 'buyer' | 'seller';
/** Who a notice can be for: a party, or the agent an escalation was assigned to. */
export type Recipient = Party | 'agent';

/**
 * Every kind of notice and the category it lands in for each recipient it is
 * sent to (the Message Center table in docs/domain.md). A broadcast's
 * category is the one its sender chose.
 */
export const NOTICE_CATEGORIES = {
  case_opened: { seller: 'buyer_messages' },
  new_message: { buyer: 'seller_messages', seller: 'buyer_messages' },
  support_message: { buyer: 'customer_service', seller: 'customer_service' },
  reply_window_at_risk: { seller: 'notices' },
  reply_window_late: { buyer: 'customer_service', seller: 'notices' },
  case_escalated: { buyer: 'customer_service', seller: 'customer_service' },
  escalation_resolved: { buyer: 'customer_service', seller: 'customer_service' },
  escalation_assigned: { agent: 'customer_service' },
  order_event: { buyer: 'order_updates' },
  // Claims: each step is support's business, for both parties (docs/claims.md).
  claim_filed: { buyer: 'customer_service', seller: 'customer_service' },
  claim_message: { buyer: 'customer_service', seller: 'customer_service' },
  claim_info_requested: { buyer: 'customer_service', seller: 'customer_service' },
  claim_no_seller_response: { seller: 'customer_service' },
  claim_decided: { buyer: 'customer_service', seller: 'customer_service' },
  claim_appealed: { buyer: 'customer_service', seller: 'customer_service' },
  claim_appeal_decided: { buyer: 'customer_service', seller: 'customer_service' },
  claim_refunded_by_seller: { buyer: 'customer_service', seller: 'customer_service' },
  claim_withdrawn: { buyer: 'customer_service', seller: 'customer_service' },
} as const satisfies Record<string, Partial<Record<Recipient, Category>>>;

export type CaseNoticeKind = keyof typeof NOTICE_CATEGORIES;
export type NoticeKind = CaseNoticeKind | 'broadcast';

/** Notices that carry a message from someone: the Message Center item shows the message itself, under the case's subject. */
export const MESSAGE_NOTICES: ReadonlySet<CaseNoticeKind> = new Set([
  'case_opened',
  'new_message',
  'support_message',
  'claim_message',
]);

export function categoryOf(kind: CaseNoticeKind, recipient: Recipient): Category {
  const category = (NOTICE_CATEGORIES[kind] as Partial<Record<Recipient, Category>>)[recipient];
  if (!category) throw new Error(`A ${kind} notice is not sent to the ${recipient}`);
  return category;
}

/** The same table as a SQL CASE over a kind and a recipient expression, for set-based writers. */
export function categorySql(kind: string, recipient: string): string {
  const arms = Object.entries(NOTICE_CATEGORIES).flatMap(([k, recipients]) =>
    Object.entries(recipients).map(
      ([r, category]) => `WHEN ${kind} = '${k}' AND ${recipient} = '${r}' THEN '${category}'`,
    ),
  );
  return `CASE ${arms.join(' ')} END`;
}
