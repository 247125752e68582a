/** Message Center categories (DOMAIN.md), which email preferences are kept per. */
export const CATEGORIES = ['order_updates', 'seller_messages', 'customer_service', 'promotions', 'notices'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Transactional mail about a user's own cases, and marketplace notices, cannot be switched off. */
export const LOCKED_CATEGORIES: ReadonlySet<Category> = new Set(['seller_messages', 'customer_service', 'notices']);

const CATEGORY_OF_KIND: Record<string, Category> = {
  case_opened: 'seller_messages',
  new_message: 'seller_messages',
  reply_window_at_risk: 'customer_service',
  reply_window_late: 'customer_service',
  case_escalated: 'customer_service',
  escalation_resolved: 'customer_service',
};

export function categoryOfKind(kind: string, payloadCategory?: unknown): Category {
  if (kind === 'broadcast' && typeof payloadCategory === 'string' && (CATEGORIES as readonly string[]).includes(payloadCategory)) return payloadCategory as Category;
  return CATEGORY_OF_KIND[kind] ?? 'notices';
}
