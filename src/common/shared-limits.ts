import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from './domain-error.js';

/** A fixed-window count: how many so far, and the seconds until the window ends. */
export interface WindowCount {
  count: number;
  retryAfterSeconds: number;
}

/** Counts one hit for each of the `keys` (a text[] expression) in windows of `windowSeconds` (an expression): one row per key with its count and the seconds left. */
export function hitSql(keys: string, windowSeconds: string): string {
  return `
INSERT INTO rate_limits AS r (key, count, window_ends) SELECT key, 1, now() + make_interval(secs => ${windowSeconds}) FROM unnest(${keys}) AS key
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.window_ends <= now() THEN 1 ELSE r.count + 1 END,
  window_ends = CASE WHEN r.window_ends <= now() THEN EXCLUDED.window_ends ELSE r.window_ends END
RETURNING key, count, GREATEST(1, ceil(extract(epoch FROM window_ends - now())))::int AS retry_after`;
}

const HIT = hitSql('$1::text[]', '$2');

const PEEK = `SELECT key, count, GREATEST(1, ceil(extract(epoch FROM window_ends - now())))::int AS retry_after FROM rate_limits WHERE key = ANY ($1::text[]) AND window_ends > now()`;

interface Row {
  key: string;
  count: number;
  retry_after: number;
}

const NONE: WindowCount = { count: 0, retryAfterSeconds: 0 };
const byKey = (keys: string[], rows: Row[]) =>
  keys.map((key) => {
    const row = rows.find((candidate) => candidate.key === key);
    return row ? { count: row.count, retryAfterSeconds: row.retry_after } : NONE;
  });

/**
 * Fixed-window counters in PostgreSQL (an unlogged table), so every instance
 * counts against the same limits. One statement per hit, on the database's
 * clock, so instances with drifting clocks still agree.
 */
@Injectable()
export class SharedLimits {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Counts one more for each key (distinct keys) in its window, in one statement; the counts in the keys' order. */
  async hit(keys: string[], windowSeconds: number): Promise<WindowCount[]> {
    return byKey(keys, await this.db.query(HIT, [keys, windowSeconds]));
  }

  /** The counts in the current windows, without counting, in one statement; the counts in the keys' order. */
  async peek(keys: string[]): Promise<WindowCount[]> {
    return byKey(keys, await this.db.query(PEEK, [keys]));
  }

  /** Counts a hit unless `limit` is reached; the seconds to wait, or 0 when it was counted. */
  async take(key: string, limit: number, windowSeconds: number): Promise<number> {
    const [{ count, retryAfterSeconds }] = await this.hit([key], windowSeconds);
    return count > limit ? retryAfterSeconds : 0;
  }

  async clear(key: string): Promise<void> {
    await this.db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
  }

  /** Drops windows that ended (the purge job). */
  async purge(): Promise<number> {
    const rows: unknown[] = await this.db.query(
      `WITH gone AS (DELETE FROM rate_limits WHERE window_ends < now() RETURNING 1) SELECT 1 FROM gone`,
    );
    return rows.length;
  }
}

const WINDOW_SECONDS = 60;

/** One user's posts (cases, messages, claims and their messages) per minute, counted across every instance: a 429 beyond. */
@Injectable()
export class PostingLimit {
  constructor(
    private readonly limits: SharedLimits,
    private readonly config: AppConfig,
  ) {}

  async take(caller: Pick<Caller, 'id'>): Promise<void> {
    const [counted] = await this.limits.hit([this.keyOf(caller)], WINDOW_SECONDS);
    this.check(counted);
  }

  /** 429 when the caller has used up the limit already, without counting a post (asked before an upload's body is read). */
  async admit(caller: Pick<Caller, 'id'>): Promise<void> {
    const [counted] = await this.limits.peek([this.keyOf(caller)]);
    this.check({ ...counted, count: counted.count + 1 });
  }

  /**
   * The same count as a CTE body for a statement of the caller's (one round
   * trip for the count and the caller's read): its parameters are `$keys`
   * and `$window` of `params(caller)`; give its row to `check`.
   */
  countSql(keys: string, windowSeconds: string): string {
    return hitSql(keys, windowSeconds);
  }

  params(caller: Pick<Caller, 'id'>): { keys: string[]; windowSeconds: number } {
    return { keys: [this.keyOf(caller)], windowSeconds: WINDOW_SECONDS };
  }

  /** 429 when the count is past the limit. */
  check(counted: WindowCount): void {
    if (counted.count > this.config.env.POST_RATE_LIMIT_PER_MINUTE) {
      const wait = counted.retryAfterSeconds;
      throw new DomainError('rate_limited', `Too many messages; try again in ${wait} seconds`, {
        retryAfterSeconds: wait,
      });
    }
  }

  private keyOf(caller: Pick<Caller, 'id'>): string {
    return `post:${caller.id}`;
  }
}
