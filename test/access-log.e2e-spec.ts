import { createTestDatabase, TestDatabase } from './support/database.js';
import { RunningProcess, startProcess } from './support/parley-process.js';

const JWT_SECRET = 'access-log-test-secret-0123456789abcdef012345';

interface AccessLine {
  level: number;
  reqId: string;
  method: string;
  route: string | null;
  path?: string;
  status: number;
  ms: number;
  msg: string;
}

/**
 * The built service at the default log level, its output read as an operator
 * reads it: one line per request, for every address, that says what was
 * asked and answered, and nothing a request carried in secret.
 */
describe('the access log', () => {
  let database: TestDatabase;
  let parley: RunningProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    // LOG_LEVEL is left at its default (info), as `npm start` runs it.
    parley = await startProcess({ DATABASE_URL: database.url, JWT_SECRET, SCHEDULER_ENABLED: 'false' });
  }, 90_000);
  afterAll(async () => {
    expect(await parley?.stop()).toBe(0);
    await database?.drop();
  });

  const accessLines = (): AccessLine[] =>
    parley
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as AccessLine)
      .filter((line) => line.reqId !== undefined && line.status !== undefined);

  /** The lines of one request, once it has been answered (the line is written when the response is sent). */
  async function linesOf(requestId: string): Promise<AccessLine[]> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const lines = accessLines().filter((line) => line.reqId === requestId);
      if (lines.length > 0) return lines;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [];
  }

  async function send(path: string, init: RequestInit = {}): Promise<{ status: number; requestId: string }> {
    const response = await fetch(parley.url + path, { redirect: 'manual', ...init });
    await response.arrayBuffer();
    return { status: response.status, requestId: response.headers.get('x-request-id')! };
  }

  it.each<[string, string, { route: string | null; path?: string; status: number }]>([
    ['a portal page', '/app/login', { route: '/app/login', status: 200 }],
    ['the API documentation', '/docs', { route: '/docs', status: 200 }],
    ['an unknown path', '/no/such/path', { route: null, path: '/no/such/path', status: 404 }],
    ['an unknown portal page', '/app/no-such-page', { route: '/app/*', path: '/app/no-such-page', status: 404 }],
    ['a page by its route pattern', '/app/cases/123', { route: '/app/cases/:id', status: 303 }],
  ])('writes one line for %s: method, route, status, time and request id', async (_name, path, expected) => {
    const { status, requestId } = await send(path);
    expect(status).toBe(expected.status);
    const lines = await linesOf(requestId);
    expect(lines).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: expect.any(Number),
        hostname: expect.any(String),
        reqId: requestId,
        method: 'GET',
        ...expected,
        ms: expect.any(Number),
        msg: `GET ${expected.path ?? expected.route} ${expected.status} ${lines[0]?.ms} ms`,
      },
    ]);
    expect(lines[0].ms).toBeGreaterThanOrEqual(0);
  });

  it('keeps the caller’s request id and never writes a body, a query string, a cookie or an Authorization header', async () => {
    const secrets = {
      query: 'query-secret-4b1d6f',
      header: 'header-secret-9c2e7a',
      cookie: 'cookie-secret-51f0d3',
      body: 'body-secret-e83a60',
    };
    const requests = [
      send(`/health/live?token=${secrets.query}`, {
        headers: {
          'X-Request-Id': 'trace-42',
          Authorization: `Bearer ${secrets.header}`,
          Cookie: `parley_session=${secrets.cookie}`,
        },
      }),
      send(`/unsubscribe?token=${secrets.query}`),
      send(`/no/such/path?token=${secrets.query}`),
      send('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${secrets.header}` },
        body: JSON.stringify({ email: 'nobody@example.test', password: secrets.body }),
      }),
      send(`/app/login?next=/app/${secrets.query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', Cookie: `parley_login=${secrets.cookie}` },
        body: `email=nobody%40example.test&password=${secrets.body}`,
      }),
    ];
    const answered = [];
    for (const request of requests) answered.push(await request);
    expect(answered[0].requestId).toBe('trace-42');
    const lines = (await Promise.all(answered.map((a) => linesOf(a.requestId)))).flat();
    expect(lines.map(({ method, route, path, status }) => ({ method, route, path, status }))).toEqual([
      { method: 'GET', route: '/health/live', path: undefined, status: 200 },
      { method: 'GET', route: '/unsubscribe', path: undefined, status: 400 },
      { method: 'GET', route: null, path: '/no/such/path', status: 404 },
      { method: 'POST', route: '/auth/login', path: undefined, status: 401 },
      { method: 'POST', route: '/app/login', path: undefined, status: answered[4].status },
    ]);
    const output = parley.output();
    for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
  });
});
