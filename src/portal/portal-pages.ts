import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { InboxService } from '../inbox/inbox.service.js';
import { csrfTokenOf } from './portal-session.js';
import type { PageContext } from './views/layout.js';

/** Builds what every page shares: the viewer with the unread count, the application's time. */
@Injectable()
export class PortalPages {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly inbox: InboxService,
  ) {}

  get simulatedClock(): boolean {
    return this.config.env.CLOCK_MODE === 'simulated';
  }

  async context(caller: Caller | undefined, section?: string, request?: FastifyRequest): Promise<PageContext> {
    const now = await this.clock.now();
    const notice = request?.flash;
    if (!caller) return { now, simulatedClock: this.simulatedClock, section, notice };
    const [names, counts] = await Promise.all([this.names([caller.id]), this.inbox.counts(caller)]);
    return {
      now,
      simulatedClock: this.simulatedClock,
      section,
      notice,
      viewer: {
        id: caller.id,
        role: caller.role,
        displayName: names.get(caller.id) ?? '',
        csrf: csrfTokenOf(this.config.jwtSecret, caller.tokenId ?? ''),
        unread: counts.unread.total,
      },
    };
  }

  /** Display names of users, for showing who is who. */
  async names(ids: (string | null | undefined)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
    if (wanted.length === 0) return new Map();
    const rows: { id: string; display_name: string }[] = await this.db.query(`SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])`, [wanted]);
    return new Map(rows.map((row) => [row.id, row.display_name]));
  }
}
