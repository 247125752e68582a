import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CaseStatus } from './case-status.js';

export const TOPICS = [
  'question',
  'item_not_received',
  'damaged_or_defective',
  'not_as_described',
  'return_request',
  'refund_not_received',
  'other',
] as const;
export type Topic = (typeof TOPICS)[number];

export type CycleOutcome = 'answered' | 'no_response_needed' | 'resolved' | 'handled_by_support' | 'claim_filed';

@Entity('cases')
export class CaseRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'buyer_id' }) buyerId: string;
  @Column('uuid', { name: 'seller_id' }) sellerId: string;
  @Column('uuid', { name: 'order_id', nullable: true }) orderId: string | null;
  @Column('text', { name: 'listing_ref', nullable: true }) listingRef: string | null;
  @Column('text') topic: Topic;
  /** The subject as the seller sees it (the content policy applied). */
  @Column('text') subject: string;
  /** The subject as the buyer wrote it, when the policy changed it; shown to the buyer and support only. */
  @Column('text', { name: 'subject_original', nullable: true }) subjectOriginal: string | null;
  @Column('text') status: CaseStatus;
  /** The open reply cycle and its deadlines, copied here for lists and filters; null while none is open. */
  @Column('uuid', { name: 'cycle_id', nullable: true }) cycleId: string | null;
  @Column('timestamptz', { name: 'clock_started_at', nullable: true }) clockStartedAt: Date | null;
  @Column('timestamptz', { name: 'warn_at', nullable: true }) warnAt: Date | null;
  @Column('timestamptz', { name: 'due_at', nullable: true }) dueAt: Date | null;
  @Column('timestamptz', { name: 'escalate_at', nullable: true }) escalateAt: Date | null;
  /** The last SLA level the sweep applied to the open cycle (0 none, 1 at_risk, 2 late, 3 escalated), and when the next is due. */
  @Column('smallint', { name: 'sla_level' }) slaLevel: number;
  @Column('timestamptz', { name: 'next_action_at', nullable: true }) nextActionAt: Date | null;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt: Date | null;
  /** The claim filed from this case, if any: the reply clock no longer runs on the case. */
  @Column('uuid', { name: 'claim_id', nullable: true }) claimId: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** One wait for the seller: opened by the oldest unanswered buyer message, ended by a reply, "no response needed" or resolution. */
@Entity('reply_cycles')
export class ReplyCycle {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('integer') seq: number;
  @Column('timestamptz', { name: 'opened_at' }) openedAt: Date;
  @Column('uuid', { name: 'opened_by', nullable: true }) openedBy: string | null;
  @Column('timestamptz', { name: 'clock_started_at' }) clockStartedAt: Date;
  @Column('timestamptz', { name: 'warn_at' }) warnAt: Date;
  @Column('timestamptz', { name: 'due_at' }) dueAt: Date;
  @Column('timestamptz', { name: 'escalate_at' }) escalateAt: Date;
  @Column('uuid', { name: 'calendar_id' }) calendarId: string;
  @Column('integer', { name: 'calendar_version' }) calendarVersion: number;
  @Column('integer', { name: 'policy_version' }) policyVersion: number;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('text', { nullable: true }) outcome: CycleOutcome | null;
  @Column('uuid', { name: 'answered_by', nullable: true }) answeredBy: string | null;
  /** Business minutes from the cycle's start to the answer, on the cycle's calendar (for response-time metrics). */
  @Column('numeric', { name: 'response_business_minutes', nullable: true }) responseBusinessMinutes: string | null;
}
