import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The conversation core (docs/architecture.md): a phishing report knows the
 * kind of message it is about (a case's or a claim's) without the Message
 * Center item it was made from, which Trash may have purged since; and the
 * claims sweep records a claim it could not process, as the SLA sweep does
 * a case, and goes on with the rest.
 */
export class ConversationCore1765584000000 implements MigrationInterface {
  name = 'ConversationCore1765584000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inbox_reports ADD COLUMN message_kind text CHECK (message_kind IN ('case', 'claim'))`);
    await db.query(`
      UPDATE inbox_reports r SET message_kind = CASE
          WHEN EXISTS (SELECT 1 FROM messages m WHERE m.id = r.message_id) THEN 'case'
          WHEN EXISTS (SELECT 1 FROM claim_messages m WHERE m.id = r.message_id) THEN 'claim'
        END
       WHERE r.message_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE claims_sweep_failures (
        id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
        error    text NOT NULL,
        at       timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX claims_sweep_failures_claim_idx ON claims_sweep_failures (claim_id, at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE claims_sweep_failures`);
    await db.query(`ALTER TABLE inbox_reports DROP COLUMN message_kind`);
  }
}
