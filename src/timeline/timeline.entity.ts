import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../users/user.entity.js';

/** The case's append-only timeline (a database trigger refuses updates and deletes). */
@Entity('case_events')
export class CaseEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('text') type: string;
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId: string | null;
  @Column('text', { name: 'actor_role' }) actorRole: Role | 'system';
  /** Seen by support only. */
  @Column('boolean') internal: boolean;
  @Column('timestamptz') at: Date;
  @Column('jsonb') data: Record<string, unknown>;
}
