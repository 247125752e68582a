import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import {
  BulkDto,
  BulkResultView,
  DecideReportDto,
  InboxCountsView,
  InboxItemDetailView,
  InboxPageView,
  ListInboxQueryDto,
  ReportDto,
  ReportsQueryDto,
  ReportView,
  SentPageView,
} from './inbox.dto.js';
import { InboxReportsService } from './inbox-reports.service.js';
import { InboxStreamService } from './inbox-stream.service.js';
import { InboxService } from './inbox.service.js';

const BULK =
  'Either `ids` (others’ ids are listed in notFound and never touched) or `filter` (the list filters; every matching item)';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(
    private readonly inbox: InboxService,
    private readonly reports: InboxReportsService,
    private readonly stream: InboxStreamService,
  ) {}

  @Get()
  @ApiExtraModels(InboxPageView, SentPageView)
  @ApiOkResponse({
    description:
      'The caller’s Message Center, newest first: an `InboxPageView`, or with `in=sent` a `SentPageView` of the messages the caller wrote',
    schema: { oneOf: [{ $ref: getSchemaPath(InboxPageView) }, { $ref: getSchemaPath(SentPageView) }] },
  })
  @ApiBadRequestResponse({
    description:
      'A filter is invalid, the search `q` is over its limits (the message says which), the cursor is not one this list returned, or a filter was given with `in=sent`',
  })
  list(@Query() query: ListInboxQueryDto, @CurrentCaller() caller: Caller): Promise<InboxPageView | SentPageView> {
    return query.in === 'sent' ? this.inbox.sent(caller, query) : this.inbox.list(caller, query);
  }

  @Get('stream')
  @ApiOkResponse({
    description:
      'Server-Sent Events for the caller, from every instance: `item` events (id: the item’s sequence number) and `counts` events. Reconnect with Last-Event-ID to get exactly what was missed; a client more than STREAM_REPLAY_LIMIT items behind gets a `reload` event (id: the newest item) instead and should reload its list. The server ends a stream after STREAM_MAX_LIFETIME_SECONDS, when its session expires or ends, and closes a user’s oldest beyond STREAM_MAX_PER_USER: reconnect.',
    content: { 'text/event-stream': {} },
  })
  live(
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream.serve(caller.id, reply, lastEventId);
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

  @Post(':id/report')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReportView, description: 'The item disappears for you; support reviews it' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'You reported this item before and support dismissed the report' })
  report(@Param('id') id: string, @Body() dto: ReportDto, @CurrentCaller() caller: Caller): Promise<ReportView> {
    return this.reports.report(caller, id, dto);
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

/** Support reviews phishing reports. */
@ApiTags('support')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: InboxReportsService) {}

  @Get()
  @Roles('agent', 'admin')
  @ApiOkResponse({ type: [ReportView] })
  list(@Query() query: ReportsQueryDto): Promise<ReportView[]> {
    return this.reports.list(query.status);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOkResponse({
    type: ReportView,
    description: 'Phishing: the message is quarantined for every recipient and counts against its sender',
  })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already decided' })
  confirm(@Param('id') id: string, @Body() dto: DecideReportDto, @CurrentCaller() caller: Caller): Promise<ReportView> {
    return this.reports.confirm(caller, id, dto);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOkResponse({ type: ReportView, description: 'Not phishing: the item is back in the reporter’s Message Center' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already decided' })
  dismiss(@Param('id') id: string, @Body() dto: DecideReportDto, @CurrentCaller() caller: Caller): Promise<ReportView> {
    return this.reports.dismiss(caller, id, dto);
  }
}
