import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { BulkDto, BulkResultView, InboxCountsView, InboxItemDetailView, InboxPageView, ListInboxQueryDto } from './inbox.dto.js';
import { InboxService } from './inbox.service.js';

const BULK = 'Either `ids` (others’ ids are listed in notFound and never touched) or `filter` (the list filters; every matching item)';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOkResponse({ type: InboxPageView, description: 'The caller’s Message Center, newest first' })
  list(@Query() query: ListInboxQueryDto, @CurrentCaller() caller: Caller): Promise<InboxPageView> {
    return this.inbox.list(caller, query);
  }

  @Get('counts')
  @ApiOkResponse({ type: InboxCountsView })
  counts(@CurrentCaller() caller: Caller): Promise<InboxCountsView> {
    return this.inbox.counts(caller);
  }

  @Get(':id')
  @ApiOkResponse({ type: InboxItemDetailView })
  @ApiNotFoundResponse()
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<InboxItemDetailView> {
    return this.inbox.get(caller, id);
  }

  @Post('read')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkResultView, description: BULK })
  read(@Body() dto: BulkDto, @CurrentCaller() caller: Caller): Promise<BulkResultView> {
    return this.inbox.bulk(caller, 'read', dto);
  }

  @Post('unread')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkResultView, description: BULK })
  unread(@Body() dto: BulkDto, @CurrentCaller() caller: Caller): Promise<BulkResultView> {
    return this.inbox.bulk(caller, 'unread', dto);
  }

  @Post('delete')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkResultView, description: `To Trash (restorable for 30 days). ${BULK}` })
  delete(@Body() dto: BulkDto, @CurrentCaller() caller: Caller): Promise<BulkResultView> {
    return this.inbox.bulk(caller, 'delete', dto);
  }

  @Post('restore')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkResultView, description: `Back from Trash (a filter defaults to in=trash). ${BULK}` })
  restore(@Body() dto: BulkDto, @CurrentCaller() caller: Caller): Promise<BulkResultView> {
    return this.inbox.bulk(caller, 'restore', dto);
  }
}
