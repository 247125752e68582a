/** Message Center categories (docs/domain.md), which email preferences are kept per. */
export const CATEGORIES = ['order_updates', 'seller_messages', 'customer_service', 'promotions', 'notices'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Transactional mail about a user's own cases, and marketplace notices, cannot be switched off. */
export const LOCKED_CATEGORIES: ReadonlySet<Category> = new Set(['seller_messages', 'customer_service', 'notices']);

export const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);

export type Party = 'buyer' | 'seller';

/**
 * Every kind of notice and the category it lands in for each party it is
 * sent to. A broadcast's category is the one its sender chose.
 */
export const NOTICE_CATEGORIES = {
  case_opened: { seller: 'seller_messages' },
  new_message: { buyer: 'seller_messages', seller: 'seller_messages' },
  reply_window_at_risk: { seller: 'notices' },
  reply_window_late: { buyer: 'customer_service', seller: 'notices' },
  case_escalated: { buyer: 'customer_service', seller: 'customer_service' },
  escalation_resolved: { buyer: 'customer_service', seller: 'customer_service' },
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
} as const satisfies Record<string, Partial<Record<Party, Category>>>;

export type CaseNoticeKind = keyof typeof NOTICE_CATEGORIES;
export type NoticeKind = CaseNoticeKind | 'broadcast';

export function categoryOf(kind: CaseNoticeKind, party: Party): Category {
  const category = (NOTICE_CATEGORIES[kind] as Partial<Record<Party, Category>>)[party];
  if (!category) throw new Error(`A ${kind} notice is not sent to the ${party}`);
  return category;
}

/** The same table as a SQL CASE over a kind and a party expression, for set-based writers. */
export function categorySql(kind: string, party: string): string {
  const arms = Object.entries(NOTICE_CATEGORIES).flatMap(([k, parties]) =>
    Object.entries(parties).map(([p, category]) => `WHEN ${kind} = '${k}' AND ${party} = '${p}' THEN '${category}'`),
  );
  return `CASE ${arms.join(' ')} END`;
}
