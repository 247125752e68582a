/**
 * The key whose hash is $1, with whether it may be used now (not revoked,
 * not expired), noting it as used now unless it was within $2 seconds: one
 * round trip per request made with a key.
 */
export const AUTHENTICATE_KEY = `
WITH found AS (
  SELECT id, name, prefix, scopes, last_used_at,
         revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AS usable
    FROM api_keys WHERE key_hash = $1
), touched AS (
  UPDATE api_keys k SET last_used_at = now()
    FROM found f
   WHERE k.id = f.id AND f.usable AND (f.last_used_at IS NULL OR f.last_used_at < now() - make_interval(secs => $2))
)
SELECT id, name, prefix, scopes, usable FROM found`;

const VIEW_COLUMNS = `id, name, prefix, scopes, created_by, created_at, expires_at, revoked_at, last_used_at`;

/** Stores a new key: $1 id, $2 name, $3 prefix, $4 hash, $5 scopes, $6 created by, $7 at, $8 expires at (or null). */
export const INSERT_KEY = `
INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_by, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING ${VIEW_COLUMNS}`;

/** Keys newest first (revoked ones too), up to $1, after the cursor ($2 created at, $3 id) when given. */
export const LIST_KEYS = `
SELECT ${VIEW_COLUMNS} FROM api_keys
 WHERE $2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid)
 ORDER BY created_at DESC, id DESC
 LIMIT $1`;

/** Key $1, locked for its revocation. */
export const LOCK_KEY = `SELECT ${VIEW_COLUMNS} FROM api_keys WHERE id = $1 FOR UPDATE`;

/** Revokes key $1 at $2 (a key revoked before keeps its first revocation). */
export const REVOKE_KEY = `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`;
