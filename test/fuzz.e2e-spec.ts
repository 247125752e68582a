import { randomUUID } from 'node:crypto';
import { UPLOAD_ROUTES } from '../src/attachments/uploads.js';
import { listen, startTestApp, TestApp } from './support/app.js';
import { BOUNDARY, multipartHead, rawRequest, statusOf } from './support/raw-http.js';
import { createUser, TestUser } from './support/factories.js';

/**
 * Every operation in the OpenAPI document, as every role (and signed out),
 * with generated odd input: no 5xx, no answer slower than a second. The
 * operations come from /docs-json, so a new endpoint is covered without
 * touching this file. Deterministic: a seeded generator.
 */

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  format?: string;
}
interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

let seed = 20261130;
const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

const NASTY_STRINGS = [
  'a\u0000b',
  '\u0007\u001b[31m',
  'x'.repeat(100_000),
  '',
  '   ',
  '🙂👩‍👩‍👧‍👦\u202e\u200b',
  "' OR 1=1 --",
  '"unbalanced',
  '-(a OR b) "c',
  '../../etc/passwd',
  '%00',
  'not-a-uuid',
  randomUUID(),
  '1e400',
  '9999-99-99T99:99:99Z',
  'eyJub3QiOiJhIGN1cnNvciJ9',
];
const MB = 1024 * 1024;
const UPLOAD_ROUTES_SAMPLE = [...UPLOAD_ROUTES];

const NASTY_NUMBERS = [-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, Number.MAX_SAFE_INTEGER];
const WRONG_TYPES: unknown[] = [null, true, [], {}, [1, 'a'], { $ne: 1 }, 12, 'text'];

/** A body nested `depth` levels, as JSON text (too deep for JSON.stringify here). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Odd values for a schema: wrong types, nasty strings and numbers, deep or wide structures. */
function oddValue(schema: Schema | undefined, spec: OpenApi, depth = 0): unknown {
  const resolved = resolve(schema, spec);
  const roll = random();
  if (roll < 0.25) return pick(WRONG_TYPES);
  if (resolved?.type === 'object' && resolved.properties && depth < 3) {
    return Object.fromEntries(
      Object.entries(resolved.properties).map(([name, property]) => [name, oddValue(property, spec, depth + 1)]),
    );
  }
  if (resolved?.type === 'array')
    return roll < 0.5
      ? Array.from({ length: 3 }, () => oddValue(resolved.items, spec, depth + 1))
      : Array.from({ length: 2000 }, () => 1);
  if (resolved?.type === 'integer' || resolved?.type === 'number') return pick(NASTY_NUMBERS);
  if (resolved?.type === 'boolean') return pick(['true', 1, null]);
  return pick(NASTY_STRINGS);
}

function resolve(schema: Schema | undefined, spec: OpenApi): Schema | undefined {
  if (!schema?.$ref) return schema;
  return spec.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
}

/** Bodies every operation gets, whatever its schema, as JSON text. */
const FIXED_BODIES: string[] = [
  'null',
  '[]',
  '"text"',
  '42',
  nested(5000),
  JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))),
];

