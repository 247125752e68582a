/**
 * Every action the audit log records, by the kind of thing it acts on, with
 * the words the admin's audit page shows for it. The page filters by
 * choosing from this list (the table has no index to list its distinct
 * actions cheaply); `audit-actions.spec.ts` checks that every action the code
 * records is here.
 */
export const AUDIT_ACTIONS = {
  'user.created': 'User created',
  'user.updated': 'User updated',
  'user.disabled': 'User disabled',
  'user.enabled': 'User enabled',
  'user.profile_changed': 'Profile changed',
  'user.locale_set': 'Language set for a user',
  'calendar.settings_changed': 'Calendar settings changed',
  'calendar.closure_added': 'Closure added',
  'calendar.closure_removed': 'Closure removed',
  'calendar.rebased': 'Deadlines recomputed after a calendar change',
  'broadcast.sent': 'Broadcast sent',
  'claim.filed_for_buyer': 'Claim filed for a buyer',
  'claim.info_requested': 'Information requested on a claim',
  'claim.decided': 'Claim decided',
  'claim.appeal_decided': 'Appeal decided',
  'escalation.assigned': 'Escalation assigned',
  'escalation.reassigned': 'Escalation taken over',
  'escalation.waiting': 'Escalation waiting on a party',
  'escalation.resumed': 'Escalation resumed',
  'escalation.resolved': 'Escalation resolved',
  'report.confirmed': 'Phishing report confirmed',
  'report.dismissed': 'Phishing report dismissed',
  'webhook.registered': 'Webhook registered',
  'webhook.deleted': 'Webhook deleted',
  'webhook.delivery_retried': 'Webhook delivery retried',
  'clock.advanced': 'Simulated clock advanced',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
} as const satisfies Record<string, string>;

/** The kinds of thing actions act on (an entry's `subjectType`), with their names for people. */
export const AUDIT_SUBJECT_TYPES = {
  user: 'User',
  calendar: 'Calendar',
  broadcast: 'Broadcast',
  claim: 'Claim',
  escalation: 'Escalation',
  report: 'Phishing report',
  webhook: 'Webhook',
  webhook_delivery: 'Webhook delivery',
  clock: 'Clock',
  api_key: 'API key',
} as const satisfies Record<string, string>;

/** An action's words, or the action itself for one this list does not know (recorded by a newer version). */
export const actionLabel = (action: string): string => (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;

export const subjectTypeLabel = (type: string): string => (AUDIT_SUBJECT_TYPES as Record<string, string>)[type] ?? type;
