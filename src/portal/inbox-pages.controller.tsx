import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendAttachment } from '../attachments/download.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import type { MessageKey } from '../i18n/catalogues.js';
import { BulkDto, InboxFilterDto, ListInboxQueryDto, ReportDto } from '../inbox/inbox.dto.js';
import { InboxReportsService } from '../inbox/inbox-reports.service.js';
import { InboxStreamService } from '../inbox/inbox-stream.service.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PortalPages } from './portal-pages.js';
import { field, formDto, PortalController, redirectTo } from './portal.js';
import { InboxPage, ItemList, ItemPage, SentPage } from './views/inbox.js';
import type { InboxFilters } from './views/inbox.js';
import { UnreadBadge } from './views/layout.js';

/** Messages on a Message Center page. */
const PAGE_SIZE = 25;
const BULK_ACTIONS = ['read', 'unread', 'delete', 'restore'] as const;
type BulkAction = (typeof BULK_ACTIONS)[number];
const DONE: Record<BulkAction, MessageKey> = {
  read: 'inbox.bulk.done.read',
  unread: 'inbox.bulk.done.unread',
  delete: 'inbox.bulk.done.delete',
  restore: 'inbox.bulk.done.restore',
};

/** The filters a Message Center page was asked for, checked by the API's own filter DTO. */
async function filtersOf(source: Record<string, unknown>, prefix = ''): Promise<InboxFilters> {
  const pick = (name: string) => field(source, prefix + name);
  const dto = await formDto(InboxFilterDto, {
    category: pick('category'),
    q: pick('q'),
    unread: pick('unread'),
    in: pick('in'),
  });
  return { category: dto.category, q: dto.q, unread: dto.unread, in: dto.in };
}

/** Everyone's Message Center: folders with unread counts, search, bulk actions, Trash, reports, live updates. */
@PortalController()
@Controller('app')
export class InboxPagesController {
  constructor(
    private readonly pages: PortalPages,
    private readonly inbox: InboxService,
    private readonly reports: InboxReportsService,
    private readonly stream: InboxStreamService,
    private readonly attachments: AttachmentsService,
  ) {}

  @Get('inbox')
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const filters = await filtersOf(query);
    const dto = await formDto(ListInboxQueryDto, { ...filters, cursor: field(query, 'cursor'), limit: PAGE_SIZE });
    if (filters.in === 'sent') {
      const [ctx, page, counts] = await Promise.all([
        this.pages.context(caller, 'inbox', request),
        this.inbox.sent(caller, dto),
        this.inbox.counts(caller),
      ]);
      return SentPage({ ctx, page, counts });
    }
    const [ctx, page, counts] = await Promise.all([
      this.pages.context(caller, 'inbox', request),
      this.inbox.list(caller, dto),
      this.inbox.counts(caller),
    ]);
    return InboxPage({ ctx, filters, page, counts });
  }

  /** The first page of the list alone, re-fetched when the live stream says an item arrived. */
  @Get('inbox/items')
  async items(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const filters = await filtersOf(query);
    const [page, i18n] = await Promise.all([
      this.inbox.list(caller, await formDto(ListInboxQueryDto, { ...filters, limit: PAGE_SIZE })),
      this.pages.messages(caller, request),
    ]);
    return ItemList({ items: page.items, filters, i18n });
  }

  @Get('inbox/badge')
  async badge(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    // Refreshed in every open tab at each delivery: the counts and the reader's language in one read.
    const { counts, i18n } = await this.pages.countsAndMessages(caller, request);
    return UnreadBadge({ count: counts.unread.total, i18n });
  }

  @Get('inbox/stream')
  stream_(
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream.serve(caller.id, reply, lastEventId);
  }

  @Post('inbox/bulk')
  async bulk(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const i18n = await this.pages.messages(caller, request);
    const action = form.action;
    if (typeof action !== 'string' || !(BULK_ACTIONS as readonly string[]).includes(action))
      throw DomainError.invalid('action', i18n.t('inbox.bulk.badAction'));
    const filters = await filtersOf(form, 'filter.');
    let dto: BulkDto;
    if (form.scope === 'matching') {
      dto = await formDto(BulkDto, {
        filter: { ...filters, in: filters.in ?? (action === 'restore' ? 'trash' : 'inbox') },
      });
    } else {
      const ids = form.ids === undefined ? [] : Array.isArray(form.ids) ? form.ids : [form.ids];
      if (ids.length === 0) throw DomainError.invalid('ids', i18n.t('inbox.bulk.noneSelected'));
      dto = await formDto(BulkDto, { ids });
    }
    const result = await this.inbox.bulk(caller, action as BulkAction, dto);
    const back = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value !== undefined) back.set(key, String(value));
    const path = back.size > 0 ? `/app/inbox?${back.toString()}` : '/app/inbox';
    redirectTo(reply, path, i18n.t(DONE[action as BulkAction], { count: result.updated }));
  }

  @Get('inbox/:id')
  async item(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const item = await this.inbox.get(caller, id);
    if (!item.readAt) await this.inbox.bulk(caller, 'read', { ids: [item.id] });
    return ItemPage({ ctx: await this.pages.context(caller, 'inbox', request), item });
  }

  @Post('inbox/:id/report')
  async report(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.reports.report(caller, id, await formDto(ReportDto, { reason: field(form, 'reason') }));
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/inbox', i18n.t('inbox.report.done'));
  }

  @Get('attachments/:id')
  async attachment(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return sendAttachment(reply, await this.attachments.download(caller, id));
  }
}
