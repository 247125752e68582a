import { FixedWindowCounter } from '../common/rate-limit.js';

export interface LoginLimits {
  perAccount: number;
  perIp: number;
  windowMs: number;
}

/**
 * Against password guessing: failed logins per account and all login
 * attempts per client IP, in fixed windows. Per instance (see
 * FixedWindowCounter); the per-account limit still stops a guess-a-minute attack.
 */
export class LoginLimiter {
  private readonly counter: FixedWindowCounter;

  constructor(
    private readonly limits: LoginLimits,
    now: () => number = Date.now,
  ) {
    this.counter = new FixedWindowCounter(limits.windowMs, now);
  }

  /** Seconds until the caller may try again, or 0 when the attempt may proceed. Counts the attempt against the IP. */
  admit(account: string, ip: string): number {
    const blockedFor = Math.max(this.counter.retryAfter(`account:${account}`, this.limits.perAccount), this.counter.retryAfter(`ip:${ip}`, this.limits.perIp));
    if (blockedFor > 0) return blockedFor;
    this.counter.hit(`ip:${ip}`);
    return 0;
  }

  recordFailure(account: string): void {
    this.counter.hit(`account:${account}`);
  }

  recordSuccess(account: string): void {
    this.counter.clear(`account:${account}`);
  }
}
