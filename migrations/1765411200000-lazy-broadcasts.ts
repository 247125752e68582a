import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Broadcasts reach each user's Message Center when that user next looks
 * (docs/inbox.md, "Broadcasts"): broadcasts are numbered in the order they
 * commit, and each user's counters row remembers the last one delivered to
 * that user, and each user the newest broadcast when the account was made
 * (those are not for it). The broadcasts sent before this migration were
 * already delivered to everyone they were for.
 */
export class LazyBroadcasts1765411200000 implements MigrationInterface {
  name = 'LazyBroadcasts1765411200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE broadcasts ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`);
    await db.query(`ALTER TABLE broadcasts ADD CONSTRAINT broadcasts_seq_key UNIQUE (seq)`);
    await db.query(`ALTER TABLE inbox_counters ADD COLUMN broadcast_seq bigint NOT NULL DEFAULT 0`);
    await db.query(`UPDATE inbox_counters SET broadcast_seq = (SELECT COALESCE(max(seq), 0) FROM broadcasts)`);
    await db.query(
      `CREATE FUNCTION latest_broadcast_seq() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT COALESCE(max(seq), 0) FROM broadcasts $$`,
    );
    await db.query(`ALTER TABLE users ADD COLUMN broadcast_seq_at_join bigint NOT NULL DEFAULT 0`);
    await db.query(`UPDATE users SET broadcast_seq_at_join = latest_broadcast_seq()`);
    await db.query(`ALTER TABLE users ALTER COLUMN broadcast_seq_at_join SET DEFAULT latest_broadcast_seq()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN broadcast_seq_at_join`);
    await db.query(`DROP FUNCTION latest_broadcast_seq()`);
    await db.query(`ALTER TABLE inbox_counters DROP COLUMN broadcast_seq`);
    await db.query(`ALTER TABLE broadcasts DROP COLUMN seq`);
  }
}
