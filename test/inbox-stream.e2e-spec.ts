import { JwtService } from '@nestjs/jwt';
import { connect as connectSocket } from 'node:net';
import { tokenClaims } from '../src/auth/auth.service.js';
import { InboxStreamService, STREAM_BUFFER_BYTES } from '../src/inbox/inbox-stream.service.js';
import { listen, startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

interface Event {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** A Server-Sent Events client over fetch: collects the events of one stream until closed. */
async function connect(url: string, token: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  const events: Event[] = [];
  const waiters: (() => void)[] = [];
  const state = { ended: false };
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          state.ended = true;
          waiters.splice(0).forEach((wake) => wake());
          return;
        }
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            frame
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    /** Whether the server ended the stream. */
    ended: () => state.ended,
    items: () => events.filter((e) => e.event === 'item'),
    /** Waits until `predicate` holds over the events so far (or fails after 5 s). */
    async until(predicate: (events: Event[]) => boolean | undefined): Promise<void> {
      const deadline = Date.now() + 5000;
      while (!predicate(events)) {
        if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => controller.abort(),
  };
}

/** Two instances of Parley on one database: a user's streams on either instance get every item, live, and a reconnect resumes without a loss. */
describe('live Message Center updates across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let urlA: string;
  let urlB: string;
  let buyer: TestUser;
  let seller: TestUser;
  let caseId: string;
  const as = (user: TestUser) => `Bearer ${a.tokenFor(user)}`;
  const say = async (body: string) =>
    a.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body }).expect(201);

  beforeAll(async () => {
    a = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    b = await startTestApp({ database: a.database, env: { POST_RATE_LIMIT_PER_MINUTE: '1000' } });
    await a.app.listen(0, '127.0.0.1');
    await b.app.listen(0, '127.0.0.1');
    urlA = `${await a.app.getUrl()}/inbox/stream`.replace('[::1]', '127.0.0.1');
    urlB = `${await b.app.getUrl()}/inbox/stream`.replace('[::1]', '127.0.0.1');
    buyer = await createUser(a.sql, 'buyer');
    seller = await createUser(a.sql, 'seller');
    const opened = await a.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({
        sellerId: seller.id,
        listingRef: 'l',
        topic: 'question',
        subject: 'Lamp',
        body: 'Does it come with a bulb?',
      })
      .expect(201);
    caseId = opened.body.id;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('two devices on two instances get each new item and the counts; a device that reconnects with Last-Event-ID gets exactly what it missed', async () => {
    const phone = await connect(urlA, a.tokenFor(buyer));
    const laptop = await connect(urlB, a.tokenFor(buyer));
    expect([phone.status, laptop.status]).toEqual([200, 200]);
    expect(phone.contentType).toMatch(/^text\/event-stream/);
    await phone.until((events) => events.some((e) => e.event === 'counts'));
    await laptop.until((events) => events.some((e) => e.event === 'counts'));

    await say('Yes, a warm white one.');
    for (const device of [phone, laptop]) {
      await device.until(() => device.items().length === 1);
      expect(device.items()[0].data).toMatchObject({
        category: 'seller_messages',
        snippet: 'Yes, a warm white one.',
        caseId,
      });
      await device.until((events) =>
        events.some(
          (e) => e.event === 'counts' && (e.data.unread as { seller_messages: number }).seller_messages === 1,
        ),
      );
    }
    const lastSeen = laptop.items()[0].id!;

    // The laptop goes offline; three more replies arrive meanwhile (one through each instance).
    laptop.close();
    await say('Also: it is dimmable.');
    await b.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'And ships tomorrow.' })
      .expect(201);
    await say('Thanks for asking!');
    await phone.until(() => phone.items().length === 4);

    const back = await connect(urlB, a.tokenFor(buyer), lastSeen);
    await back.until(() => back.items().length === 3);
    expect(back.items().map((e) => e.data.snippet)).toEqual([
      'Also: it is dimmable.',
      'And ships tomorrow.',
      'Thanks for asking!',
    ]);
    expect(back.items().map((e) => Number(e.id))).toEqual([
      Number(lastSeen) + 1,
      Number(lastSeen) + 2,
      Number(lastSeen) + 3,
    ]);

    // Marking read on one device updates the counts on the other.
    await a.http.post('/inbox/read').set('Authorization', as(buyer)).send({ filter: {} }).expect(200);
    await back.until((events) =>
      events.some((e) => e.event === 'counts' && (e.data.unread as { total: number }).total === 0),
    );
    phone.close();
    back.close();
  });

  it('a broadcast sent through one instance reaches the streams open on the other, once', async () => {
    const admin = await createUser(a.sql, 'admin');
    const listener = await createUser(a.sql, 'buyer');
    const stream = await connect(urlB, a.tokenFor(listener));
    await stream.until((events) => events.some((e) => e.event === 'counts'));
    await a.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject: 'Weekend sale', body: 'Everything half price', audience: 'buyers' })
      .expect(201);
    await stream.until(() => stream.items().length === 1);
    expect(stream.items()[0].data).toMatchObject({
      category: 'promotions',
      subject: 'Weekend sale',
      sender: { kind: 'marketplace', verified: true },
    });
    await stream.until((events) =>
      events.some((e) => e.event === 'counts' && (e.data.unread as { promotions: number }).promotions === 1),
    );
    // Reading on the other instance finds that same item, not a second one.
    const listed = (await a.http.get('/inbox?category=promotions').set('Authorization', as(listener)).expect(200)).body
      .items;
    expect(listed.map((item: { id: string }) => item.id)).toEqual([stream.items()[0].data.id]);
    stream.close();
  });

  it('a stream is the caller’s: without a token 401; a seller’s stream never carries the buyer’s items', async () => {
    const anonymous = await fetch(urlA);
    expect(anonymous.status).toBe(401);
    const sellerStream = await connect(urlA, a.tokenFor(seller));
    await sellerStream.until((events) => events.some((e) => e.event === 'counts'));
    await say('One more thing for the buyer.');
    await a.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(buyer))
      .send({ body: 'Great, thanks!' })
      .expect(201);
    await sellerStream.until(() => sellerStream.items().length === 1);
    expect(sellerStream.items()[0].data).toMatchObject({ category: 'buyer_messages', snippet: 'Great, thanks!' });
    sellerStream.close();
  });
});

