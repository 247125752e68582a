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
  overrides: {
    email?: string;
    password?: string;
    timeZone?: string;
    country?: string;
    subdivision?: string | null;
    workingDays?: number[];
    openingHours?: Record<string, string[]>;
  } = {},
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
    const definition = {
      timeZone: overrides.timeZone ?? 'America/Los_Angeles',
      workingDays: overrides.workingDays ?? [1, 2, 3, 4, 5],
      holidays: {
        country: overrides.country ?? 'US',
        subdivision: overrides.subdivision === undefined ? 'CA' : overrides.subdivision,
      },
      closures: [],
      ...(overrides.openingHours ? { openingHours: overrides.openingHours } : {}),
    };
    // Effective since long before any test's clock, as for a seller that has been around.
    const since = new Date('2000-01-01T00:00:00Z');
    await sql.query(
      `WITH calendar AS (INSERT INTO calendars (kind, seller_id, created_at) VALUES ('seller', $1, $2) RETURNING id)
       INSERT INTO calendar_versions (calendar_id, version, effective_from, definition, note, created_at)
       SELECT id, 1, $2, $3, 'created', $2 FROM calendar`,
      [id, since, JSON.stringify(definition)],
    );
  }
  return { id, email, role, password };
}

/** An order placed by `buyerId` with `sellerId`, through the integration endpoint. */
export async function createOrder(
  http: { post(path: string): import('supertest').Test },
  adminToken: string,
  buyerId: string,
  sellerId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; externalId: string }> {
  const response = await http
    .post('/orders')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({
      externalId: `MKT-${randomUUID().slice(0, 8)}`,
      buyerId,
      sellerId,
      placedAt: '2026-02-20T12:00:00Z',
      maxDeliveryDate: '2026-03-01',
      total: { amount: 2599, currency: 'USD' },
      items: [{ title: 'Laptop sleeve', quantity: 1 }],
      ...overrides,
    });
  if (response.status !== 201)
    throw new Error(`order not created: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A question case opened by `buyer` with `sellerId` through the API (201 expected); `fields` override the defaults. */
export async function openCase(
  app: { http: { post(path: string): import('supertest').Test }; tokenFor(user: { id: string; role: string }): string },
  buyer: TestUser,
  sellerId: string,
  fields: { subject?: string; body?: string; listingRef?: string } = {},
): Promise<string> {
  const response = await app.http
    .post('/cases')
    .set('Authorization', `Bearer ${app.tokenFor(buyer)}`)
    .send({
      sellerId,
      listingRef: 'l',
      topic: 'question',
      subject: 'Question',
      body: 'Is it still available?',
      ...fields,
    })
    .expect(201);
  return response.body.id as string;
}
