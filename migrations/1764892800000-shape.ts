import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every outbox row names its category (no default to fall back on); support
 * deadlines pause while an agent waits on a party, so an escalation records
 * whom it waits on and each span it waited.
 */
export class Shape1764892800000 implements MigrationInterface {
  name = 'Shape1764892800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE outbox ALTER COLUMN category DROP DEFAULT`);
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_category_check CHECK (category IN ('order_updates', 'seller_messages', 'customer_service', 'promotions', 'notices'))`,
    );
    // While an agent waits on a party the support clock stops, so the deadline is unknown (null) until the wait ends.
    await db.query(
      `ALTER TABLE escalations ALTER COLUMN due_at DROP NOT NULL, ADD COLUMN waiting_on text CHECK (waiting_on IN ('buyer', 'seller'))`,
    );
    await db.query(`
      CREATE TABLE escalation_pauses (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        escalation_id uuid NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
        waiting_on    text NOT NULL CHECK (waiting_on IN ('buyer', 'seller')),
        from_at       timestamptz NOT NULL,
        to_at         timestamptz,
        CHECK (to_at IS NULL OR to_at >= from_at)
      )`);
    // At most one open wait per escalation.
    await db.query(
      `CREATE UNIQUE INDEX escalation_pauses_open_idx ON escalation_pauses (escalation_id) WHERE to_at IS NULL`,
    );
    await db.query(`CREATE INDEX escalation_pauses_escalation_idx ON escalation_pauses (escalation_id, from_at)`);
    await db.query(`CREATE INDEX escalations_case_open_idx ON escalations (case_id) WHERE status <> 'resolved'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX escalations_case_open_idx`);
    await db.query(`DROP TABLE escalation_pauses`);
    await db.query(`UPDATE escalations SET due_at = updated_at WHERE due_at IS NULL`);
    await db.query(`ALTER TABLE escalations ALTER COLUMN due_at SET NOT NULL, DROP COLUMN waiting_on`);
    await db.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_category_check`);
    await db.query(`ALTER TABLE outbox ALTER COLUMN category SET DEFAULT 'customer_service'`);
  }
}
