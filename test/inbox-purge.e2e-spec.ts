import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { startTestApp, TestApp } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const DAY = 86_400_000;

/** Trash is emptied after 30 days (docs/inbox.md), whatever else happened to an item meanwhile. */
describe('the Trash purge', () => {
  let t: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const purge = async () =>
    (await t.http.post('/admin/jobs/inbox-purge/run').set('Authorization', as(admin)).expect(200)).body
      .purged as number;
  const exists = async (itemId: string) =>
    (await t.sql.query(`SELECT 1 FROM inbox_items WHERE id = $1`, [itemId])).rows.length === 1;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('deletes an item hidden while in Trash (reported from there), which no Trash count shows, 30 days after it went to Trash', async () => {
    t.clock.set('2026-03-02T18:00:00Z');
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    await orderWithCase(t, admin, buyer, seller);
    const [item] = (await t.http.get('/inbox').set('Authorization', as(seller)).expect(200)).body
      .items as InboxItemView[];
    await t.http
      .post('/inbox/delete')
      .set('Authorization', as(seller))
      .send({ ids: [item.id] })
      .expect(200);
    const report = await t.http.post(`/inbox/${item.id}/report`).set('Authorization', as(seller)).send({}).expect(202);
    // Hidden: out of Trash as the seller sees it, and out of its count.
    expect(
      (await t.http.get('/inbox').query({ in: 'trash' }).set('Authorization', as(seller)).expect(200)).body.items,
    ).toEqual([]);
    expect((await t.http.get('/inbox/counts').set('Authorization', as(seller)).expect(200)).body.trash).toBe(0);

    t.clock.advance(30 * DAY - 1000);
    await purge();
    expect(await exists(item.id)).toBe(true);

    t.clock.advance(2000);
    expect(await purge()).toBe(1);
    expect(await exists(item.id)).toBe(false);
    expect((await t.http.get('/inbox/counts').set('Authorization', as(seller)).expect(200)).body.trash).toBe(0);
    // The report stays for support, without its item.
    expect(
      (await t.sql.query(`SELECT item_id, status FROM inbox_reports WHERE id = $1`, [report.body.id])).rows,
    ).toEqual([{ item_id: null, status: 'open' }]);
  });
});
