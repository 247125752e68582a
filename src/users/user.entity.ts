import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';

export const ROLES = ['buyer', 'seller', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

@Entity('users')
export class User {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  @Column('text', { name: 'password_hash', select: false })
  passwordHash: string;

  @Column({ type: 'enum', enum: ROLES, enumName: 'user_role' })
  role: Role;

  @Column('text', { name: 'display_name' })
  displayName: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @OneToOne(() => SellerProfile, (profile) => profile.user, { cascade: ['insert'] })
  seller?: SellerProfile | null;
}

/** A seller's business calendar: where the reply clock runs. */
@Entity('seller_profiles')
export class SellerProfile {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @OneToOne(() => User, (user) => user.seller)
  @JoinColumn({ name: 'user_id' })
  user: User;

  @Column('text', { name: 'time_zone' })
  timeZone: string;

  @Column('text', { name: 'holiday_country' })
  country: string;

  @Column('text', { name: 'holiday_subdivision', nullable: true })
  subdivision: string | null;

  /** ISO weekday numbers, Monday = 1. */
  @Column('smallint', { name: 'working_days', array: true })
  workingDays: number[];
}
