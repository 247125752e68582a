import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { personOf, type Caller } from '../auth/auth.decorators.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { transaction } from '../common/transaction.js';
import { newApiKey, isApiScope } from './api-keys.js';
import type {
  ApiKeyPageView,
  ApiKeysQueryDto,
  ApiKeyView,
  CreateApiKeyDto,
  CreatedApiKeyView,
} from './api-keys.dto.js';
import { INSERT_KEY, LIST_KEYS, LOCK_KEY, REVOKE_KEY } from './api-keys.queries.js';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const toView = (row: KeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.filter(isApiScope),
  prefix: row.prefix,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
});

/**
 * The marketplace's API keys (docs/integration.md): made by admins with a
 * name, scopes and an optional expiry, shown once, kept as a hash, revoked
 * for good; every change in the audit log. Keys run on wall-clock time, as
 * access tokens do: moving the demo's simulated clock expires none.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(admin: Caller, dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const now = new Date();
    const expiresAt = dto.expiresAt === undefined ? null : new Date(dto.expiresAt);
    if (expiresAt && expiresAt.getTime() <= now.getTime())
      throw DomainError.invalid('expiresAt', 'expiresAt must be in the future');
    const { key, prefix, hash } = newApiKey();
    return transaction(this.db, async (tx) => {
      const [row]: KeyRow[] = await tx.query(INSERT_KEY, [
        randomUUID(),
        dto.name,
        prefix,
        hash,
        dto.scopes,
        personOf(admin),
        now,
        expiresAt,
      ]);
      const view = toView(row);
      await this.audit.record(
        tx,
        admin,
        {
          action: 'api_key.created',
          subjectType: 'api_key',
          subjectId: view.id,
          after: { name: view.name, prefix: view.prefix, scopes: view.scopes, expiresAt: view.expiresAt },
        },
        now,
      );
      return { ...view, key };
    });
  }

  async list(query: ApiKeysQueryDto): Promise<ApiKeyPageView> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows: KeyRow[] = await this.db.query(LIST_KEYS, [limit + 1, after?.key ?? null, after?.id ?? null]);
    const items = rows.slice(0, limit).map(toView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** Revokes a key: refused from the next request on, on every instance (keys are looked up on each). Again: nothing more. */
  async revoke(admin: Caller, id: string): Promise<ApiKeyView> {
    const now = new Date();
    return transaction(this.db, async (tx) => {
      const [found]: KeyRow[] = isUuid(id) ? await tx.query(LOCK_KEY, [id]) : [];
      if (!found) throw DomainError.notFound('API key');
      if (found.revoked_at) return toView(found);
      await tx.query(REVOKE_KEY, [id, now]);
      await this.audit.record(
        tx,
        admin,
        {
          action: 'api_key.revoked',
          subjectType: 'api_key',
          subjectId: id,
          before: { name: found.name, prefix: found.prefix, scopes: found.scopes },
        },
        now,
      );
      return toView({ ...found, revoked_at: now });
    });
  }
}
