import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ClaimStatus } from './claim-status.js';

export const CLAIM_REASONS = [
  'item_not_received',
  'damaged_or_defective',
  'not_as_described',
  'return_not_refunded',
] as const;
export type ClaimReason = (typeof CLAIM_REASONS)[number];
export const CLAIM_FLAGS = ['no_seller_response', 'info_not_provided', 'filed_by_agent'] as const;
export type ClaimFlag = (typeof CLAIM_FLAGS)[number];
export type ClaimOutcome = 'granted' | 'denied' | 'withdrawn' | 'refunded_by_seller';
export type Funding = 'seller' | 'marketplace';

const bigint = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A buyer-protection claim about one order (docs/claims.md). */
@Entity('claims')
export class Claim {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  /** The marketplace's id of the order, for webhooks. */
  @Column('text', { name: 'order_external_id' }) orderExternalId: string;
  /** The case it grew from: the buyer's contact with the seller that eligibility requires. */
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('uuid', { name: 'buyer_id' }) buyerId: string;
  @Column('uuid', { name: 'seller_id' }) sellerId: string;
  @Column('uuid', { name: 'filed_by' }) filedBy: string;
  @Column('text') reason: ClaimReason;
  @Column('text') status: ClaimStatus;
  /** What the claim came to: the decision (as changed by an appeal), a withdrawal or the seller's refund; null while undecided. */
  @Column('text', { nullable: true }) outcome: ClaimOutcome | null;
  @Column('bigint', { transformer: bigint }) amount: number;
  @Column('char', { length: 3 }) currency: string;
  @Column('text', { array: true }) flags: ClaimFlag[];
  @Column('integer', { name: 'policy_version' }) policyVersion: number;
  @Column('timestamptz', { name: 'seller_response_due_at', nullable: true }) sellerResponseDueAt: Date | null;
  @Column('timestamptz', { name: 'info_due_at', nullable: true }) infoDueAt: Date | null;
  @Column('text', { name: 'info_from', nullable: true }) infoFrom: 'buyer' | 'seller' | null;
  @Column('timestamptz', { name: 'appeal_until', nullable: true }) appealUntil: Date | null;
  /** The deadline the claims sweep acts on next, for its index; null when none is pending. */
  @Column('timestamptz', { name: 'next_deadline_at', nullable: true }) nextDeadlineAt: Date | null;
  @Column('text', { name: 'decision_outcome', nullable: true }) decisionOutcome: 'granted' | 'denied' | null;
  @Column('text', { name: 'decision_funding', nullable: true }) decisionFunding: Funding | null;
  @Column('bigint', { name: 'decision_refund', nullable: true, transformer: bigint }) decisionRefund: number | null;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt: Date | null;
  @Column('text', { name: 'decision_note', nullable: true }) decisionNote: string | null;
  @Column('uuid', { name: 'appeal_by', nullable: true }) appealBy: string | null;
  @Column('timestamptz', { name: 'appeal_at', nullable: true }) appealAt: Date | null;
  @Column('text', { name: 'appeal_outcome', nullable: true }) appealOutcome: 'upheld' | 'reversed' | null;
  @Column('uuid', { name: 'appeal_decided_by', nullable: true }) appealDecidedBy: string | null;
  @Column('timestamptz', { name: 'appeal_decided_at', nullable: true }) appealDecidedAt: Date | null;
  @Column('text', { name: 'appeal_note', nullable: true }) appealNote: string | null;
  /** Reversing a denial grants the claim: who funds it and how much. */
  @Column('text', { name: 'appeal_funding', nullable: true }) appealFunding: Funding | null;
  @Column('bigint', { name: 'appeal_refund', nullable: true, transformer: bigint }) appealRefund: number | null;
  @Column('bigint', { name: 'seller_refund', nullable: true, transformer: bigint }) sellerRefund: number | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('claim_events')
export class ClaimEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'claim_id' }) claimId: string;
  @Column('text') type: string;
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId: string | null;
  @Column('text', { name: 'actor_role' }) actorRole: string;
  @Column('boolean') internal: boolean;
  @Column('timestamptz') at: Date;
  @Column('jsonb') data: Record<string, unknown>;
}
