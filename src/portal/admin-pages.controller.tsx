import { Body, Controller, Get, NotFoundException, Optional, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditQueryDto } from '../audit/audit.dto.js';
import { AuditService } from '../audit/audit.service.js';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { ClosureDto } from '../calendar/calendar.dto.js';
import { CalendarAdminService } from '../calendar/calendar-admin.service.js';
import { toSegmentViews } from '../calendar/calendar.mappers.js';
import { FIRST_YEAR, holidayName, LAST_YEAR } from '../calendar/holiday-source.js';
import { instantOfLocal, localInputValue } from '../calendar/local-time.js';
import { ClockAdminService } from '../clock/clock-admin.service.js';
import { AdvanceClockDto } from '../clock/clock.dto.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { I18n } from '../i18n/i18n.service.js';
import { BroadcastDelivery } from '../notifications/broadcast-delivery.service.js';
import { BroadcastDto } from '../notifications/notifications.dto.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { AdminUpdateUserDto, CreateUserDto } from '../users/users.dto.js';
import { UsersService } from '../users/users.service.js';
import { ROLES } from '../users/user.entity.js';
import type { Role } from '../users/user.entity.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { PortalPages } from './portal-pages.js';
import { field, formDto, PortalController, redirectTo } from './portal.js';
import {
  AuditPage,
  BroadcastPreviewPage,
  BroadcastsPage,
  CalendarsPage,
  ClockPage,
  DeliveriesPage,
  UsersPage,
} from './views/admin.js';
import type { BroadcastDraft, Preview } from './views/admin.js';
import type { PageContext } from './views/layout.js';
import { ApiKeysPage } from './views/api-keys.js';
import { CreateApiKeyDto, type CreatedApiKeyView } from '../integration/api-keys.dto.js';
import { ApiKeysService } from '../integration/api-keys.service.js';

/** Broadcasts on a page of the history. */
const HISTORY_PAGE = 20;

/** The administrator's pages: users, calendars with closures and a deadline preview, broadcasts, failed deliveries, the audit log, the simulated clock. */
@PortalController()
@Roles('admin')
@Controller('app/admin')
export class AdminPagesController {
  constructor(
    private readonly pages: PortalPages,
    private readonly users: UsersService,
    private readonly calendars: CalendarAdminService,
    private readonly notifications: NotificationsService,
    private readonly broadcasts: BroadcastDelivery,
    private readonly webhooks: WebhooksService,
    private readonly audit: AuditService,
    private readonly i18n: I18n,
    private readonly apiKeys: ApiKeysService,
    @Optional() private readonly clock?: ClockAdminService,
  ) {}

  @Get('users')
  async usersPage(
    @Query('role') role: unknown,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const only = typeof role === 'string' && (ROLES as readonly string[]).includes(role) ? (role as Role) : undefined;
    const [ctx, users] = await Promise.all([this.pages.context(caller, 'users', request), this.users.list(only, 200)]);
    return UsersPage({ ctx, users, role: only, languages: this.i18n.choices });
  }

  @Post('users')
  async createUser(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const seller =
      form.role === 'seller'
        ? { timeZone: form.timeZone, country: form.country, subdivision: field(form, 'subdivision') }
        : undefined;
    const dto = await formDto(CreateUserDto, {
      email: form.email,
      password: form.password,
      role: form.role,
      displayName: form.displayName,
      seller,
    });
    const user = await this.users.register(caller, dto);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/admin/users', i18n.t('admin.users.notice.created', { email: user.email }).slice(0, 120));
  }

  /** A person's language, set for them by an admin (the empty choice clears it: their pages follow their browser). */
  @Post('users/:id/locale')
  async setLocale(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const dto = await formDto(AdminUpdateUserDto, { locale: field(form, 'locale') ?? null });
    const user = await this.users.adminUpdate(caller, id, dto);
    const i18n = await this.pages.messages(caller, request);
    const notice = user.localeChosen
      ? i18n.t('admin.users.notice.languageSet', {
          email: user.email,
          language: this.i18n.locales.messages(user.locale).languageName,
        })
      : i18n.t('admin.users.notice.languageCleared', { email: user.email });
    redirectTo(reply, '/app/admin/users', notice);
  }

  @Post('users/:id/:change')
  async setDisabled(
    @Param('id') id: string,
    @Param('change') change: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (change !== 'disable' && change !== 'enable') throw DomainError.notFound('Action');
    await this.users.setDisabled(caller, id, change === 'disable');
    const i18n = await this.pages.messages(caller, request);
    redirectTo(
      reply,
      '/app/admin/users',
      i18n.t(change === 'disable' ? 'admin.users.notice.disabled' : 'admin.users.notice.enabled'),
    );
  }

