import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { SharedLimits } from '../common/shared-limits.js';
import { apiKeyHash, isApiScope, looksLikeApiKey, type ApiScope } from './api-keys.js';
import { AUTHENTICATE_KEY } from './api-keys.queries.js';

/** How often a key's `lastUsedAt` is written at most: a key's every request would otherwise be a write. */
export const LAST_USED_RESOLUTION_SECONDS = 60;
const RATE_WINDOW_SECONDS = 60;

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  usable: boolean;
}

/**
 * Requests made with an API key (`Authorization: Bearer pk_…`): the key is
 * looked up by its hash on every request, so a revoked or expired key is
 * refused at once on every instance (nothing about keys is cached), and the
 * same statement notes when it was last used (at most once a minute). What
 * a key may call is the guard's to decide, from its scopes.
 */
@Injectable()
export class ApiKeyAuth {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly limits: SharedLimits,
    private readonly config: AppConfig,
  ) {}

  /** The caller a key stands for, or undefined for a key that is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Caller | undefined> {
    if (!looksLikeApiKey(key)) return undefined;
    const [row]: KeyRow[] = await this.db.query(AUTHENTICATE_KEY, [apiKeyHash(key), LAST_USED_RESOLUTION_SECONDS]);
    if (!row?.usable) return undefined;
    return {
      id: row.id,
      // A key acts for the marketplace, within its scopes (the guard lets it call nothing else): never as a person.
      role: 'admin',
      apiKey: { id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes.filter(isApiScope) },
    };
  }

  /** Counts a request of the key against API_KEY_RATE_LIMIT_PER_MINUTE, across every instance: 429 beyond it. */
  async admit(key: { id: string }): Promise<void> {
    const wait = await this.limits.take(
      `api_key:${key.id}`,
      this.config.env.API_KEY_RATE_LIMIT_PER_MINUTE,
      RATE_WINDOW_SECONDS,
    );
    if (wait > 0)
      throw new DomainError('rate_limited', `Too many requests with this API key; try again in ${wait} seconds`, {
        retryAfterSeconds: wait,
      });
  }
}

/** Whether a key with `granted` may call a route open to `wanted` (one of them suffices). */
export const keyMayCall = (granted: readonly ApiScope[], wanted: readonly ApiScope[]): boolean =>
  wanted.some((scope) => granted.includes(scope));
