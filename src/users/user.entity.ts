import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ROLES = ['buyer', 'seller', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

@Entity('users')
export class User {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  /** Null for a person the marketplace made, until they set a password (an invitation) or for good (its identity provider). */
  @Column('text', { name: 'password_hash', select: false, nullable: true })
  passwordHash: string | null;

  /** The marketplace's own id of the person (`PUT /integration/users/:externalId`), unique where set. */
  @Column('text', { name: 'external_id', nullable: true })
  externalId: string | null;

  @Column({ type: 'enum', enum: ROLES, enumName: 'user_role' })
  role: Role;

  @Column('text', { name: 'display_name' })
  displayName: string;

  /** The person's own time zone (IANA), for showing them times; null until chosen. A seller's deadlines use its calendar's zone instead. */
  @Column('text', { name: 'time_zone', nullable: true })
  timeZone: string | null;

  /** The language the person chose (a served BCP 47 tag); null: the browser's, else the marketplace's default. */
  @Column('text', { nullable: true })
  locale: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** Set while an admin has disabled the account: it cannot sign in and its tokens are refused. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  /** Bumped by a password change and by disabling: tokens issued for an earlier version are refused. */
  @Column('integer', { name: 'auth_version' })
  authVersion: number;
}
