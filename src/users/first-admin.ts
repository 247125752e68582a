import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { hashPassword } from '../auth/password.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@parley.local';

export interface FirstAdmin {
  id: string;
  email: string;
  /** Set only when Parley generated the password: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * Creates the first admin when the database has none. Run under the schema
 * lock, so instances starting together create it once.
 */
export async function ensureFirstAdmin(
  db: DataSource,
  now: Date,
  given: { email?: string; password?: string },
): Promise<FirstAdmin | undefined> {
  const [{ exists }]: { exists: boolean }[] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS exists`,
  );
  if (exists) return undefined;
  const email = (given.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  const generatedPassword = given.password ? undefined : randomBytes(18).toString('base64url');
  const inserted: { id: string }[] = await db.query(
    `INSERT INTO users (email, password_hash, role, display_name, created_at, updated_at)
     VALUES ($1, $2, 'admin', 'Administrator', $3, $3)
     ON CONFLICT (email) DO NOTHING RETURNING id`,
    [email, await hashPassword(given.password ?? generatedPassword!), now],
  );
  if (inserted.length === 0) {
    throw new Error(
      `No admin exists, and ${email} is taken by a user of another role: set ADMIN_EMAIL to a free address`,
    );
  }
  return { id: inserted[0].id, email, generatedPassword };
}
