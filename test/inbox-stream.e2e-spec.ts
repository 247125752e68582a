import { startTestApp, TestApp } from './support/app.js';
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
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const events: Event[] = [];
  const waiters: (() => void)[] = [];
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
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
    items: () => events.filter((e) => e.event === 'item'),
    /** Waits until `predicate` holds over the events so far (or fails after 5 s). */
    async until(predicate: (events: Event[]) => boolean): Promise<void> {
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
  const say = async (body: string) => a.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body }).expect(201);

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
      .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Lamp', body: 'Does it come with a bulb?' })
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
      expect(device.items()[0].data).toMatchObject({ category: 'seller_messages', snippet: 'Yes, a warm white one.', caseId });
      await device.until((events) => events.some((e) => e.event === 'counts' && (e.data.unread as { seller_messages: number }).seller_messages === 1));
    }
    const lastSeen = laptop.items()[0].id!;

    // The laptop goes offline; three more replies arrive meanwhile (one through each instance).
    laptop.close();
    await say('Also: it is dimmable.');
    await b.http.post(`/cases/${caseId}/messages`).set('Authorization', as(seller)).send({ body: 'And ships tomorrow.' }).expect(201);
    await say('Thanks for asking!');
    await phone.until(() => phone.items().length === 4);

    const back = await connect(urlB, a.tokenFor(buyer), lastSeen);
    await back.until(() => back.items().length === 3);
    expect(back.items().map((e) => e.data.snippet)).toEqual(['Also: it is dimmable.', 'And ships tomorrow.', 'Thanks for asking!']);
    expect(back.items().map((e) => Number(e.id))).toEqual([Number(lastSeen) + 1, Number(lastSeen) + 2, Number(lastSeen) + 3]);

    // Marking read on one device updates the counts on the other.
    await a.http.post('/inbox/read').set('Authorization', as(buyer)).send({ filter: {} }).expect(200);
    await back.until((events) => events.some((e) => e.event === 'counts' && (e.data.unread as { total: number }).total === 0));
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
    expect(stream.items()[0].data).toMatchObject({ category: 'promotions', subject: 'Weekend sale', sender: { kind: 'marketplace', verified: true } });
    await stream.until((events) => events.some((e) => e.event === 'counts' && (e.data.unread as { promotions: number }).promotions === 1));
    // Reading on the other instance finds that same item, not a second one.
    const listed = (await a.http.get('/inbox?category=promotions').set('Authorization', as(listener)).expect(200)).body.items;
    expect(listed.map((item: { id: string }) => item.id)).toEqual([stream.items()[0].data.id]);
    stream.close();
  });

  it('a stream is the caller’s: without a token 401; a seller’s stream never carries the buyer’s items', async () => {
    const anonymous = await fetch(urlA);
    expect(anonymous.status).toBe(401);
    const sellerStream = await connect(urlA, a.tokenFor(seller));
    await sellerStream.until((events) => events.some((e) => e.event === 'counts'));
    await say('One more thing for the buyer.');
    await a.http.post(`/cases/${caseId}/messages`).set('Authorization', as(buyer)).send({ body: 'Great, thanks!' }).expect(201);
    await sellerStream.until(() => sellerStream.items().length === 1);
    expect(sellerStream.items()[0].data).toMatchObject({ category: 'buyer_messages', snippet: 'Great, thanks!' });
    sellerStream.close();
  });
});
