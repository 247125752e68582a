interface Window {
  count: number;
  resetAt: number;
}

export interface LoginLimits {
  perAccount: number;
  perIp: number;
  windowMs: number;
}

/**
 * Fixed-window counters against password guessing: failed logins per account
 * and all login attempts per client IP. Kept in this instance's memory, so
 * with N instances behind a balancer an attacker gets up to N times the
 * allowance; the per-account limit still stops a guess-a-minute attack.
 */
export class LoginLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the caller may try again, or 0 when the attempt may proceed. Counts the attempt against the IP. */
  admit(account: string, ip: string): number {
    const blockedFor = Math.max(this.blockedFor(`account:${account}`, this.limits.perAccount), this.blockedFor(`ip:${ip}`, this.limits.perIp));
    if (blockedFor > 0) return blockedFor;
    this.hit(`ip:${ip}`);
    return 0;
  }

  recordFailure(account: string): void {
    this.hit(`account:${account}`);
  }

  recordSuccess(account: string): void {
    this.windows.delete(`account:${account}`);
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private blockedFor(key: string, limit: number): number {
    const window = this.current(key);
    return window && window.count >= limit ? Math.ceil((window.resetAt - this.now()) / 1000) : 0;
  }

  private hit(key: string): void {
    const window = this.current(key);
    if (window) window.count += 1;
    else this.windows.set(key, { count: 1, resetAt: this.now() + this.limits.windowMs });
    if (this.windows.size > 100_000) this.evictExpired();
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
