import type { ClaimView } from '../../src/claims/claims.dto.js';
import type { TestApp } from './app.js';
import { createOrder, TestUser } from './factories.js';

/** An order of `buyer` with `seller` and the buyer's case about it, opened at the app clock's current time. */
export async function orderWithCase(
  t: TestApp,
  admin: TestUser,
  buyer: TestUser,
  seller: TestUser,
  order: Record<string, unknown> = {},
): Promise<{ orderId: string; externalId: string; caseId: string }> {
  const created = await createOrder(t.http, t.tokenFor(admin), buyer.id, seller.id, order);
  const opened = await t.http
    .post('/cases')
    .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
    .send({
      sellerId: seller.id,
      orderId: created.id,
      topic: 'damaged_or_defective',
      subject: 'It arrived broken',
      body: 'The screen is cracked.',
    })
    .expect(201);
  return { orderId: created.id, externalId: created.externalId, caseId: opened.body.id as string };
}

/** Files a claim as `buyer` and expects 201. */
export async function fileClaim(
  t: TestApp,
  buyer: TestUser,
  orderId: string,
  fields: Record<string, unknown> = {},
): Promise<ClaimView> {
  const response = await t.http
    .post('/claims')
    .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
    .send({
      orderId,
      reason: 'damaged_or_defective',
      body: 'The screen is cracked and the seller does not answer.',
      ...fields,
    });
  if (response.status !== 201) throw new Error(`claim not filed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
