import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change that can end a user's sessions or change what they may do (a
 * new auth version, disabling, a role change, a revoked token, a deleted
 * user) NOTIFYs `parley_sessions` with the user's id, from a trigger, so no
 * code path can forget to: every instance drops what it cached about that
 * user as soon as the change commits.
 */
export class SessionEvents1765324800000 implements MigrationInterface {
  name = 'SessionEvents1765324800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'revoked_tokens' THEN
          PERFORM pg_notify('parley_sessions', NEW.user_id::text);
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('parley_sessions', OLD.id::text);
        ELSE
          PERFORM pg_notify('parley_sessions', NEW.id::text);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER users_session_change AFTER UPDATE OF role, auth_version, disabled_at ON users
        FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.auth_version IS DISTINCT FROM NEW.auth_version OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at)
        EXECUTE FUNCTION notify_session_change()`);
    await db.query(
      `CREATE TRIGGER users_session_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION notify_session_change()`,
    );
    await db.query(
      `CREATE TRIGGER revoked_tokens_session_change AFTER INSERT ON revoked_tokens FOR EACH ROW EXECUTE FUNCTION notify_session_change()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER revoked_tokens_session_change ON revoked_tokens`);
    await db.query(`DROP TRIGGER users_session_delete ON users`);
    await db.query(`DROP TRIGGER users_session_change ON users`);
    await db.query(`DROP FUNCTION notify_session_change()`);
  }
}
