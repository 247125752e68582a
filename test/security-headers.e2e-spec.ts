import { startTestApp, TestApp } from './support/app.js';

/** The Content-Security-Policy: strict everywhere; relaxed (inline script and style) for the OpenAPI page's own paths only. */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const policy = async (path: string) => String((await t.http.get(path)).headers['content-security-policy']);

  it('relaxes the policy for /docs exactly, never for a path that only begins like it', async () => {
    const page = await t.http.get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain(`script-src 'self' 'unsafe-inline'`);
    expect(await policy('/docs?x=1')).toContain(`'unsafe-inline'`);
    for (const path of ['/docsx', '/docs-json', '/docsx/evil', '/app/login', '/health/live', '/cases']) {
      const csp = await policy(path);
      expect({ path, csp }).toEqual({ path, csp: expect.stringContaining(`script-src 'self';`) });
      expect(csp).not.toContain('unsafe-inline');
    }
  });
});
