/** Token $1 of user $2 is refused from now until it expires at $3 (a trigger tells every instance). */
export const REVOKE_TOKEN = `INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING`;

/** Drops the revoked token ids past their expiry (those tokens are refused anyway); a row per id dropped. */
export const PURGE_REVOKED_TOKENS = `WITH gone AS (DELETE FROM revoked_tokens WHERE expires_at < now() RETURNING 1) SELECT 1 FROM gone`;