  @Get('api-keys')
  async apiKeysPage(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    return this.keysPage(caller, request);
  }

  /** The API keys page, with the key just made (`created`) shown on it once. */
  private async keysPage(caller: Caller, request: FastifyRequest, created?: CreatedApiKeyView): Promise<string> {
    const [ctx, keys] = await Promise.all([
      this.pages.context(caller, 'apiKeys', request),
      this.apiKeys.list({ limit: 100 }),
    ]);
    return ApiKeysPage({ ctx, keys: keys.items, created });
  }

  /** A new key: this answer is the only page that ever shows it (no redirect, whose next page would have to carry it). */
  @Post('api-keys')
  async createApiKey(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const scopes = form.scopes === undefined ? [] : [form.scopes].flat();
    const expiresOn = field(form, 'expiresAt');
    const dto = await formDto(CreateApiKeyDto, {
      name: form.name,
      scopes,
      expiresAt: expiresOn === undefined ? undefined : `${expiresOn}T00:00:00Z`,
    });
    return this.keysPage(caller, request, await this.apiKeys.create(caller, dto));
  }

  @Post('api-keys/:id/revoke')
  async revokeApiKey(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const revoked = await this.apiKeys.revoke(caller, id);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(
      reply,
      '/app/admin/api-keys',
      i18n.t('admin.apiKeys.notice.revoked', { name: revoked.name }).slice(0, 120),
    );
  }

  @Get('calendars')
  async calendarsPage(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const selected = field(query, 'calendar') ?? 'marketplace';
    const [ctx, calendar, sellers] = await Promise.all([
      this.pages.context(caller, 'calendars', request),
      selected === 'marketplace'
        ? this.calendars.view('marketplace', caller)
        : this.calendars.viewForSeller(selected, caller),
      this.users.list('seller', 500),
    ]);
    let preview: Preview | undefined;
    const start = field(query, 'start');
    if (start !== undefined) {
      // A time the form sends is on the calendar's wall clock; one with an offset (a link, a script) is an instant.
      const at = /(Z|[+-]\d\d:\d\d)$/.test(start) ? new Date(start) : instantOfLocal(start, calendar.timeZone);
      const days = Number(field(query, 'days') ?? '2');
      const year = at?.getUTCFullYear() ?? NaN;
      if (at === undefined || Number.isNaN(year) || year < FIRST_YEAR || year > LAST_YEAR)
        throw DomainError.invalid('start', `start must be a date and time in ${calendar.timeZone}`);
      if (!Number.isInteger(days) || days < 1 || days > 30)
        throw DomainError.invalid('days', 'days must be a whole number from 1 to 30');
      // The calendar's own engine, closures included: the preview is what a case opened then would get.
      const { engine } = await this.calendars.current(calendar.id, caller);
      const deadline = engine.addBusinessDays(at, days);
      // A holiday is named in the reader's language where the holiday data has it.
      const language = ctx.i18n.locale.split('-')[0];
      const { country, subdivision, timeZone } = calendar;
      const skipped = toSegmentViews(engine.explain(at, deadline))
        .filter((segment) => !segment.counted)
        .map((segment) => {
          if (segment.reason !== 'holiday' || !country) return segment;
          const day = localInputValue(new Date(segment.from), timeZone).slice(0, 10);
          return { ...segment, name: holidayName(country, subdivision, day, language) ?? segment.name };
        });
      preview = {
        start: at.toISOString(),
        local: localInputValue(at, calendar.timeZone),
        days,
        deadline: deadline.toISOString(),
        skipped,
      };
    }
    const localNow = localInputValue(ctx.now, calendar.timeZone);
    return CalendarsPage({ ctx, calendar, sellers, selected, preview, localNow });
  }

