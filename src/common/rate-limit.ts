interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters kept in this instance's memory: with N instances
 * behind a balancer a client gets up to N times the allowance.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` is below `limit` again; 0 when it already is. */
  retryAfter(key: string, limit: number): number {
    const window = this.current(key);
    return window && window.count >= limit ? Math.ceil((window.resetAt - this.now()) / 1000) : 0;
  }

  hit(key: string): void {
    const window = this.current(key);
    if (window) window.count += 1;
    else this.windows.set(key, { count: 1, resetAt: this.now() + this.windowMs });
    if (this.windows.size > 100_000) this.evictExpired();
  }

  /** Counts an attempt unless the limit is reached; returns the seconds to wait, or 0 when it was counted. */
  take(key: string, limit: number): number {
    const wait = this.retryAfter(key, limit);
    if (wait === 0) this.hit(key);
    return wait;
  }

  clear(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
