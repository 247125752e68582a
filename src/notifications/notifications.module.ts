import { Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { OutboxDispatchJob } from './outbox-dispatch.job.js';
import { OutboxDispatcherService } from './outbox-dispatcher.service.js';
import { OutboxMetrics } from './outbox-metrics.js';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, OutboxDispatcherService, OutboxDispatchJob, OutboxMetrics],
})
export class NotificationsModule {}
