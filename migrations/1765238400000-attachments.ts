import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files on case and claim messages (docs/inbox.md, "Attachments"): the bytes live in the attachment store, the facts here. */
export class Attachments1765238400000 implements MigrationInterface {
  name = 'Attachments1765238400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE attachments (
        id               uuid PRIMARY KEY,
        message_id       uuid REFERENCES messages (id) ON DELETE CASCADE,
        claim_message_id uuid REFERENCES claim_messages (id) ON DELETE CASCADE,
        name             text NOT NULL,
        content_type     text NOT NULL,
        size             integer NOT NULL CHECK (size > 0),
        storage_key      text NOT NULL UNIQUE,
        position         smallint NOT NULL,
        uploaded_by      uuid NOT NULL REFERENCES users (id),
        created_at       timestamptz NOT NULL,
        CHECK ((message_id IS NULL) <> (claim_message_id IS NULL))
      )`);
    await db.query(`CREATE INDEX attachments_message_idx ON attachments (message_id) WHERE message_id IS NOT NULL`);
    await db.query(
      `CREATE INDEX attachments_claim_message_idx ON attachments (claim_message_id) WHERE claim_message_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE attachments`);
  }
}
