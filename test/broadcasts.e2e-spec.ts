import type { InboxItemView } from '../src/inbox/inbox.dto.js';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * Broadcasts reach each user's Message Center when that user next looks
 * (docs/inbox.md, "Broadcasts"): only their audience, never twice, with
 * exact counts, through every way of looking.
 */
describe('broadcasts', () => {
  let t: TestApp;
  let admin: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const send = async (subject: string, audience = 'buyers', category = 'promotions') =>
    (
      await t.http
        .post('/admin/broadcasts')
        .set('Authorization', as(admin))
        .send({ category, subject, body: `${subject}: details`, audience })
        .expect(201)
    ).body as {
      id: string;
      recipients: number;
    };
  const inbox = async (user: TestUser, query: Record<string, string> = {}) =>
    (
      (await t.http.get('/inbox').query(query).set('Authorization', as(user)).expect(200)).body as {
        items: InboxItemView[];
      }
    ).items;
  const stored = async (user: TestUser) =>
    (
      await t.sql.query(
        `SELECT subject, seq::int AS seq FROM inbox_items WHERE user_id = $1 AND kind = 'broadcast' ORDER BY seq`,
        [user.id],
      )
    ).rows as {
      subject: string;
      seq: number;
    }[];

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '10000' } });
    admin = await createUser(t.sql, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('reaches its audience when each user looks: not other roles, not accounts made after it, once under 20 concurrent reads, counts exact', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const sent = await send('Spring sale');
    const buyers = Number(
      (await t.sql.query(`SELECT count(*)::int AS n FROM users WHERE role = 'buyer' AND disabled_at IS NULL`)).rows[0]
        .n,
    );
    expect(sent.recipients).toBe(buyers);
    const latecomer = await createUser(t.sql, 'buyer');
    expect(await stored(buyer)).toEqual([]);

    // Twenty requests of every kind at once, as the buyer's first look: one item, counted once.
    const reads = Array.from({ length: 20 }, (_, n) =>
      [
        () => t.http.get('/inbox').set('Authorization', as(buyer)).expect(200),
        () => t.http.get('/inbox/counts').set('Authorization', as(buyer)).expect(200),
        () => t.http.get('/inbox?q=spring').set('Authorization', as(buyer)).expect(200),
        () =>
          t.http
            .post('/inbox/unread')
            .set('Authorization', as(buyer))
            .send({ filter: { category: 'notices' } })
            .expect(200),
      ][n % 4](),
    );
    await Promise.all(reads);
    expect((await stored(buyer)).map((item) => item.subject)).toEqual(['Spring sale']);
    const counts = (await t.http.get('/inbox/counts').set('Authorization', as(buyer)).expect(200)).body;
    expect(counts.unread).toMatchObject({ promotions: 1, total: 1 });
    const [found] = await inbox(buyer, { q: 'spring' });
    expect(found.snippet).toBe('«Spring» sale: details');
    expect(
      (
        await t.http
          .post('/inbox/read')
          .set('Authorization', as(buyer))
          .send({ ids: [found.id] })
          .expect(200)
      ).body,
    ).toEqual({ updated: 1, notFound: [] });

    expect(await inbox(seller)).toEqual([]);
    expect(await inbox(latecomer)).toEqual([]);
    expect(await stored(seller)).toEqual([]);
    expect(await stored(latecomer)).toEqual([]);
  });

  it('broadcasts sent at once all arrive, in the order they were sent, also through a bulk action or a report', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    await inbox(buyer);
    await Promise.all(['One', 'Two', 'Three', 'Four'].map((subject) => send(subject)));
    // A bulk action over a filter is a way of looking too: the broadcasts arrive, then go to Trash.
    const deleted = await t.http
      .post('/inbox/delete')
      .set('Authorization', as(buyer))
      .send({ filter: { category: 'promotions' } })
      .expect(200);
    expect(deleted.body.updated).toBe(4);
    const items = await stored(buyer);
    expect(items.map((item) => item.subject).sort()).toEqual(['Four', 'One', 'Three', 'Two']);
    const order = (
      await t.sql.query(`SELECT subject FROM broadcasts WHERE subject = ANY ($1) ORDER BY seq`, [
        ['One', 'Two', 'Three', 'Four'],
      ])
    ).rows.map((row) => row.subject);
    expect(items.map((item) => item.subject)).toEqual(order);
    expect((await t.http.get('/inbox/counts').set('Authorization', as(buyer)).expect(200)).body).toMatchObject({
      trash: 4,
      unread: { total: 0 },
    });

    // Reporting a broadcast the user was sent (by the id its email links to) before ever looking.
    const other = await createUser(t.sql, 'buyer');
    const notice = await send('Verify your account here', 'all', 'notices');
    const [{ item_id: itemId }] = (
      await t.sql.query(
        `SELECT payload->>'itemId' AS item_id FROM outbox WHERE recipient_id = $1 AND payload->>'broadcastId' = $2`,
        [other.id, notice.id],
      )
    ).rows;
    // A UUID like any other (version 8, RFC 9562), so every endpoint that takes ids takes it.
    expect(itemId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await t.http.post(`/inbox/${itemId}/report`).set('Authorization', as(other)).send({ reason: 'odd' }).expect(202);
    expect(await inbox(other, { category: 'notices' })).toEqual([]);
  });
});
