import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764460800000 implements MigrationInterface {
  name = 'Foundation1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TYPE user_role AS ENUM ('buyer', 'seller', 'agent', 'admin')`);
    await db.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role          user_role NOT NULL,
        display_name  text NOT NULL,
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await db.query(`CREATE INDEX users_admin_idx ON users (created_at) WHERE role = 'admin'`);
    await db.query(`
      CREATE TABLE seller_profiles (
        user_id             uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        time_zone           text NOT NULL,
        holiday_country     text NOT NULL,
        holiday_subdivision text,
        working_days        smallint[] NOT NULL CHECK (working_days <@ ARRAY[1,2,3,4,5,6,7]::smallint[] AND cardinality(working_days) > 0)
      )`);
    await db.query(`
      CREATE TABLE simulated_clock (
        id  smallint PRIMARY KEY CHECK (id = 1),
        now timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE simulated_clock`);
    await db.query(`DROP TABLE seller_profiles`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TYPE user_role`);
  }
}