describe('fuzzing every operation in the OpenAPI document', () => {
  let t: TestApp;
  let spec: OpenApi;
  const users: Record<string, TestUser> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        POST_RATE_LIMIT_PER_MINUTE: '100000',
        LOGIN_RATE_LIMIT_PER_IP: '100000',
        LOGIN_RATE_LIMIT_PER_ACCOUNT: '100000',
        LOGIN_SLOWDOWN_AFTER: '100000',
      },
    });
    for (const role of ['buyer', 'seller', 'agent', 'admin'] as const) users[role] = await createUser(t.sql, role);
    const as = (role: string) => `Bearer ${t.tokenFor(users[role])}`;
    t.clock.set('2026-03-02T18:00:00Z');
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as('buyer'))
      .send({
        sellerId: users.seller.id,
        listingRef: 'l',
        topic: 'question',
        subject: 'Fuzzed',
        body: 'What is your password?',
      })
      .expect(201);
    ids.case = opened.body.id;
    ids.escalation = (await t.sql.query('SELECT id FROM escalations WHERE case_id = $1', [ids.case])).rows[0].id;
    ids.calendar = (await t.http.get(`/sellers/${users.seller.id}/calendar`).set('Authorization', as('admin'))).body.id;
    spec = (await t.http.get('/docs-json').expect(200)).body as OpenApi;
  }, 60_000);
  afterAll(() => t.close());

  /** Real ids where the path names them, so access and state checks run too, besides malformed and unknown ones. */
  const idFor = (path: string, name: string): string[] => {
    const known = path.startsWith('/cases')
      ? ids.case
      : path.startsWith('/escalations')
        ? ids.escalation
        : path.startsWith('/calendars')
          ? ids.calendar
          : undefined;
    // Users are never the fuzzers themselves (disabling one would sign it out of the rest of the run).
    const real =
      name === 'sellerId' || path.startsWith('/sellers')
        ? users.seller.id
        : path.startsWith('/users')
          ? randomUUID()
          : known;
    return [real ?? randomUUID(), 'not-a-uuid', '%00', 'x'.repeat(300)];
  };

  it('answers every operation, role and odd input below 500 and within a second', async () => {
    // A live stream never ends, so it cannot be awaited here; test/inbox-stream.e2e-spec.ts covers it.
    const streams = (operation: Operation) =>
      Object.values(operation.responses ?? {}).some(
        (response) => response.content?.['text/event-stream'] !== undefined,
      );
    const operations = Object.entries(spec.paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })))
      .filter(({ operation }) => !streams(operation))
      // Signing out everywhere would end the sessions of the roles fuzzing everything after it; test/portal-sign-in.e2e-spec.ts covers it.
      .filter(({ path }) => path !== '/auth/logout-all');
    expect(Object.values(spec.paths).some((methods) => Object.values(methods).some(streams))).toBe(true);
    expect(operations.length).toBeGreaterThan(30);
    const failures: string[] = [];
    let requests = 0;
    for (const { path, method, operation } of operations) {
      for (const role of [undefined, 'buyer', 'seller', 'agent', 'admin']) {
        const paramNames = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        for (const variant of [0, 1, 2, 3]) {
          let url = path;
          for (const name of paramNames)
            url = url.replace(`{${name}}`, encodeURIComponent(idFor(path, name)[variant % 4]).replace('%2500', '%00'));
          const query = (operation.parameters ?? [])
            .filter((parameter) => parameter.in === 'query')
            .map((parameter) => {
              const value = oddValue(parameter.schema, spec);
              const text = typeof value === 'string' ? value.slice(0, 2000) : JSON.stringify(value);
              // Some parameters repeated, some once.
              return variant === 2
                ? `${parameter.name}=${encodeURIComponent(text)}&${parameter.name}=x`
                : `${parameter.name}=${encodeURIComponent(text)}`;
            })
            .join('&');
          const target = query ? `${url}?${query}` : url;
          const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
          const body =
            variant < 2
              ? JSON.stringify(oddValue(bodySchema ?? { type: 'object' }, spec))
              : FIXED_BODIES[(variant + requests) % FIXED_BODIES.length];
          const call = t.http[method as 'get' | 'post' | 'put' | 'delete'](target);
          if (role) call.set('Authorization', `Bearer ${t.tokenFor(users[role])}`);
          if (method !== 'get' && method !== 'delete') call.set('Content-Type', 'application/json').send(body);
          const began = Date.now();
          const response = await call;
          const took = Date.now() - began;
          requests += 1;
          if (response.status >= 500 || took > 1000)
            failures.push(
              `${method.toUpperCase()} ${target.slice(0, 120)} as ${role ?? 'nobody'}: ${response.status} in ${took} ms`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(600);
  }, 170_000);

  // The exact requests the black-box probe found, kept as fixed cases.
  it.each([
    ['NUL in a signed-out login', () => t.http.post('/auth/login').send({ email: 'a\u0000', password: 'b' }), 400],
    [
      'a body nested 5,000 levels',
      () => t.http.post('/auth/login').set('Content-Type', 'application/json').send(nested(5000)),
      400,
    ],
    [
      '60,000 keys',
      () =>
        t.http
          .post('/auth/login')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])))),
      400,
    ],
    ['a repeated token', () => t.http.get('/unsubscribe?token=a&token=b'), 400],
    [
      'a 100 KB Authorization header',
      () => t.http.get('/cases').set('Authorization', `Bearer ${'x'.repeat(100_000)}`),
      431,
    ],
    ['a form on a JSON endpoint', () => t.http.post('/auth/login').type('form').send('email=a&password=b'), 415],
  ] as const)('%s', async (_name, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses built-in property names as preference categories', async () => {
    await t.http
      .put('/me/email-preferences')
      .set('Authorization', `Bearer ${t.tokenFor(users.buyer)}`)
      .set('Content-Type', 'application/json')
      .send('{"categories":{"constructor":{"email":false}}}')
      .expect(400);
  });
});

/**
 * The shapes of an attacker's memory probe: large multipart bodies and
 * bodies that trickle in, sent without a token to every route that takes
 * files. The process's memory must stay bounded: nothing of a body is read
 * before its sender is known, and a slow one ends at the request timeout.
 */
describe('uploads and slow bodies without a token', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { REQUEST_TIMEOUT_SECONDS: '2' } });
    port = Number(new URL(await listen(t)).port);
  });
  afterAll(() => t.close());

  it('24 concurrent 50 MB uploads and 8 stalled 45 MB ones leave the process’s memory bounded, each refused or timed out', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const routes = UPLOAD_ROUTES_SAMPLE.map((route) => route.replace(':id', randomUUID()));
    const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
    const exchanges = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) =>
        rawRequest(port, { path: routes[i % routes.length], headers, head: multipartHead(), bodyBytes: 50 * MB }),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        rawRequest(port, {
          path: routes[i % routes.length],
          headers,
          head: multipartHead(),
          bodyBytes: 50 * MB,
          stallAfter: 45 * MB,
        }),
      ),
      // A JSON body that trickles in, on a route that needs no token.
      rawRequest(port, {
        path: '/auth/login',
        headers: { 'Content-Type': 'application/json' },
        head: '{"email":"a',
        bodyBytes: 1000,
        stallAfter: 11,
      }),
    ]);
    clearInterval(sampler);
    const statuses = exchanges.map(statusOf);
    // Refused before their body is read: 401 from the API, and the portal's routes send the browser to sign in (303).
    const paths = [
      ...Array.from({ length: 24 }, (_, i) => routes[i % routes.length]),
      ...Array.from({ length: 8 }, (_, i) => routes[i % routes.length]),
    ];
    expect(statuses.slice(0, 32)).toEqual(paths.map((path) => (path.startsWith('/app/') ? 303 : 401)));
    expect(statuses[32]).toBe(408);
    expect(exchanges.every((exchange) => exchange.closed)).toBe(true);
    // Without the checks before the body, this held well over a gigabyte.
    expect(peak - before).toBeLessThan(150 * MB);
    await t.http.get('/health/live').expect(200);
  });
});
