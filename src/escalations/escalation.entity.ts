import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Party } from '../notifications/categories.js';

export const ESCALATION_REASONS = [
  'missed_reply_window',
  'buyer_request',
  'claim',
  'quarantined_message',
  'phishing_report',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];
export const ESCALATION_PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type EscalationPriority = (typeof ESCALATION_PRIORITIES)[number];
export const ESCALATION_STATUSES = ['open', 'assigned', 'resolved'] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];

/** An item in the support queue. */
@Entity('escalations')
export class Escalation {
  @PrimaryColumn('uuid') id: string;
  /** The case it is about; null for a phishing report about a marketplace notice. */
  @Column('uuid', { name: 'case_id', nullable: true }) caseId: string | null;
  @Column('uuid', { name: 'message_id', nullable: true }) messageId: string | null;
  @Column('text') reason: EscalationReason;
  @Column('text') priority: EscalationPriority;
  @Column('text') status: EscalationStatus;
  @Column('uuid', { name: 'assignee_id', nullable: true }) assigneeId: string | null;
  /** The support deadline; null while support waits on a party (the clock is stopped). */
  @Column('timestamptz', { name: 'due_at', nullable: true }) dueAt: Date | null;
  @Column('text', { nullable: true }) outcome: string | null;
  @Column('text', { nullable: true }) note: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt: Date | null;
  /** The reply cycle a missed window or a buyer's request is about. */
  @Column('uuid', { name: 'cycle_id', nullable: true }) cycleId: string | null;
  @Column('timestamptz', { name: 'priority_raised_at', nullable: true }) priorityRaisedAt: Date | null;
  /** The first time an agent assigned, wrote on or resolved it: what the support deadline measures. */
  @Column('timestamptz', { name: 'first_action_at', nullable: true }) firstActionAt: Date | null;
  /** The claim a `claim` escalation (or a quarantined claim message) is about. */
  @Column('uuid', { name: 'claim_id', nullable: true }) claimId: string | null;
  /** The phishing report a `phishing_report` escalation is about. */
  @Column('uuid', { name: 'report_id', nullable: true }) reportId: string | null;
  /** The party support is waiting on, while it waits. */
  @Column('text', { name: 'waiting_on', nullable: true }) waitingOn: Party | null;
}

/** A span during which support waited on a party; `toAt` null while it still waits. */
@Entity('escalation_pauses')
export class EscalationPause {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'escalation_id' }) escalationId: string;
  @Column('text', { name: 'waiting_on' }) waitingOn: Party;
  @Column('timestamptz', { name: 'from_at' }) fromAt: Date;
  @Column('timestamptz', { name: 'to_at', nullable: true }) toAt: Date | null;
}
