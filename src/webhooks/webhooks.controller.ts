import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentCaller, KeyScopes, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import {
  DeliveriesQueryDto,
  DeliveryPageView,
  DeliveryView,
  RegisteredWebhookView,
  RegisterWebhookDto,
  WebhookListView,
} from './webhooks.dto.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@KeyScopes('webhooks:write')
@Controller('admin/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: RegisteredWebhookView, description: 'The signing secret is in this response only' })
  register(@Body() dto: RegisterWebhookDto, @CurrentCaller() caller: Caller): Promise<RegisteredWebhookView> {
    return this.webhooks.register(caller, dto);
  }

  @Get()
  @ApiOkResponse({ type: WebhookListView })
  list(): Promise<WebhookListView> {
    return this.webhooks.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.webhooks.remove(caller, id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: DeliveryPageView })
  @ApiNotFoundResponse()
  deliveries(@Param('id') id: string, @Query() query: DeliveriesQueryDto): Promise<DeliveryPageView> {
    return this.webhooks.deliveries(id, query);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryView })
  @ApiConflictResponse({ description: 'The delivery has not failed' })
  retry(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<DeliveryView> {
    return this.webhooks.retry(caller, id);
  }
}
