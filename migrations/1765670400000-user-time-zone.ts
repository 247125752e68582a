import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's own time zone (the profile page, `PUT /me`): for showing them
 * times. Null until they choose one. A seller's business calendar keeps its
 * own zone, which reply deadlines are counted in.
 */
export class UserTimeZone1765670400000 implements MigrationInterface {
  name = 'UserTimeZone1765670400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN time_zone text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN time_zone`);
  }
}
