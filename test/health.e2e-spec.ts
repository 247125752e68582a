import { startTestApp, TestApp } from './support/app.js';
import { onServer } from './support/database.js';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers live and ready without a token', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document and its UI', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/auth/login', '/me', '/users', '/health/ready', '/admin/jobs/{name}/run']),
    );
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('sets security headers and echoes a request id', async () => {
    const response = await t.http.get('/health/live').set('X-Request-Id', 'abc-123').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['x-request-id']).toBe('abc-123');
    const generated = await t.http.get('/health/live').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with problem+json 404', async () => {
    const response = await t.http.get('/no/such/route').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual({
      type: expect.stringMatching(/^https?:\/\//),
      title: 'Not found',
      status: 404,
      detail: expect.any(String),
    });
  });

  it('answers malformed JSON with problem+json 400', async () => {
    const response = await t.http
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, title: 'Bad request' });
  });

  it('reports not ready once the database is gone', async () => {
    const other = await startTestApp();
    await onServer(async (server) => {
      await server.query(`ALTER DATABASE ${other.database.name} WITH ALLOW_CONNECTIONS false`);
      await server.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
        other.database.name,
      ]);
    });
    const response = await other.http.get('/health/ready');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.detail).toMatch(/^Not ready: database down/);
    await other.app.close().catch(() => undefined);
    await other.sql.end().catch(() => undefined);
    await other.database.drop();
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  it('answers only a scraper with the token', async () => {
    const t = await startTestApp({ env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      const refused = await t.http.get('/metrics').expect(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      const metrics = await t.http.get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789').expect(200);
      expect(metrics.text).toContain('parley_outbox_depth');
    } finally {
      await t.close();
    }
  });
});
