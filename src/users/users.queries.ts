/**
 * Statements on `users` beyond what its entity does: a session version goes
 * up in the database (`auth_version + 1`), so two changes at once both count.
 */

/** User $1's new password hash $2, at $3; every token issued before it stops working (its session version goes up). */
export const SET_PASSWORD = `UPDATE users SET password_hash = $2, auth_version = auth_version + 1, updated_at = $3 WHERE id = $1`;

/** Ends every session of user $1, at $2: its session version goes up. */
export const END_SESSIONS = `UPDATE users SET auth_version = auth_version + 1, updated_at = $2 WHERE id = $1`;

/** User $1's current role (no row: no such user). */
export const ROLE_OF = `SELECT role FROM users WHERE id = $1`;
