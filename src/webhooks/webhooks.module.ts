import { Module } from '@nestjs/common';
import { WebhookDispatchJob } from './webhook-dispatch.job.js';
import { WebhookDispatcherService } from './webhook-dispatcher.service.js';
import { SystemWebhookResolver, WebhookResolver, WebhookTargetsService } from './webhook-targets.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhooks to the marketplace: events written with the change, endpoints, signed deliveries with retries. */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookDispatcherService,
    WebhookDispatchJob,
    WebhookTargetsService,
    { provide: WebhookResolver, useClass: SystemWebhookResolver },
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
