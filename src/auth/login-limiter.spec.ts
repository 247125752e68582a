import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  const setup = () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ perAccount: 3, perIp: 5, windowMs: 60_000 }, () => now);
    return { limiter, tick: (ms: number) => (now += ms) };
  };

  it('blocks an account after its failures and frees it when the window ends', () => {
    const { limiter, tick } = setup();
    for (let i = 0; i < 3; i++) {
      expect(limiter.admit('a@x', `ip${i}`)).toBe(0);
      limiter.recordFailure('a@x');
    }
    expect(limiter.admit('a@x', 'ip9')).toBe(60);
    tick(30_000);
    expect(limiter.admit('a@x', 'ip9')).toBe(30);
    tick(30_000);
    expect(limiter.admit('a@x', 'ip9')).toBe(0);
  });

  it('forgets failures after a successful login', () => {
    const { limiter } = setup();
    limiter.admit('a@x', 'ip');
    limiter.recordFailure('a@x');
    limiter.admit('a@x', 'ip');
    limiter.recordFailure('a@x');
    limiter.recordSuccess('a@x');
    limiter.admit('a@x', 'ip');
    limiter.recordFailure('a@x');
    expect(limiter.admit('a@x', 'ip')).toBe(0);
  });

  it('counts every attempt against the address, whatever the account', () => {
    const { limiter } = setup();
    for (let i = 0; i < 5; i++) expect(limiter.admit(`user${i}@x`, '10.0.0.1')).toBe(0);
    expect(limiter.admit('other@x', '10.0.0.1')).toBeGreaterThan(0);
    expect(limiter.admit('other@x', '10.0.0.2')).toBe(0);
  });
});
