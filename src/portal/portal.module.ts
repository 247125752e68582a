import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { CasePagesController } from './case-pages.controller.js';
import { CasesModule } from '../cases/cases.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { ClaimPagesController } from './claim-pages.controller.js';
import { ClaimsModule } from '../claims/claims.module.js';
import { SupportPagesController } from './support-pages.controller.js';
import { SupportQueueModule } from '../support/support-queue.module.js';
import { AccountPagesController } from './account-pages.controller.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SellersModule } from '../sellers/sellers.module.js';
import { AdminPagesController } from './admin-pages.controller.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { IntegrationModule } from '../integration/integration.module.js';
import { InboxPagesController } from './inbox-pages.controller.js';
import { PortalAssetsController, PortalAuthController } from './portal-auth.controller.js';
import { PortalPages } from './portal-pages.js';
import { PortalFilter } from './portal.filter.js';
import { UnsubscribePagesController } from './unsubscribe-pages.controller.js';
import { PortalNotFoundController } from './not-found.js';

/**
 * The portal: server-rendered pages for people under /app, calling the same
 * services as the JSON API (docs/portal.md).
 */
@Module({
  imports: [
    AuthModule,
    InboxModule,
    AttachmentsModule,
    CasesModule,
    OrdersModule,
    ClaimsModule,
    SupportQueueModule,
    NotificationsModule,
    SellersModule,
    CalendarModule,
    UsersModule,
    WebhooksModule,
    IntegrationModule,
  ],
  controllers: [
    PortalAssetsController,
    PortalAuthController,
    InboxPagesController,
    CasePagesController,
    ClaimPagesController,
    SupportPagesController,
    AccountPagesController,
    AdminPagesController,
    UnsubscribePagesController,
    PortalNotFoundController,
  ],
  providers: [PortalPages, PortalFilter],
})
export class PortalModule {}
