import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's language (a BCP 47 tag of a catalogue Parley serves): pages and
 * emails are in it. Null until chosen: pages then follow the browser, emails
 * the marketplace's default.
 */
export class UserLocale1765843200000 implements MigrationInterface {
  name = 'UserLocale1765843200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN locale text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN locale`);
  }
}
