import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CalendarDefinition, Closure } from './business-calendar.js';

export type CalendarKind = 'seller' | 'marketplace';

/** A closure as stored in a version: with an id, so that an admin can remove it. */
export interface StoredClosure extends Closure {
  id: string;
}

export interface StoredDefinition extends CalendarDefinition {
  workingDays: number[];
  closures: StoredClosure[];
}

@Entity('calendars')
export class CalendarRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  kind: CalendarKind;

  @Column('uuid', { name: 'seller_id', nullable: true })
  sellerId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}

/** An immutable definition of a calendar from `effectiveFrom` on. */
@Entity('calendar_versions')
export class CalendarVersion {
  @PrimaryColumn('uuid', { name: 'calendar_id' })
  calendarId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('timestamptz', { name: 'effective_from' })
  effectiveFrom: Date;

  @Column('jsonb')
  definition: StoredDefinition;

  @Column('text')
  note: string;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
