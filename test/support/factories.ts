import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '../../src/auth/password.js';
import type { Role } from '../../src/users/user.entity.js';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  password: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** Inserts a user (and a seller calendar for sellers) straight into the database. */
export async function createUser(
  sql: pg.Pool,
  role: Role,
  overrides: { email?: string; password?: string; timeZone?: string; country?: string; subdivision?: string | null; workingDays?: number[] } = {},
): Promise<TestUser> {
  const id = randomUUID();
  const email = overrides.email ?? `${role}-${id.slice(0, 8)}@example.test`;
  const password = overrides.password ?? TEST_PASSWORD;
  const now = new Date();
  await sql.query(
    `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [id, email, await hashPassword(password), role, `Test ${role}`, now],
  );
  if (role === 'seller') {
    await sql.query(
      `INSERT INTO seller_profiles (user_id, time_zone, holiday_country, holiday_subdivision, working_days) VALUES ($1, $2, $3, $4, $5)`,
      [id, overrides.timeZone ?? 'America/Los_Angeles', overrides.country ?? 'US', overrides.subdivision === undefined ? 'CA' : overrides.subdivision, overrides.workingDays ?? [1, 2, 3, 4, 5]],
    );
  }
  return { id, email, role, password };
}
