import type { Caller } from '../auth/auth.decorators.js';
import type { Role } from '../users/user.entity.js';

/**
 * Who may see and do what, in one place. A caller who may not see a thing
 * gets 404 (never a hint that it exists); one who may see it but not do the
 * action gets 403. Services ask here first; the access-matrix tests
 * enumerate this table.
 */
export type Permission =
  | 'case.read'
  | 'case.message'
  | 'case.note'
  | 'case.noResponseNeeded'
  | 'case.resolve'
  | 'case.reopen'
  | 'case.escalate'
  | 'escalation.read'
  | 'escalation.act'
  | 'calendar.read'
  | 'calendar.manage'
  | 'seller.performance'
  | 'claim.read'
  | 'claim.file'
  | 'claim.fileForBuyer'
  | 'claim.message'
  | 'claim.note'
  | 'claim.respond'
  | 'claim.refund'
  | 'claim.withdraw'
  | 'claim.appeal'
  | 'claim.requestInfo'
  | 'claim.decide'
  | 'claim.decideAppeal';

/** Each permission's subject kind and the roles that hold it on a subject they can see. */
export const PERMISSIONS: Record<Permission, readonly Role[]> = {
  'case.read': ['buyer', 'seller', 'agent', 'admin'],
  'case.message': ['buyer', 'seller', 'agent', 'admin'],
  'case.note': ['agent', 'admin'],
  'case.noResponseNeeded': ['seller'],
  'case.resolve': ['buyer'],
  'case.reopen': ['buyer'],
  'case.escalate': ['buyer'],
  'escalation.read': ['agent', 'admin'],
  'escalation.act': ['agent', 'admin'],
  'calendar.read': ['buyer', 'seller', 'agent', 'admin'],
  'calendar.manage': ['admin'],
  'seller.performance': ['seller', 'agent', 'admin'],
  'claim.read': ['buyer', 'seller', 'agent', 'admin'],
  'claim.file': ['buyer'],
  'claim.fileForBuyer': ['agent', 'admin'],
  'claim.message': ['buyer', 'seller', 'agent', 'admin'],
  'claim.note': ['agent', 'admin'],
  'claim.respond': ['seller'],
  'claim.refund': ['seller'],
  'claim.withdraw': ['buyer'],
  'claim.appeal': ['buyer', 'seller'],
  'claim.requestInfo': ['agent', 'admin'],
  'claim.decide': ['agent', 'admin'],
  'claim.decideAppeal': ['agent', 'admin'],
};

export const isSupport = (caller: Pick<Caller, 'role'>): boolean => caller.role === 'agent' || caller.role === 'admin';

/** A buyer sees its own cases, a seller those addressed to it, support all of them. */
export function canSeeCase(caller: Caller, record: { buyerId: string; sellerId: string }): boolean {
  return (
    isSupport(caller) ||
    (caller.role === 'buyer' && record.buyerId === caller.id) ||
    (caller.role === 'seller' && record.sellerId === caller.id)
  );
}

/** A claim: its buyer, the seller it is against, and support. */
export function canSeeClaim(caller: Caller, claim: { buyerId: string; sellerId: string }): boolean {
  return (
    isSupport(caller) ||
    (caller.role === 'buyer' && claim.buyerId === caller.id) ||
    (caller.role === 'seller' && claim.sellerId === caller.id)
  );
}

/** Escalations are support's work: nobody else sees them. */
export function canSeeEscalation(caller: Caller): boolean {
  return isSupport(caller);
}

/** The marketplace calendar is public to signed-in users; a seller's is its own and support's. */
export function canSeeCalendar(
  caller: Caller,
  calendar: { kind: 'seller' | 'marketplace'; sellerId: string | null },
): boolean {
  return calendar.kind === 'marketplace' || isSupport(caller) || calendar.sellerId === caller.id;
}

/** An order: its buyer, its seller, and support. */
export function canSeeOrder(caller: Caller, order: { buyerId: string; sellerId: string }): boolean {
  return isSupport(caller) || order.buyerId === caller.id || order.sellerId === caller.id;
}

/** A seller's performance: the seller itself and support. */
export function canSeeSellerPerformance(caller: Caller, sellerId: string): boolean {
  return isSupport(caller) || caller.id === sellerId;
}

/** Whether the caller's role holds the permission (on a subject the caller can see). */
export function allows(caller: Pick<Caller, 'role'>, permission: Permission): boolean {
  return PERMISSIONS[permission].includes(caller.role);
}
