import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { WebhookResolver } from '../src/webhooks/webhook-targets.service.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

const HOUR = 3_600_000;
const START = '2026-03-02T18:00:00Z';

type Behaviour = 'ok' | 500 | 'hang' | 'close';

interface Receiver {
  port: number;
  url: string;
  hits: number;
  close(): Promise<void>;
}

/** A receiver on loopback that counts what reaches it and answers as scripted. */
async function startReceiver(script: Behaviour[] = []): Promise<Receiver> {
  const receiver: Receiver = { port: 0, url: '', hits: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receiver.hits += 1;
      const behaviour = script.shift() ?? 'ok';
      if (behaviour === 'hang') return;
      if (behaviour === 'close') return req.socket.destroy();
      res.writeHead(behaviour === 'ok' ? 204 : behaviour).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** DNS as a test scripts it: names in `answers` resolve to those addresses, any other name as the system resolves it. */
function scriptDns(t: TestApp): { answers: Map<string, string[]>; asked: string[] } {
  const resolver = t.app.get(WebhookResolver);
  const system = resolver.lookup.bind(resolver);
  const dns = { answers: new Map<string, string[]>(), asked: [] as string[] };
  resolver.lookup = async (hostname: string) => {
    dns.asked.push(hostname);
    const scripted = dns.answers.get(hostname);
    return scripted ? scripted.map((address) => ({ address, family: isIP(address) })) : system(hostname);
  };
  return dns;
}

/** Text an admin must never read in `lastError`: an IPv4 or IPv6 address, a port, a system error code. */
const NETWORK_DETAIL =
  /\d+\.\d+\.\d+\.\d+|[0-9a-fA-F]*::[0-9a-fA-F]*|:\d{2,5}\b|\bE[A-Z]{4,}\b|\b(?:UND_ERR|ERR)_[A-Z_]+\b/;

function harness(env: Record<string, string>) {
  const h = {} as {
    t: TestApp;
    admin: TestUser;
    buyer: TestUser;
    seller: TestUser;
    dns: ReturnType<typeof scriptDns>;
    as(user: TestUser): string;
    dispatch(): Promise<{ delivered: number; retried: number; failed: number }>;
    claimFiled(): Promise<void>;
    deliveries(
      endpointId: string,
    ): Promise<{ status: string; attempts: number; lastStatusCode: number | null; lastError: string | null }[]>;
  };
  h.as = (user) => `Bearer ${h.t.tokenFor(user)}`;
  h.dispatch = async () =>
    (await h.t.http.post('/admin/jobs/webhook-dispatch/run').set('Authorization', h.as(h.admin)).expect(200)).body;
  h.claimFiled = async () => {
    const { orderId } = await orderWithCase(h.t, h.admin, h.buyer, h.seller);
    h.t.clock.advance(5 * 24 * HOUR);
    await fileClaim(h.t, h.buyer, orderId);
  };
  h.deliveries = async (endpointId) =>
    (await h.t.http.get(`/admin/webhooks/${endpointId}/deliveries`).set('Authorization', h.as(h.admin)).expect(200))
      .body.items;

  beforeAll(async () => {
    h.t = await startTestApp({
      env: { WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_MAX_ATTEMPTS: '4', POST_RATE_LIMIT_PER_MINUTE: '1000', ...env },
    });
    h.admin = await createUser(h.t.sql, 'admin');
    h.buyer = await createUser(h.t.sql, 'buyer');
    h.seller = await createUser(h.t.sql, 'seller');
    h.dns = scriptDns(h.t);
  });
  afterAll(async () => {
    await h.t.close();
  });
  beforeEach(async () => {
    h.t.clock.set(START);
    // Each test hears only what its own endpoints subscribe to from now on, and counts only its own deliveries.
    await h.t.sql.query(`UPDATE webhook_endpoints SET deleted_at = now() WHERE deleted_at IS NULL`);
    await h.t.sql.query(`UPDATE webhook_events SET fanned_out_at = now() WHERE fanned_out_at IS NULL`);
    await h.t.sql.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE status IN ('pending', 'sending')`);
  });
  return h;
}

describe('webhook targets, with the address policy on (WEBHOOK_ALLOW_PRIVATE=false)', () => {
  const h = harness({ WEBHOOK_ALLOW_PRIVATE: 'false' });
  const register = (url: string) =>
    h.t.http
      .post('/admin/webhooks')
      .set('Authorization', h.as(h.admin))
      .send({ url, events: ['claim.filed'] });

  it.each<[string, RegExp]>([
    ['http://127.0.0.1:8080/hooks', /loopback address/],
    ['http://127.0.0.1:5432/', /loopback address/],
    ['http://localhost:5432/', /loopback address/],
    ['http://0x7f000001/', /loopback address/],
    ['http://2130706433/', /loopback address/],
    ['http://0177.0.0.1/', /loopback address/],
    ['http://127.1/', /loopback address/],
    ['http://[::ffff:127.0.0.1]/', /loopback address/],
    ['http://[::1]:5432/', /loopback address/],
    ['http://127.0.0.1\\@evil.example/', /loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata service/],
    ['http://[fe80::1]/', /link-local address/],
    ['http://10.0.0.1/', /private network address/],
    ['http://172.16.0.1/', /private network address/],
    ['http://192.168.1.1/', /private network address/],
    ['http://[fc00::1]/', /private network address/],
    ['http://100.64.0.1/', /carrier-grade NAT/],
    ['http://224.0.0.1/', /multicast address/],
    ['http://0.0.0.0/', /unspecified address/],
    ['http://240.0.0.1/', /reserved address/],
    ['https://user:pass@hooks.partner.example/x', /user name or password/],
    ['https://hooks.partner.example\\@evil.example/', /backslash/],
    ['http:hooks.partner.example/x', /http:\/\/ or https:\/\/ followed by the host name/],
    ['http://0x5db8d822/', /four decimal numbers/],
  ])('%s is refused at registration: 400 naming url, and nothing is stored', async (url, why) => {
    const response = await register(url).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(why) }]);
    const { rows } = await h.t.sql.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE url = $1`, [url]);
    expect(rows[0].n).toBe(0);
  });

  it('a name that resolves to a private address at registration is refused; one that resolves publicly is stored', async () => {
    h.dns.answers.set('intranet.partner.example', ['93.184.216.34', '10.1.2.3']);
    h.dns.answers.set('hooks.partner.example', ['93.184.216.34']);
    const refused = await register('https://intranet.partner.example/hooks').expect(400);
    expect(refused.body.errors).toEqual([
      {
        field: 'url',
        message:
          "url's host name resolves to a private network address; webhooks are only sent to public internet addresses",
      },
    ]);
    expect(refused.body.errors[0].message).not.toMatch(NETWORK_DETAIL);
    const { rows } = await h.t.sql.query(
      `SELECT count(*)::int AS n FROM webhook_endpoints WHERE url LIKE '%intranet.partner.example%'`,
    );
    expect(rows[0].n).toBe(0);
    await register('https://hooks.partner.example/hooks').expect(201);
  });

  it('a name that resolved publicly at registration but to loopback at delivery (DNS rebinding) is not connected to, and the delivery says so without network detail', async () => {
    const receiver = await startReceiver();
    try {
      const url = `http://rebind.partner.example:${receiver.port}/hooks`;
      h.dns.answers.set('rebind.partner.example', ['93.184.216.34']);
      const endpoint = (await register(url).expect(201)).body;
      h.dns.answers.set('rebind.partner.example', ['127.0.0.1']);
      await h.claimFiled();
      const asked = h.dns.asked.length;
      expect(await h.dispatch()).toMatchObject({ delivered: 0, retried: 1 });
      expect(h.dns.asked.slice(asked)).toContain('rebind.partner.example');
      expect(receiver.hits).toBe(0);
      const [delivery] = await h.deliveries(endpoint.id);
      expect(delivery).toMatchObject({
        status: 'pending',
        lastStatusCode: null,
        lastError: "The endpoint's address is not allowed (loopback)",
      });

      // One private address among public ones is enough to refuse.
      h.dns.answers.set('rebind.partner.example', ['93.184.216.34', '::ffff:127.0.0.1']);
      h.t.clock.advance(7 * HOUR);
      expect(await h.dispatch()).toMatchObject({ delivered: 0, retried: 1 });
      expect(receiver.hits).toBe(0);
      expect((await h.deliveries(endpoint.id))[0].lastError).toBe("The endpoint's address is not allowed (loopback)");
    } finally {
      await receiver.close();
    }
  });

  it('an endpoint stored before the policy, at a loopback address, is refused at delivery without connecting', async () => {
    const receiver = await startReceiver();
    try {
      const id = randomUUID();
      await h.t.sql.query(
        `INSERT INTO webhook_endpoints (id, url, events, secret, created_by, created_at) VALUES ($1, $2, $3, 'whsec_old', $4, $5)`,
        [id, receiver.url, ['claim.filed'], h.admin.id, START],
      );
      await h.claimFiled();
      expect(await h.dispatch()).toMatchObject({ delivered: 0, retried: 1 });
      expect(receiver.hits).toBe(0);
      expect(await h.deliveries(id)).toEqual([
        expect.objectContaining({ status: 'pending', lastError: "The endpoint's address is not allowed (loopback)" }),
      ]);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook targets, with the address policy off (WEBHOOK_ALLOW_PRIVATE=true)', () => {
  const h = harness({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  const register = async (url: string) =>
    (
      await h.t.http
        .post('/admin/webhooks')
        .set('Authorization', h.as(h.admin))
        .send({ url, events: ['claim.filed'] })
        .expect(201)
    ).body;

  it('a loopback receiver gets deliveries, by address and by a name that resolves to it', async () => {
    const receiver = await startReceiver();
    try {
      h.dns.answers.set('receiver.test.example', ['127.0.0.1']);
      const byAddress = await register(receiver.url);
      const byName = await register(`http://receiver.test.example:${receiver.port}/hooks`);
      await h.claimFiled();
      expect(await h.dispatch()).toMatchObject({ delivered: 2, retried: 0 });
      expect(receiver.hits).toBe(2);
      expect(await h.deliveries(byAddress.id)).toEqual([
        expect.objectContaining({ status: 'delivered', lastStatusCode: 204, lastError: null }),
      ]);
      expect(await h.deliveries(byName.id)).toEqual([
        expect.objectContaining({ status: 'delivered', lastStatusCode: 204, lastError: null }),
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('the URL’s form is still checked: credentials and backslashes are refused', async () => {
    for (const url of ['http://user:pass@127.0.0.1:9/x', 'http://127.0.0.1:9\\@evil.example/']) {
      const response = await h.t.http
        .post('/admin/webhooks')
        .set('Authorization', h.as(h.admin))
        .send({ url, events: ['claim.filed'] })
        .expect(400);
      expect(response.body.errors).toEqual([
        { field: 'url', message: expect.stringMatching(/user name or password|backslash/) },
      ]);
    }
  });

  it('failed attempts are recorded in words: never an address, a port or a system error code', async () => {
    const receiver = await startReceiver([500, 'hang', 'close', 500]);
    try {
      const answering = await register(receiver.url);
      const nobody = await register(`http://127.0.0.1:${await closedPort()}/hooks`);
      h.dns.answers.set('unknown.test.example', []);
      const unresolvable = await register('http://unknown.test.example:5432/hooks');
      await h.claimFiled();
      const seen: Record<string, (string | null)[]> = { answering: [], nobody: [], unresolvable: [] };
      for (let attempt = 0; attempt < 4; attempt++) {
        await h.dispatch();
        seen.answering.push((await h.deliveries(answering.id))[0].lastError);
        seen.nobody.push((await h.deliveries(nobody.id))[0].lastError);
        seen.unresolvable.push((await h.deliveries(unresolvable.id))[0].lastError);
        h.t.clock.advance(7 * HOUR);
      }
      expect(seen).toEqual({
        answering: [
          'The endpoint answered 500',
          'The endpoint took longer than 0.5 s to answer',
          'The endpoint closed the connection without answering',
          'The endpoint answered 500',
        ],
        nobody: Array(4).fill('The endpoint could not be reached'),
        unresolvable: Array(4).fill('The endpoint could not be reached'),
      });
      expect(
        Object.values(seen)
          .flat()
          .filter((text) => NETWORK_DETAIL.test(text ?? '')),
      ).toEqual([]);
      const { rows } = await h.t.sql.query(
        `SELECT status, last_error FROM webhook_deliveries WHERE endpoint_id = ANY ($1)`,
        [[answering.id, nobody.id, unresolvable.id]],
      );
      expect(rows.map((row: { status: string }) => row.status)).toEqual(['failed', 'failed', 'failed']);
      expect(rows.filter((row: { last_error: string }) => NETWORK_DETAIL.test(row.last_error))).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
