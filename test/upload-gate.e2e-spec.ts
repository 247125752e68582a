import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csrfTokenOf } from '../src/auth/browser-session.js';
import { listen, startTestApp, TEST_JWT_SECRET, TestApp } from './support/app.js';
import { orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';
import { BOUNDARY, multipartHead, rawRequest, statusOf } from './support/raw-http.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const MB = 1024 * 1024;
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/** Waits (polling real time) until `check` holds; uploads arrive over real sockets, outside the injected clock. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What an upload must pass before a byte of its body is read, the file names it is stored under, and the request timeout. */
describe('uploads are judged before their body is read', () => {
  let t: TestApp;
  let port: number;
  let dataDir: string;
  let buyer: TestUser;
  let caseId: string;
  const spooled = () => (existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')).length : 0);
  const messages = async () =>
    Number((await t.sql.query(`SELECT count(*)::int AS n FROM messages WHERE case_id = $1`, [caseId])).rows[0].n);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-upload-gate-'));
    t = await startTestApp({
      env: {
        DATA_DIR: dataDir,
        POST_RATE_LIMIT_PER_MINUTE: '1000',
        UPLOAD_CONCURRENCY: '2',
        REQUEST_TIMEOUT_SECONDS: '2',
      },
    });
    port = Number(new URL(await listen(t)).port);
    const admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    ({ caseId } = await orderWithCase(t, admin, buyer, await createUser(t.sql, 'seller')));
  });
  afterAll(async () => {
    await t.close();
  });

  it('without a token: 401 at once and the connection closed, with almost none of a 50 MB body read', async () => {
    const before = await messages();
    // The API answers 401; the portal sends the browser to sign in, as it does for any signed-out form.
    for (const [path, status] of [
      [`/cases/${caseId}/messages`, 401],
      [`/app/cases/${caseId}/messages`, 303],
    ] as const) {
      const exchange = await rawRequest(port, {
        path,
        headers: { 'Content-Type': MULTIPART },
        head: multipartHead(),
        bodyBytes: 50 * MB,
      });
      expect({ path, status: statusOf(exchange), closed: exchange.closed }).toEqual({ path, status, closed: true });
      expect(exchange.sent).toBeLessThan(20 * MB);
    }
    expect(await messages()).toBe(before);
    expect(spooled()).toBe(0);
  });

  it('a portal form whose CSRF token is wrong is refused before its files are read; one whose token comes after its files too', async () => {
    const token = t.tokenFor(buyer);
    const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    const headers = { 'Content-Type': MULTIPART, Cookie: `parley_session=${token}` };
    const path = `/app/cases/${caseId}/messages`;
    const forged = await rawRequest(port, {
      path,
      headers,
      head: multipartHead('a.png', { _csrf: 'forged', body: 'x' }),
      bodyBytes: 50 * MB,
    });
    expect(statusOf(forged)).toBe(403);
    expect(forged.sent).toBeLessThan(20 * MB);
    const late = await rawRequest(port, {
      path,
      headers,
      head: Buffer.concat([Buffer.from(multipartHead('a.png', { body: 'x' })), PNG]),
      bodyBytes: 50 * MB,
    });
    expect(statusOf(late)).toBe(403);
    expect(late.sent).toBeLessThan(20 * MB);
    // A refused file is shown as the portal shows any refused form: a page that says why, not a JSON document.
    const csrf = csrfTokenOf(TEST_JWT_SECRET, jti);
    const refused = await t.http
      .post(path)
      .set('Cookie', `parley_session=${token}`)
      .field('_csrf', csrf)
      .field('body', 'Not a picture')
      .attach('attachments', Buffer.from('just text'), 'notes.png');
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.text).toContain('notes.png is not an image or a PDF');
    // The form as the portal renders it (token first) goes through.
    const form = await t.http
      .post(path)
      .set('Cookie', `parley_session=${token}`)
      .field('_csrf', csrfTokenOf(TEST_JWT_SECRET, jti))
      .field('body', 'From the portal')
      .attach('attachments', PNG, 'from-portal.png');
    expect(form.status).toBe(303);
    expect(spooled()).toBe(0);
  });

  it('a caller past the posting limit gets 429 with Retry-After before its body is read', async () => {
    const other = await createUser(t.sql, 'buyer');
    await t.sql.query(
      `INSERT INTO rate_limits (key, count, window_ends) VALUES ($1, 1000, now() + interval '1 minute')`,
      [`post:${other.id}`],
    );
    const exchange = await rawRequest(port, {
      path: `/cases/${caseId}/messages`,
      headers: { 'Content-Type': MULTIPART, Authorization: `Bearer ${t.tokenFor(other)}` },
      head: multipartHead(),
      bodyBytes: 50 * MB,
    });
    expect(statusOf(exchange)).toBe(429);
    expect(exchange.response).toMatch(/\r\nRetry-After: \d+\r\n/i);
    expect(exchange.sent).toBeLessThan(20 * MB);
  });

  it('reads at most UPLOAD_CONCURRENCY uploads at once, two of one user: beyond, 429 or 503 with Retry-After, unread; stalled ones end at the request timeout (408) and leave nothing', async () => {
    const other = await createUser(t.sql, 'buyer');
    const { caseId: otherCase } = await orderWithCase(
      t,
      await createUser(t.sql, 'admin'),
      other,
      await createUser(t.sql, 'seller'),
    );
    const headers = (user: TestUser) => ({ 'Content-Type': MULTIPART, Authorization: `Bearer ${t.tokenFor(user)}` });
    const path = `/cases/${caseId}/messages`;
    const before = await messages();
    const stall = () =>
      rawRequest(port, {
        path,
        headers: headers(buyer),
        head: Buffer.concat([Buffer.from(multipartHead()), PNG]),
        bodyBytes: 9 * MB,
        stallAfter: 2 * MB,
      });
    const stalled = [stall(), stall()];
    await until(() => spooled() === 2);
    const third = await rawRequest(port, { path, headers: headers(buyer), head: multipartHead(), bodyBytes: 50 * MB });
    expect(statusOf(third)).toBe(429);
    expect(third.response).toMatch(/\r\nRetry-After: 5\r\n/i);
    const full = await rawRequest(port, {
      path: `/cases/${otherCase}/messages`,
      headers: headers(other),
      head: multipartHead(),
      bodyBytes: 50 * MB,
    });
    expect(statusOf(full)).toBe(503);
    expect(full.response).toMatch(/\r\nRetry-After: 5\r\n/i);
    expect(full.response).toContain('application/problem+json');
    for (const refused of [third, full]) expect(refused.sent).toBeLessThan(20 * MB);
    for (const timedOut of await Promise.all(stalled)) {
      expect(statusOf(timedOut)).toBe(408);
      expect(timedOut.response).toContain('application/problem+json');
    }
    await until(() => spooled() === 0);
    await t.http
      .post(path)
      .set('Authorization', headers(buyer).Authorization)
      .field('body', 'After the stall')
      .attach('attachments', PNG, 'ok.png')
      .expect(201);
    expect(await messages()).toBe(before + 1);
    expect(spooled()).toBe(0);
  });

  it('an upload to a case the caller cannot see is 404 before its body is read', async () => {
    const stranger = await createUser(t.sql, 'buyer');
    const exchange = await rawRequest(port, {
      path: `/cases/${caseId}/messages`,
      headers: { 'Content-Type': MULTIPART, Authorization: `Bearer ${t.tokenFor(stranger)}` },
      head: multipartHead(),
      bodyBytes: 50 * MB,
    });
    expect(statusOf(exchange)).toBe(404);
    expect(exchange.sent).toBeLessThan(20 * MB);
    expect(spooled()).toBe(0);
  });

  it('a JSON body that trickles in is answered 408 as problem+json when the request timeout passes', async () => {
    const exchange = await rawRequest(port, {
      path: '/auth/login',
      headers: { 'Content-Type': 'application/json' },
      head: '{"email":',
      bodyBytes: 100,
      stallAfter: 9,
    });
    expect(statusOf(exchange)).toBe(408);
    expect(exchange.response).toContain('application/problem+json');
    expect(exchange.closed).toBe(true);
  });

  it('stores a file under the extension of its bytes’ type, without bidi or zero-width characters, and refuses a name with a line break', async () => {
    const as = `Bearer ${t.tokenFor(buyer)}`;
    const posted = await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as)
      .field('body', 'Names')
      .attach('attachments', PNG, 'invoice.hta')
      .attach('attachments', PNG, 'invoice\u202egnp.hta')
      .attach('attachments', PNG, 'scan\u200b.jpeg.exe')
      .attach('attachments', PNG, 'photo.PNG')
      .expect(201);
    expect(posted.body.attachments.map((file: { name: string }) => file.name)).toEqual([
      'invoice.png',
      'invoicegnp.png',
      'scan.jpeg.png',
      'photo.PNG',
    ]);
    const file = await t.http
      .get(`/attachments/${posted.body.attachments[0].id}`)
      .set('Authorization', as)
      .buffer(true)
      .expect(200);
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="invoice.png"; filename*=UTF-8''invoice.png`,
    );

    const before = await messages();
    const broken = await rawRequest(port, {
      path: `/cases/${caseId}/messages`,
      headers: { 'Content-Type': MULTIPART, Authorization: as },
      head: Buffer.concat([Buffer.from(multipartHead('line\nbreak.png')), PNG, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]),
      bodyBytes: Buffer.byteLength(multipartHead('line\nbreak.png')) + PNG.length + BOUNDARY.length + 8,
    });
    expect(statusOf(broken)).toBe(400);
    expect(broken.response).toContain('"field":"attachments"');
    expect(await messages()).toBe(before);

    // What follows the closing delimiter (an epilogue) is no part's headers, whatever it holds.
    const body = Buffer.concat([
      Buffer.from(multipartHead('fine.png')),
      PNG,
      Buffer.from(`\r\n--${BOUNDARY}--\r\nnot a header\r\n\r\n`),
    ]);
    const epilogue = await rawRequest(port, {
      path: `/cases/${caseId}/messages`,
      headers: { 'Content-Type': MULTIPART, Authorization: as, Connection: 'close' },
      head: body,
      bodyBytes: body.length,
    });
    expect(statusOf(epilogue)).toBe(201);
    expect(await messages()).toBe(before + 1);
  });
});
