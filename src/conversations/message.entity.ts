import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../users/user.entity.js';

/** The columns every kind of message has (each kind keeps its own table, docs/architecture.md). */
export abstract class MessageColumns {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'author_id' }) authorId: string;
  @Column('text', { name: 'author_role' }) authorRole: Role;
  @Column('boolean') internal: boolean;
  /** What the author wrote; agents see it. */
  @Column('text') body: string;
  /** What the other party sees: contact details and payment data masked. */
  @Column('text', { name: 'visible_body' }) visibleBody: string;
  @Column('text', { array: true }) masked: string[];
  /** Held back from the recipient (a request for credentials or payment). */
  @Column('boolean') quarantined: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

/** A message on a case: the conversation core (ConversationsService) writes it; case queries read it. */
@Entity('messages')
export class Message extends MessageColumns {
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
}

/** A message on a claim: written by the conversation core like a case's. */
@Entity('claim_messages')
export class ClaimMessage extends MessageColumns {
  /** The order the claim's messages were written in: two written at the same instant keep it. */
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column('uuid', { name: 'claim_id' }) claimId: string;
}
