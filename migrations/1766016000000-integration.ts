import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a marketplace's systems need to connect (docs/integration.md):
 *
 * - `api_keys`: the marketplace's systems' keys. Only a SHA-256 of each key
 *   is kept (a key is 32 random bytes: a slow hash would add nothing but
 *   time to every request); `prefix` is the key's first characters, shown in
 *   lists and logs to recognise it. Revoked keys stay, so the audit log can
 *   still name them.
 * - `audit_log.actor_key_id`: the key that acted, for the entries of a key
 *   (its `actor_id` is then null: a key is not a person).
 * - `users.external_id`: the marketplace's own id of a person, unique where
 *   set; people made by the marketplace's systems have one.
 * - `users.password_hash` may be null: a person the marketplace made has no
 *   password until they set one from an invitation, or signs in through the
 *   marketplace's identity provider.
 */
export class Integration1766016000000 implements MigrationInterface {
  name = 'Integration1766016000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id           uuid PRIMARY KEY,
        name         text NOT NULL,
        prefix       text NOT NULL,
        key_hash     bytea NOT NULL UNIQUE,
        scopes       text[] NOT NULL,
        created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz,
        revoked_at   timestamptz,
        last_used_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_keys_created_idx ON api_keys (created_at DESC, id DESC)`);
    await db.query(`ALTER TABLE audit_log ADD COLUMN actor_key_id uuid REFERENCES api_keys (id)`);
    await db.query(`ALTER TABLE users ADD COLUMN external_id text`);
    await db.query(`CREATE UNIQUE INDEX users_external_id_key ON users (external_id) WHERE external_id IS NOT NULL`);
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE users SET password_hash = '!' WHERE password_hash IS NULL`);
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`);
    await db.query(`DROP INDEX users_external_id_key`);
    await db.query(`ALTER TABLE users DROP COLUMN external_id`);
    await db.query(`ALTER TABLE audit_log DROP COLUMN actor_key_id`);
    await db.query(`DROP TABLE api_keys`);
  }
}
