import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Trash purge finds items hidden while in Trash (a phishing report, a
 * quarantine) through an index of hidden items: no counter shows them, so
 * walking the users whose counters say they have Trash missed them and they
 * were never deleted. It mentions `hidden_at` only in its predicate: hiding
 * and showing (rare) are no longer HOT updates, while marking read and Trash
 * still are (docs/performance.md).
 */
export class InboxHiddenItems1765497600000 implements MigrationInterface {
  name = 'InboxHiddenItems1765497600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX inbox_items_hidden_idx ON inbox_items (user_id) WHERE hidden_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX inbox_items_hidden_idx`);
  }
}
