import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions that can be ended (a version per user that password changes and
 * disabling bump; revoked token ids), limits shared by every instance, and an
 * audit log of admin and agent actions.
 */
export class Hardening1764979200000 implements MigrationInterface {
  name = 'Hardening1764979200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE users ADD COLUMN disabled_at timestamptz, ADD COLUMN auth_version integer NOT NULL DEFAULT 1`,
    );
    // A subject goes through the content policy like a message: \`subject\` is what the seller sees, the original kept when it differs.
    await db.query(`ALTER TABLE cases ADD COLUMN subject_original text`);
    await db.query(`
      CREATE TABLE revoked_tokens (
        jti        uuid PRIMARY KEY,
        user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX revoked_tokens_expiry_idx ON revoked_tokens (expires_at)`);
    // Counters are cheap to lose (a restart forgets them, as memory would) and written on every login and post: no WAL.
    await db.query(`
      CREATE UNLOGGED TABLE rate_limits (
        key         text PRIMARY KEY,
        count       integer NOT NULL,
        window_ends timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX rate_limits_window_idx ON rate_limits (window_ends)`);
    await db.query(`
      CREATE TABLE audit_log (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor_id     uuid REFERENCES users (id) ON DELETE SET NULL,
        actor_role   text NOT NULL,
        action       text NOT NULL,
        subject_type text NOT NULL,
        subject_id   text,
        at           timestamptz NOT NULL,
        before       jsonb,
        after        jsonb
      )`);
    await db.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, at DESC)`);
    await db.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC)`);
    await db.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await db.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP FUNCTION audit_log_append_only()`);
    await db.query(`DROP TABLE rate_limits`);
    await db.query(`DROP TABLE revoked_tokens`);
    await db.query(`ALTER TABLE cases DROP COLUMN subject_original`);
    await db.query(`ALTER TABLE users DROP COLUMN disabled_at, DROP COLUMN auth_version`);
  }
}
