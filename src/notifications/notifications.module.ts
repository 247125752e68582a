import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastDelivery } from './broadcast-delivery.service.js';
import { EmailPreference } from './email-preference.entity.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { OutboxDispatchJob } from './outbox-dispatch.job.js';
import { OutboxDispatcherService } from './outbox-dispatcher.service.js';
import { OutboxMetrics } from './outbox-metrics.js';
import { OutboxService } from './outbox.service.js';

/** Email: the outbox (its one owner), the dispatcher, preferences, unsubscribe and broadcasts. */
@Module({
  imports: [TypeOrmModule.forFeature([EmailPreference])],
  controllers: [NotificationsController],
  providers: [
    BroadcastDelivery,
    NotificationsService,
    OutboxDispatcherService,
    OutboxDispatchJob,
    OutboxMetrics,
    OutboxService,
  ],
  exports: [OutboxService, NotificationsService, BroadcastDelivery],
})
export class NotificationsModule {}
