import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Email: outbox leases for the dispatcher, per-user category preferences, broadcasts. */
export class Email1764806400000 implements MigrationInterface {
  name = 'Email1764806400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE outbox ADD COLUMN category text NOT NULL DEFAULT 'customer_service', ADD COLUMN lease_until timestamptz`,
    );
    await db.query(`UPDATE outbox SET category = 'customer_service'`);
    await db.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_status_check`);
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped'))`,
    );
    await db.query(`DROP INDEX outbox_pending_idx`);
    // What a dispatcher may claim: pending rows that are due, and rows whose sender's lease ran out (it crashed).
    await db.query(`CREATE INDEX outbox_claim_idx ON outbox (next_attempt_at) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX outbox_lease_idx ON outbox (lease_until) WHERE status = 'sending'`);
    await db.query(`CREATE INDEX outbox_failed_idx ON outbox (created_at) WHERE status = 'failed'`);
    await db.query(`
      CREATE TABLE email_preferences (
        user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        category   text NOT NULL CHECK (category IN ('order_updates', 'seller_messages', 'customer_service', 'promotions', 'notices')),
        email      boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, category)
      )`);
    await db.query(`
      CREATE TABLE broadcasts (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        category   text NOT NULL CHECK (category IN ('promotions', 'notices')),
        subject    text NOT NULL,
        body       text NOT NULL,
        audience   text NOT NULL CHECK (audience IN ('all', 'buyers', 'sellers')),
        recipients integer NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE broadcasts`);
    await db.query(`DROP TABLE email_preferences`);
    await db.query(`DROP INDEX outbox_failed_idx`);
    await db.query(`DROP INDEX outbox_lease_idx`);
    await db.query(`DROP INDEX outbox_claim_idx`);
    await db.query(`UPDATE outbox SET status = 'pending' WHERE status = 'sending'`);
    await db.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_status_check`);
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'failed', 'skipped'))`,
    );
    await db.query(`CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE status = 'pending'`);
    await db.query(`ALTER TABLE outbox DROP COLUMN category, DROP COLUMN lease_until`);
  }
}
