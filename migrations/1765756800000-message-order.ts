import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claim messages are numbered in the order they are written, as case
 * messages are (`seq`), so two written at the same instant keep their order.
 * Each author's messages of either kind can be read newest first for the
 * Message Center's Sent folder (docs/inbox.md); internal notes are never in
 * it, so they are not in those indexes. The Message Center's lists break ties
 * of the same instant by delivery order (`seq`), so their indexes end in it.
 */
export class MessageOrder1765756800000 implements MigrationInterface {
  name = 'MessageOrder1765756800000';

  async up(db: QueryRunner): Promise<void> {
    // Existing rows are numbered in the order they were written as far as that is known: by instant, then as stored.
    await db.query(`ALTER TABLE claim_messages ADD COLUMN seq bigint`);
    await db.query(
      `UPDATE claim_messages m SET seq = n.seq FROM (SELECT id, row_number() OVER (ORDER BY created_at, ctid) AS seq FROM claim_messages) n WHERE m.id = n.id`,
    );
    await db.query(`ALTER TABLE claim_messages ALTER COLUMN seq SET NOT NULL`);
    await db.query(`ALTER TABLE claim_messages ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY`);
    await db.query(
      `SELECT setval(pg_get_serial_sequence('claim_messages', 'seq'), (SELECT COALESCE(max(seq), 0) + 1 FROM claim_messages), false)`,
    );
    await db.query(`ALTER TABLE claim_messages ADD CONSTRAINT claim_messages_seq_key UNIQUE (seq)`);
    await db.query(`DROP INDEX claim_messages_claim_idx`);
    await db.query(`CREATE INDEX claim_messages_claim_idx ON claim_messages (claim_id, created_at, seq)`);
    await db.query(
      `CREATE INDEX messages_author_idx ON messages (author_id, created_at DESC, seq DESC) WHERE internal = false`,
    );
    await db.query(
      `CREATE INDEX claim_messages_author_idx ON claim_messages (author_id, created_at DESC, seq DESC) WHERE internal = false`,
    );
    await this.inboxOrder(db, 'seq');
  }

  private async inboxOrder(db: QueryRunner, tie: 'seq' | 'id'): Promise<void> {
    await db.query(`DROP INDEX inbox_items_list_idx`);
    await db.query(`DROP INDEX inbox_items_category_idx`);
    await db.query(`CREATE INDEX inbox_items_list_idx ON inbox_items (user_id, created_at DESC, ${tie} DESC)`);
    await db.query(
      `CREATE INDEX inbox_items_category_idx ON inbox_items (user_id, category, created_at DESC, ${tie} DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await this.inboxOrder(db, 'id');
    await db.query(`DROP INDEX claim_messages_author_idx`);
    await db.query(`DROP INDEX messages_author_idx`);
    await db.query(`DROP INDEX claim_messages_claim_idx`);
    await db.query(`ALTER TABLE claim_messages DROP COLUMN seq`);
    await db.query(`CREATE INDEX claim_messages_claim_idx ON claim_messages (claim_id, created_at, id)`);
  }
}
