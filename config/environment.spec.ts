import { ConfigError, loadEnvironment, trustProxyOf } from './environment.js';

describe('loadEnvironment', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = loadEnvironment({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: '.data',
      EMBEDDED_POSTGRES_PORT: 54329,
      JWT_TTL_SECONDS: 3600,
      CLOCK_MODE: 'system',
      SCHEDULER_ENABLED: true,
      LOG_LEVEL: 'info',
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('converts numbers and booleans and treats empty strings as unset', () => {
    const env = loadEnvironment({
      PORT: '8080',
      SCHEDULER_ENABLED: 'false',
      ADMIN_EMAIL: '',
      CLOCK_MODE: 'simulated',
      CLOCK_START: '2026-03-02T10:00:00Z',
    });
    expect(env.PORT).toBe(8080);
    expect(env.SCHEDULER_ENABLED).toBe(false);
    expect(env.ADMIN_EMAIL).toBeUndefined();
    expect(env.CLOCK_START).toBe('2026-03-02T10:00:00Z');
  });

  it('ignores variables it does not declare', () => {
    expect(() => loadEnvironment({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  it('names every variable at fault in one error', () => {
    let error: unknown;
    try {
      loadEnvironment({
        PORT: 'eighty',
        SCHEDULER_ENABLED: 'maybe',
        CLOCK_MODE: 'fast',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        ADMIN_PASSWORD: 'short',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    for (const name of ['PORT', 'SCHEDULER_ENABLED', 'CLOCK_MODE', 'DATABASE_URL', 'LOG_LEVEL', 'ADMIN_PASSWORD']) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
    expect((error as Error).message).toContain('PORT');
    expect((error as Error).message).toContain('"eighty"');
  });

  it('requires a shared JWT secret with an external database', () => {
    expect(() => loadEnvironment({ DATABASE_URL: 'postgres://db/parley' })).toThrow(
      /JWT_SECRET: required when DATABASE_URL is set/,
    );
    expect(() => loadEnvironment({ DATABASE_URL: 'postgres://db/parley', JWT_SECRET: 'too-short' })).toThrow(
      /JWT_SECRET/,
    );
    expect(loadEnvironment({ DATABASE_URL: 'postgres://db/parley', JWT_SECRET: 'x'.repeat(32) }).DATABASE_URL).toBe(
      'postgres://db/parley',
    );
  });

  it('refuses a clock start without the simulated clock, and a malformed one', () => {
    expect(() => loadEnvironment({ CLOCK_START: '2026-03-02T10:00:00Z' })).toThrow(/CLOCK_START/);
    expect(() => loadEnvironment({ CLOCK_MODE: 'simulated', CLOCK_START: 'next tuesday' })).toThrow(/CLOCK_START/);
  });

  it('keeps a simulated clock start within the years calendars cover (1970 to 2100)', () => {
    expect(() => loadEnvironment({ CLOCK_MODE: 'simulated', CLOCK_START: '9999-12-31' })).toThrow(
      /CLOCK_START: must fall in the years 1970 to 2100/,
    );
    expect(() => loadEnvironment({ CLOCK_MODE: 'simulated', CLOCK_START: '1969-12-31T23:59:59Z' })).toThrow(
      /CLOCK_START/,
    );
    expect(loadEnvironment({ CLOCK_MODE: 'simulated', CLOCK_START: '2100-12-31T23:00:00Z' }).CLOCK_START).toBe(
      '2100-12-31T23:00:00Z',
    );
  });

  it('bounds the request, upload and stream limits', () => {
    expect(loadEnvironment({})).toMatchObject({
      REQUEST_TIMEOUT_SECONDS: 30,
      UPLOAD_CONCURRENCY: 8,
      STREAM_MAX_PER_USER: 10,
      STATEMENT_TIMEOUT_MS: 10_000,
      WEBHOOK_ALLOW_PRIVATE: false,
    });
    expect(() => loadEnvironment({ REQUEST_TIMEOUT_SECONDS: '0' })).toThrow(/REQUEST_TIMEOUT_SECONDS/);
    expect(() => loadEnvironment({ UPLOAD_CONCURRENCY: 'many' })).toThrow(/UPLOAD_CONCURRENCY/);
    expect(() => loadEnvironment({ STREAM_REPLAY_LIMIT: '0' })).toThrow(/STREAM_REPLAY_LIMIT/);
  });

  it('refuses out-of-range ports', () => {
    expect(() => loadEnvironment({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadEnvironment({ EMBEDDED_POSTGRES_PORT: '0' })).toThrow(/EMBEDDED_POSTGRES_PORT/);
  });
});

describe('marketplace calendar configuration', () => {
  it('defaults to Los Angeles with US-CA holidays, Monday to Friday', () => {
    expect(loadEnvironment({})).toMatchObject({
      MARKETPLACE_TIME_ZONE: 'America/Los_Angeles',
      MARKETPLACE_HOLIDAY_COUNTRY: 'US',
      MARKETPLACE_HOLIDAY_SUBDIVISION: 'CA',
      MARKETPLACE_WORKING_DAYS: 'mon,tue,wed,thu,fri',
    });
  });

  it('names an unknown zone, country, subdivision or weekday', () => {
    expect(() => loadEnvironment({ MARKETPLACE_TIME_ZONE: 'Europe/Atlantis' })).toThrow(/MARKETPLACE_TIME_ZONE/);
    expect(() => loadEnvironment({ MARKETPLACE_HOLIDAY_COUNTRY: 'XX' })).toThrow(/MARKETPLACE_HOLIDAY_COUNTRY/);
    expect(() => loadEnvironment({ MARKETPLACE_HOLIDAY_COUNTRY: 'DE' })).toThrow(
      /MARKETPLACE_HOLIDAY_SUBDIVISION: not a subdivision of DE/,
    );
    expect(() => loadEnvironment({ MARKETPLACE_WORKING_DAYS: 'mon,funday' })).toThrow(/MARKETPLACE_WORKING_DAYS/);
  });

  it('accepts another country with its own subdivision, or none', () => {
    expect(
      loadEnvironment({ MARKETPLACE_HOLIDAY_COUNTRY: 'DE', MARKETPLACE_HOLIDAY_SUBDIVISION: 'DE-BY' })
        .MARKETPLACE_HOLIDAY_SUBDIVISION,
    ).toBe('DE-BY');
    expect(
      loadEnvironment({ MARKETPLACE_HOLIDAY_COUNTRY: 'none', MARKETPLACE_HOLIDAY_SUBDIVISION: '' })
        .MARKETPLACE_HOLIDAY_SUBDIVISION,
    ).toBeUndefined();
  });
});

describe('PUBLIC_URL', () => {
  it('defaults to the address Parley listens on', () => {
    expect(loadEnvironment({}).PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(loadEnvironment({ HOST: 'localhost', PORT: '8080' }).PUBLIC_URL).toBe('http://localhost:8080');
    expect(loadEnvironment({ HOST: '0.0.0.0', PORT: '8080' }).PUBLIC_URL).toBe('http://127.0.0.1:8080');
    expect(loadEnvironment({ HOST: '::', PORT: '8080' }).PUBLIC_URL).toBe('http://[::1]:8080');
  });

  it('keeps an explicit one, and refuses what is not an http(s) URL', () => {
    expect(loadEnvironment({ PUBLIC_URL: 'https://parley.example', PORT: '8080' }).PUBLIC_URL).toBe(
      'https://parley.example',
    );
    expect(() => loadEnvironment({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
  });
});

describe('TRUST_PROXY', () => {
  it('takes true, false, a hop count or a list of addresses and CIDRs', () => {
    expect(trustProxyOf(loadEnvironment({}).TRUST_PROXY)).toBe(false);
    expect(trustProxyOf(loadEnvironment({ TRUST_PROXY: 'true' }).TRUST_PROXY)).toBe(true);
    expect(trustProxyOf(loadEnvironment({ TRUST_PROXY: '2' }).TRUST_PROXY)).toBe(2);
    expect(trustProxyOf(loadEnvironment({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY)).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(() => loadEnvironment({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });
});