/** What bounds a stream: its session, its lifetime, the streams per user, the replay after Last-Event-ID, and a client that does not read. */
describe('live streams are bounded', () => {
  let t: TestApp;
  let url: string;
  const streams = () => t.app.get(InboxStreamService).stats();

  /** `count` Message Center items for `user`, straight into the table (as deliveries would write them). */
  async function seedItems(user: TestUser, count: number, bodyLength = 200): Promise<number> {
    const { rows } = await t.sql.query(
      `WITH made AS (
         INSERT INTO inbox_items (user_id, seq, category, kind, sender_kind, sender_name, subject, body, created_at, search)
         SELECT $1, coalesce((SELECT seq FROM inbox_counters WHERE user_id = $1), 0) + g, 'notices', 'broadcast', 'marketplace', 'Marketplace', 'Notice ' || g, repeat('x', $3), now(), ''::tsvector
           FROM generate_series(1, $2) AS g RETURNING seq)
       INSERT INTO inbox_counters (user_id, seq) SELECT $1, max(seq) FROM made
       ON CONFLICT (user_id) DO UPDATE SET seq = EXCLUDED.seq RETURNING seq`,
      [user.id, count, bodyLength],
    );
    return Number(rows[0].seq);
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { STREAM_MAX_PER_USER: '3', STREAM_REPLAY_LIMIT: '50' } });
    url = `${await listen(t)}/inbox/stream`;
  });
  afterAll(() => t.close());

  it('ends within moments of a logout, and of the account being disabled; the ended session cannot reconnect', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const token = t.tokenFor(buyer);
    const stream = await connect(url, token);
    await stream.until((events) => events.some((e) => e.event === 'counts'));
    await t.http.post('/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    await stream.until(() => stream.ended());
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    const other = await createUser(t.sql, 'buyer');
    const second = await connect(url, t.tokenFor(other));
    await second.until((events) => events.some((e) => e.event === 'counts'));
    await t.sql.query('UPDATE users SET disabled_at = now() WHERE id = $1', [other.id]);
    await second.until(() => second.ended());
    expect(streams().streams).toBe(0);
  });

  it('ends when its session expires (or after STREAM_MAX_LIFETIME_SECONDS, whichever is first), so the client reconnects and is authenticated again', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const shortLived = t.app.get(JwtService).sign(tokenClaims(buyer.id), { expiresIn: 2 });
    const started = Date.now();
    const stream = await connect(url, shortLived);
    await stream.until((events) => events.some((e) => e.event === 'counts'));
    await stream.until(() => stream.ended());
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('keeps at most STREAM_MAX_PER_USER streams of one user: the oldest closes first', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const opened: Awaited<ReturnType<typeof connect>>[] = [];
    for (let i = 0; i < 4; i++) {
      const stream = await connect(url, t.tokenFor(buyer));
      await stream.until((events) => events.some((e) => e.event === 'counts'));
      opened.push(stream);
    }
    await opened[0].until(() => opened[0].ended());
    expect(opened.slice(1).map((stream) => stream.ended())).toEqual([false, false, false]);
    expect(streams()).toMatchObject({ streams: 3, users: 1 });
    opened.forEach((stream) => stream.close());
  });

  it('replays at most STREAM_REPLAY_LIMIT items after Last-Event-ID; further behind, a reload event and then what comes next', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const newest = await seedItems(buyer, 120);
    const near = await connect(url, t.tokenFor(buyer), String(newest - 5));
    await near.until((events) => events.some((e) => e.event === 'counts'));
    expect(near.items().map((item) => Number(item.id))).toEqual([
      newest - 4,
      newest - 3,
      newest - 2,
      newest - 1,
      newest,
    ]);
    near.close();

    const far = await connect(url, t.tokenFor(buyer), '0');
    await far.until((events) => events.some((e) => e.event === 'counts'));
    expect(far.events[0]).toEqual({ id: String(newest), event: 'reload', data: {} });
    expect(far.items()).toEqual([]);
    await seedItems(buyer, 1);
    await t.sql.query(`SELECT pg_notify('parley_inbox', $1)`, [buyer.id]);
    await far.until(() => far.items().length === 1);
    expect(Number(far.items()[0].id)).toBe(newest + 1);
    far.close();
  });

  it('a client that does not read holds the server to a bounded buffer, however far behind it asked to start', async () => {
    const wide = await startTestApp({ database: t.database, env: { STREAM_REPLAY_LIMIT: '100000' } });
    const wideStreams = () => wide.app.get(InboxStreamService).stats();
    try {
      const widePort = Number(new URL(await listen(wide)).port);
      const buyer = await createUser(t.sql, 'buyer');
      await seedItems(buyer, 20_000, 190);
      // About 12 MB of events wait for this client, which reads nothing.
      const socket = connectSocket(widePort, '127.0.0.1', () => {
        socket.write(
          `GET /inbox/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${wide.tokenFor(buyer)}\r\nLast-Event-ID: 0\r\n\r\n`,
        );
        socket.pause();
      });
      socket.on('error', () => undefined);
      let peak = 0;
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        peak = Math.max(peak, wideStreams().bufferedBytes);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(wideStreams().streams).toBe(1);
      // One catch-up batch (200 items) beyond what the socket took, at most.
      expect(peak).toBeLessThanOrEqual(STREAM_BUFFER_BYTES);
      socket.destroy();
    } finally {
      await wide.close();
    }
  });
});
