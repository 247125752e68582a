import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { CaseRecord } from '../cases/case.entity.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { Escalation } from '../escalations/escalation.entity.js';
import type { Role } from '../users/user.entity.js';
import { ROLE_OF } from '../users/users.queries.js';
import { Claim } from '../claims/claim.entity.js';
import {
  allows,
  canSeeCase,
  canSeeClaim,
  canSeeEscalation,
  canSeeSellerPerformance,
  Permission,
  PERMISSIONS,
} from './access.js';

/** The forbidden answer for a thing the caller can see but may not act on: which accounts may. */
export function forbidden(permission: Permission): DomainError {
  return new DomainError('forbidden', `This action is for ${PERMISSIONS[permission].join(' or ')} accounts`);
}

/**
 * Loads the subject of a request and decides, from `access.ts`, whether the
 * caller may see it (404 otherwise) and act on it (403 otherwise). Pass the
 * transaction to load under a row lock inside it.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The case for this caller and permission; `lock` takes its row lock in `tx`. */
  async requireCase(
    tx: EntityManager | null,
    caller: Caller,
    caseId: string,
    permission: Permission,
    lock = false,
  ): Promise<CaseRecord> {
    const manager = tx ?? this.db.manager;
    const record = isUuid(caseId)
      ? await manager.findOne(CaseRecord, {
          where: { id: caseId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    this.checkCase(caller, record, permission);
    return record;
  }

  /** The same rule for a case the caller's module read itself (with more in the same statement): 404 unless visible, 403 without the permission. */
  checkCase(caller: Caller, record: CaseRecord | null, permission: Permission): asserts record is CaseRecord {
    if (!record || !canSeeCase(caller, record)) throw DomainError.notFound('Case');
    if (!allows(caller, permission)) throw forbidden(permission);
  }

  /** The claim for this caller and permission; `lock` takes its row lock in `tx`. */
  async requireClaim(
    tx: EntityManager | null,
    caller: Caller,
    claimId: string,
    permission: Permission,
    lock = false,
  ): Promise<Claim> {
    const manager = tx ?? this.db.manager;
    const claim = isUuid(claimId)
      ? await manager.findOne(Claim, {
          where: { id: claimId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!claim || !canSeeClaim(caller, claim)) throw DomainError.notFound('Claim');
    if (!allows(caller, permission)) throw forbidden(permission);
    return claim;
  }

  /** The escalation for support; everyone else is told it does not exist. */
  async requireEscalation(
    tx: EntityManager,
    caller: Caller,
    escalationId: string,
    permission: Permission,
  ): Promise<Escalation> {
    if (!canSeeEscalation(caller)) throw DomainError.notFound('Escalation');
    const escalation = isUuid(escalationId)
      ? await tx.findOne(Escalation, { where: { id: escalationId }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!escalation) throw DomainError.notFound('Escalation');
    if (!allows(caller, permission)) throw forbidden(permission);
    return escalation;
  }

  /** The seller whose performance the caller may read; 404 for anyone else and for ids that are not sellers. */
  async requireSellerPerformance(caller: Caller, sellerId: string): Promise<void> {
    if (!canSeeSellerPerformance(caller, sellerId) || (await this.roleOf(null, sellerId)) !== 'seller')
      throw DomainError.notFound('Seller');
  }

  /** A user id given in a request body must name a user with one of these roles: 400 naming the field otherwise. */
  async requireUserWithRole(
    tx: EntityManager | null,
    userId: string,
    roles: readonly Role[],
    field: string,
  ): Promise<void> {
    const role = await this.roleOf(tx, userId);
    if (role === undefined) throw DomainError.invalid(field, `${field} is not a known user`);
    if (!roles.includes(role))
      throw DomainError.invalid(
        field,
        `${field} must be a${/^[aeiou]/.test(roles[0]) ? 'n' : ''} ${roles.join(' or ')}`,
      );
  }

  /** The one lookup of a user's current role. */
  async roleOf(tx: EntityManager | null, userId: string): Promise<Role | undefined> {
    if (!isUuid(userId)) return undefined;
    const rows: { role: Role }[] = await (tx ?? this.db.manager).query(ROLE_OF, [userId]);
    return rows[0]?.role;
  }
}