  @Post('calendars/:id/closures')
  async addClosure(
    @Param('id') id: string,
    @Query('calendar') back: unknown,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.calendars.addClosure(
      id,
      await formDto(ClosureDto, { name: form.name, from: form.from, to: form.to }),
      caller,
    );
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, calendarPage(back), i18n.t('admin.calendars.notice.closureAdded'));
  }

  @Post('calendars/:id/closures/:closureId/remove')
  async removeClosure(
    @Param('id') id: string,
    @Param('closureId') closureId: string,
    @Query('calendar') back: unknown,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.calendars.removeClosure(id, closureId, caller);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, calendarPage(back), i18n.t('admin.calendars.notice.closureRemoved'));
  }

  @Get('broadcasts')
  async broadcastsPage(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const at = { before: historyPosition(query, 'before'), after: historyPosition(query, 'after') };
    if (at.before !== undefined && at.after !== undefined)
      throw DomainError.invalid('after', 'after cannot be given with before');
    const ctx = await this.pages.context(caller, 'broadcasts', request);
    return this.composePage(ctx, at);
  }

  /** A broadcast is not sent from its form: first how it will look and how many it reaches (BroadcastPreviewPage). */
  @Post('broadcasts')
  async previewBroadcast(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const dto = await broadcastOf(form);
    const [ctx, size] = await Promise.all([
      this.pages.context(caller, 'broadcasts', request),
      this.broadcasts.audienceSize(dto.category, dto.audience),
    ]);
    return BroadcastPreviewPage({ ctx, draft: dto, ...size });
  }

  /** Back from the preview to the form, with what was written. */
  @Post('broadcasts/edit')
  async editBroadcast(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const text = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
    const draft: BroadcastDraft = {
      category: text('category'),
      audience: text('audience'),
      subject: text('subject').slice(0, 200),
      body: text('body').slice(0, 20_000),
    };
    return this.composePage(await this.pages.context(caller, 'broadcasts', request), {}, draft);
  }

  @Post('broadcasts/send')
  async broadcast(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const sent = await this.notifications.broadcast(caller, await broadcastOf(form));
    const i18n = await this.pages.messages(caller, request);
    redirectTo(
      reply,
      '/app/admin/broadcasts',
      i18n.t('admin.broadcasts.notice.sent', { recipients: sent.recipients, emails: sent.emails }),
    );
  }

  private async composePage(
    ctx: PageContext,
    at: { before?: number; after?: number },
    draft?: BroadcastDraft,
  ): Promise<string> {
    const history = await this.broadcasts.history(HISTORY_PAGE, at);
    const names = await this.pages.names(history.items.map((sent) => sent.sentBy));
    return BroadcastsPage({ ctx, history, names, draft });
  }

  @Get('deliveries')
  async deliveries(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    const [ctx, emails, endpoints] = await Promise.all([
      this.pages.context(caller, 'deliveries', request),
      this.notifications.outbox('failed'),
      this.webhooks.list(),
    ]);
    const webhooks = await Promise.all(
      endpoints.items.map(async (endpoint) => ({
        endpoint,
        failed: (await this.webhooks.deliveries(endpoint.id, { status: 'failed', limit: 50 })).items,
      })),
    );
    return DeliveriesPage({ ctx, emails, webhooks });
  }

  @Post('outbox/:id/retry')
  async retryEmail(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.notifications.retry(id);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/admin/deliveries', i18n.t('admin.deliveries.notice.emailRetried'));
  }

  @Post('webhooks/deliveries/:id/retry')
  async retryWebhook(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.webhooks.retry(caller, id);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/admin/deliveries', i18n.t('admin.deliveries.notice.webhookRetried'));
  }

  @Get('audit')
  async auditPage(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const dto = await formDto(AuditQueryDto, {
      action: field(query, 'action'),
      subjectType: field(query, 'subjectType'),
      actorId: field(query, 'actorId'),
      cursor: field(query, 'cursor'),
      limit: 50,
    });
    const [ctx, page, actorIds] = await Promise.all([
      this.pages.context(caller, 'audit', request),
      this.audit.browse(dto, field(query, 'newer')),
      this.audit.actors(),
    ]);
    const names = await this.pages.names(actorIds);
    const actors = actorIds
      .map((id) => ({ id, name: names.get(id) ?? id }))
      .sort((a, b) => a.name.localeCompare(b.name, ctx.i18n.formatLocale));
    const { action, subjectType, actorId } = dto;
    return AuditPage({ ctx, page, filters: { action, subjectType, actorId }, actors });
  }

  @Get('clock')
  async clockPage(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    if (!this.clock) throw new NotFoundException('The clock is the system clock');
    return ClockPage({ ctx: await this.pages.context(caller, 'clock', request) });
  }

  @Post('clock/advance')
  async advance(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!this.clock) throw new NotFoundException('The clock is the system clock');
    await this.clock.advance(caller, await formDto(AdvanceClockDto, { seconds: Number(form.seconds) }));
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/admin/clock', i18n.t('admin.clock.notice.advanced'));
  }
}

/** A broadcast form's fields, checked by the API's DTO. */
const broadcastOf = (form: Record<string, unknown>): Promise<BroadcastDto> =>
  formDto(BroadcastDto, { category: form.category, audience: form.audience, subject: form.subject, body: form.body });

const calendarPage = (key: unknown): string =>
  typeof key === 'string' && (key === 'marketplace' || isUuid(key))
    ? `/app/admin/calendars?calendar=${key}`
    : '/app/admin/calendars';

/** A broadcast's number from the history's `before` or `after` parameter; anything else is a 400 naming it. */
function historyPosition(query: Record<string, unknown>, name: 'before' | 'after'): number | undefined {
  const value = field(query, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value))
    throw DomainError.invalid(name, `${name} is not a page of the history; start again from the first page`);
  return Number(value);
}
