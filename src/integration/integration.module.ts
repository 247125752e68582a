import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { IntegrationController } from './integration.controller.js';
import { IntegrationService } from './integration.service.js';

/** What a marketplace's systems connect through: API keys, and people and orders by the marketplace's ids. */
@Module({
  imports: [AuditModule, CalendarModule, OrdersModule],
  controllers: [ApiKeysController, IntegrationController],
  providers: [ApiKeysService, IntegrationService],
  exports: [ApiKeysService],
})
export class IntegrationModule {}
