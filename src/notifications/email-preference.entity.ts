import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Category } from './categories.js';

/** A user's choice for one category; a category without a row means email on. */
@Entity('email_preferences')
export class EmailPreference {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;
  @PrimaryColumn('text') category: Category;
  @Column('boolean') email: boolean;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
