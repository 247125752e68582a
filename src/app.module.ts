import { I18nModule } from './i18n/i18n.module.js';
import { errSerializer, logTransport } from './common/log-format.js';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AccessModule } from './access/access.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { CasesModule } from './cases/cases.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { IntegrationModule } from './integration/integration.module.js';
import { SellersModule } from './sellers/sellers.module.js';
import { SlaModule } from './sla/sla.module.js';
import { SupportQueueModule } from './support/support-queue.module.js';
import { ClockModule } from './clock/clock.module.js';
import { POOL_TYPES } from './common/database/timestamps.js';
import { DatabaseEventsModule } from './common/database/database-events.module.js';
import { Clock } from './common/clock.js';
import { ProblemFilter } from './common/problem.filter.js';
import { PostingLimit, SharedLimits } from './common/shared-limits.js';
import { validationPipe } from './common/validation.js';
import { AppConfig } from '../config/app-config.js';
import { CLAIM_POLICIES, ClaimPolicy } from '../config/policies.js';
import { CLAIM_POLICY_LIST } from './claims/claim-policies.js';
import { ClaimsModule } from './claims/claims.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { InboxModule } from './inbox/inbox.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { UsersModule } from './users/users.module.js';
import { PortalModule } from './portal/portal.module.js';

export interface AppOverrides {
  /** Replaces the system clock (tests). Ignored with CLOCK_MODE=simulated. */
  clock?: Clock;
  /** Replaces the claim policy versions (tests of a policy the shipped config does not hold). */
  claimPolicies?: readonly ClaimPolicy[];
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.env.LOG_LEVEL,
            // One line per request comes from src/common/request-log.ts, for every address (this middleware does not see them all).
            autoLogging: false,
            transport: logTransport(),
            serializers: { err: errSerializer },
            // The id Fastify gave the request (src/app.ts), so logs and the X-Request-Id header agree.
            genReqId: (req: IncomingMessage) => req.id,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          poolSize: config.env.DATABASE_POOL_SIZE,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          retryAttempts: 3,
          retryDelay: 1000,
          // Waiting for a connection is bounded: with the database down, requests fail fast (503) instead of queueing. Sessions are in
          // UTC, whose timestamps the pool reads by position (POOL_TYPES), whatever the server's default time zone. Every statement is
          // bounded too (cancelled: 503), except those of scheduled jobs, which lift the bound while they hold a connection
          // (src/jobs/statement-timeout.ts).
          extra: {
            connectionTimeoutMillis: 3000,
            types: POOL_TYPES,
            options: '-c TimeZone=UTC',
            statement_timeout: config.env.STATEMENT_TIMEOUT_MS,
          },
        }),
        ClockModule.forRoot(config.env.CLOCK_MODE, overrides.clock),
        DatabaseEventsModule,
        I18nModule,
        JobsModule,
        AccessModule,
        AuditModule,
        HealthModule,
        UsersModule,
        AuthModule,
        CalendarModule,
        OrdersModule,
        CasesModule,
        MetricsModule,
        SlaModule,
        SupportQueueModule,
        SellersModule,
        NotificationsModule,
        WebhooksModule,
        IntegrationModule,
        ClaimsModule,
        InboxModule,
        AttachmentsModule,
        PortalModule,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: CLAIM_POLICY_LIST, useValue: overrides.claimPolicies ?? CLAIM_POLICIES },
        SharedLimits,
        PostingLimit,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
      exports: [AppConfig, CLAIM_POLICY_LIST, SharedLimits, PostingLimit],
    };
  }
}
