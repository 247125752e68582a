import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Public, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import {
  BroadcastDto,
  BroadcastView,
  EmailPreferencesView,
  OutboxItemView,
  OutboxQueryDto,
  UnsubscribeBodyDto,
  UpdateEmailPreferencesDto,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('email')
@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('me/email-preferences')
  @ApiBearerAuth()
  @ApiOkResponse({ type: EmailPreferencesView })
  preferences(@CurrentCaller() caller: Caller): Promise<EmailPreferencesView> {
    return this.notifications.preferences(caller.id);
  }

  @Put('me/email-preferences')
  @ApiBearerAuth()
  @ApiOkResponse({ type: EmailPreferencesView, description: 'A locked category cannot be switched off (400)' })
  updatePreferences(
    @CurrentCaller() caller: Caller,
    @Body() dto: UpdateEmailPreferencesDto,
  ): Promise<EmailPreferencesView> {
    return this.notifications.updatePreferences(caller.id, dto);
  }

  @Public()
  @Post('unsubscribe')
  @HttpCode(200)
  @ApiBody({ type: UnsubscribeBodyDto, description: 'RFC 8058: List-Unsubscribe=One-Click (form-encoded)' })
  @ApiOkResponse({
    description:
      'Unsubscribed (also when already unsubscribed); no login, no redirect. A GET on the same link shows a page asking to confirm (the portal).',
  })
  async unsubscribe(@Query('token') token: string | undefined): Promise<{ unsubscribed: true; category: string }> {
    const { unsubscribed, category } = await this.notifications.unsubscribe(token);
    return { unsubscribed, category };
  }

  @Post('admin/broadcasts')
  @ApiBearerAuth()
  @Roles('admin')
  @ApiCreatedResponse({ type: BroadcastView })
  broadcast(@CurrentCaller() caller: Caller, @Body() dto: BroadcastDto): Promise<BroadcastView> {
    return this.notifications.broadcast(caller, dto);
  }

  @Get('admin/outbox')
  @ApiBearerAuth()
  @Roles('admin')
  @ApiOkResponse({ type: [OutboxItemView], description: 'Emails by status (default: failed), with their last error' })
  outbox(@Query() query: OutboxQueryDto): Promise<OutboxItemView[]> {
    return this.notifications.outbox(query.status);
  }

  @Post('admin/outbox/:id/retry')
  @ApiBearerAuth()
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: OutboxItemView })
  retry(@Param('id') id: string): Promise<OutboxItemView> {
    return this.notifications.retry(id);
  }
}
