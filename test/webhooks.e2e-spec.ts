import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const HOUR = 3_600_000;

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

type Behaviour = 'ok' | 500 | 'hang' | 'close';

/**
 * The marketplace's side, written here: an HTTP endpoint that records every
 * delivery and answers as the test scripts it (a status, no answer at all,
 * or a dropped connection).
 */
async function startReceiver(
  script: Behaviour[] = [],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      const behaviour = script.shift() ?? 'ok';
      if (behaviour === 'hang') return;
      if (behaviour === 'close') {
        req.socket.destroy();
        return;
      }
      res.writeHead(behaviour === 'ok' ? 204 : behaviour).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receiver's own check, as the docs tell integrators to write it: HMAC-SHA256 of "<t>.<raw body>", compared in constant time, at most 5 minutes old. */
function verify(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=')));
  const expected = createHmac('sha256', secret).update(`${fields.t}.${raw}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return (
    given.length === expected.length &&
    timingSafeEqual(given, expected) &&
    Math.abs(Date.now() / 1000 - Number(fields.t)) <= 300
  );
}

describe('webhooks', () => {
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const dispatch = async () =>
    (await t.http.post('/admin/jobs/webhook-dispatch/run').set('Authorization', as(admin)).expect(200)).body;
  const register = async (url: string, events: string[]) =>
    (await t.http.post('/admin/webhooks').set('Authorization', as(admin)).send({ url, events }).expect(201)).body;
  const claimFiled = async () => {
    const { orderId } = await orderWithCase(t, admin, buyer, seller);
    t.clock.advance(5 * 24 * HOUR);
    return fileClaim(t, buyer, orderId);
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_MAX_ATTEMPTS: '4', POST_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2026-03-02T18:00:00Z');
    // Each test hears only what its own endpoint subscribes to from now on.
    await t.sql.query(`UPDATE webhook_endpoints SET deleted_at = now() WHERE deleted_at IS NULL`);
    await t.sql.query(`UPDATE webhook_events SET fanned_out_at = now() WHERE fanned_out_at IS NULL`);
  });

  it('a signed POST per subscribed event, verified by the receiver; the secret is shown once; other events are not sent', async () => {
    const receiver = await startReceiver();
    try {
      const endpoint = await register(receiver.url, ['claim.filed', 'claim.decided']);
      expect(endpoint).toMatchObject({
        url: receiver.url,
        events: ['claim.filed', 'claim.decided'],
        secret: expect.stringMatching(/^whsec_/),
      });
      const listed = (await t.http.get('/admin/webhooks').set('Authorization', as(admin)).expect(200)).body.items;
      expect(listed).toEqual([
        { id: endpoint.id, url: receiver.url, events: ['claim.filed', 'claim.decided'], createdAt: expect.any(String) },
      ]);

      const claim = await claimFiled();
      await t.http.post(`/claims/${claim.id}/withdraw`).set('Authorization', as(buyer)).expect(200); // claim.withdrawn: not subscribed
      expect(await dispatch()).toMatchObject({ delivered: 1, retried: 0, failed: 0 });
      expect(receiver.received).toHaveLength(1);
      const [delivery] = receiver.received;
      expect(verify(endpoint.secret, delivery.raw, delivery.headers['parley-signature'])).toBe(true);
      expect(
        verify(
          endpoint.secret,
          delivery.raw.replace('"claim.filed"', '"claim.decided"'),
          delivery.headers['parley-signature'],
        ),
      ).toBe(false);
      expect(verify('whsec_wrong', delivery.raw, delivery.headers['parley-signature'])).toBe(false);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'claim.filed',
        createdAt: claim.createdAt,
        data: expect.objectContaining({
          claim: expect.objectContaining({
            id: claim.id,
            orderId: claim.orderId,
            amount: { amount: 2599, currency: 'USD' },
          }),
        }),
      });
      expect(delivery.headers['parley-event-id']).toBe(delivery.body.id);
      expect(await dispatch()).toMatchObject({ delivered: 0 }); // nothing twice
    } finally {
      await receiver.close();
    }
  });

  it('an endpoint that answers 500, then does not answer, then drops the connection loses nothing: the same event id until a 2xx', async () => {
    const receiver = await startReceiver([500, 'hang', 'close', 'ok']);
    try {
      const endpoint = await register(receiver.url, ['claim.filed']);
      const claim = await claimFiled();
      for (const expected of [{ retried: 1 }, { retried: 1 }, { retried: 1 }, { delivered: 1 }]) {
        expect(await dispatch()).toMatchObject(expected);
        t.clock.advance(7 * HOUR); // past the longest backoff
      }
      expect(receiver.received).toHaveLength(4);
      expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(1);
      expect(
        receiver.received.every(
          (r) => r.body.type === 'claim.filed' && (r.body.data.claim as { id: string }).id === claim.id,
        ),
      ).toBe(true);
      expect(receiver.received.every((r) => verify(endpoint.secret, r.raw, r.headers['parley-signature']))).toBe(true);
      const deliveries = (
        await t.http.get(`/admin/webhooks/${endpoint.id}/deliveries`).set('Authorization', as(admin)).expect(200)
      ).body.items;
      expect(deliveries).toEqual([
        expect.objectContaining({
          eventId: receiver.received[0].body.id,
          type: 'claim.filed',
          status: 'delivered',
          attempts: 4,
          lastStatusCode: 204,
          lastError: null,
        }),
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('a delivery that keeps failing is failed after the limit, listed for admins, and an admin retry sends it again', async () => {
    const receiver = await startReceiver([500, 500, 500, 500]);
    try {
      const endpoint = await register(receiver.url, ['claim.filed']);
      await claimFiled();
      for (let attempt = 0; attempt < 4; attempt++) {
        await dispatch();
        t.clock.advance(7 * HOUR);
      }
      const failed = (
        await t.http
          .get(`/admin/webhooks/${endpoint.id}/deliveries?status=failed`)
          .set('Authorization', as(admin))
          .expect(200)
      ).body.items;
      expect(failed).toEqual([
        expect.objectContaining({
          status: 'failed',
          attempts: 4,
          lastStatusCode: 500,
          lastError: 'The endpoint answered 500',
          nextAttemptAt: null,
        }),
      ]);
      expect(await dispatch()).toMatchObject({ delivered: 0, retried: 0 });

      await t.http.post(`/admin/webhooks/deliveries/${failed[0].id}/retry`).set('Authorization', as(agent)).expect(403);
      const retried = await t.http
        .post(`/admin/webhooks/deliveries/${failed[0].id}/retry`)
        .set('Authorization', as(admin))
        .expect(200);
      expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await dispatch()).toMatchObject({ delivered: 1 });
      expect(receiver.received).toHaveLength(5);
      expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(1);
      await t.http.post(`/admin/webhooks/deliveries/${failed[0].id}/retry`).set('Authorization', as(admin)).expect(409);
      const audit = (
        await t.http.get('/admin/audit?action=webhook.delivery_retried').set('Authorization', as(admin)).expect(200)
      ).body.items;
      expect(audit.map((entry: { subjectId: string }) => entry.subjectId)).toContain(failed[0].id);
    } finally {
      await receiver.close();
    }
  });

  it('the SLA sweep tells the marketplace: case.escalated and seller.flagged, in the sweep’s own transaction', async () => {
    const receiver = await startReceiver();
    try {
      await register(receiver.url, ['case.escalated', 'seller.flagged']);
      const opened = await t.http
        .post('/cases')
        .set('Authorization', as(buyer))
        .send({ sellerId: seller.id, listingRef: 'l', topic: 'question', subject: 'Still there?', body: 'Hello?' })
        .expect(201);
      t.clock.advance(4 * 24 * HOUR);
      await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
      await dispatch();
      const mine = receiver.received.filter((r) => r.body.data.caseId === opened.body.id);
      expect(mine.map((r) => r.body.type).sort()).toEqual(['case.escalated', 'seller.flagged']);
      expect(mine.find((r) => r.body.type === 'seller.flagged')!.body.data).toMatchObject({
        sellerId: seller.id,
        reason: 'late_reply',
      });
    } finally {
      await receiver.close();
    }
  });

  it('a deleted endpoint gets nothing more; bad registrations are 400 naming the field; only admins manage webhooks', async () => {
    const receiver = await startReceiver();
    try {
      const endpoint = await register(receiver.url, ['claim.filed']);
      await t.http.delete(`/admin/webhooks/${endpoint.id}`).set('Authorization', as(admin)).expect(204);
      await t.http.delete(`/admin/webhooks/${endpoint.id}`).set('Authorization', as(admin)).expect(404);
      await claimFiled();
      await dispatch();
      expect(receiver.received).toHaveLength(0);

      const bad = async (body: object, field: string) => {
        const response = await t.http.post('/admin/webhooks').set('Authorization', as(admin)).send(body).expect(400);
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      };
      await bad({ url: 'ftp://example.test/x', events: ['claim.filed'] }, 'url');
      await bad({ url: 'not a url', events: ['claim.filed'] }, 'url');
      await bad({ url: receiver.url, events: [] }, 'events');
      await bad({ url: receiver.url, events: ['claim.exploded'] }, 'events');
      await bad({ url: receiver.url, events: ['claim.filed', 'claim.filed'] }, 'events');
      await t.http
        .post('/admin/webhooks')
        .set('Authorization', as(agent))
        .send({ url: receiver.url, events: ['claim.filed'] })
        .expect(403);
      await t.http.get('/admin/webhooks').set('Authorization', as(seller)).expect(403);
      await t.http.get('/admin/webhooks/not-a-uuid/deliveries').set('Authorization', as(admin)).expect(404);
      await t.http.post('/admin/webhooks/deliveries/not-a-uuid/retry').set('Authorization', as(admin)).expect(404);
    } finally {
      await receiver.close();
    }
  });
});
