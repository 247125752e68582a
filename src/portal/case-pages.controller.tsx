import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Uploads } from '../attachments/uploads.js';
import type { Upload } from '../attachments/uploads.js';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CaseQueriesService } from '../cases/case-queries.service.js';
import { allows, canSeeEscalation } from '../access/access.js';
import { CaseDetailView, ListCasesQueryDto, OpenCaseDto, PostMessageDto } from '../cases/cases.dto.js';
import { ClaimsService } from '../claims/claims.service.js';
import { CasesService } from '../cases/cases.service.js';
import { isUuid } from '../common/ids.js';
import { DomainError } from '../common/domain-error.js';
import { OrdersService } from '../orders/orders.service.js';
import { ListEscalationsQueryDto } from '../support/support.dto.js';
import { SupportQueueService } from '../support/support-queue.service.js';
import { escalationAllowedActions } from '../support/escalation-actions.js';
import { PortalPages } from './portal-pages.js';
import type { MessageKey } from '../i18n/catalogues.js';
import { field, formDto, messageFields, PortalController, redirectTo } from './portal.js';
import { CaseListPage, CasePage, NewCasePage, Why } from './views/cases.js';

const CASE_ACTIONS = {
  'no-response-needed': {
    run: (s: CasesService, c: Caller, id: string) => s.noResponseNeeded(c, id),
    done: 'cases.notice.noResponseNeeded',
  },
  resolve: { run: (s: CasesService, c: Caller, id: string) => s.resolve(c, id), done: 'cases.notice.resolved' },
  reopen: { run: (s: CasesService, c: Caller, id: string) => s.reopen(c, id), done: 'cases.notice.reopened' },
  escalate: {
    run: (s: CasesService, c: Caller, id: string) => s.escalate(c, id),
    done: 'cases.notice.escalated',
  },
} as const satisfies Record<
  string,
  { run: (s: CasesService, c: Caller, id: string) => Promise<unknown>; done: MessageKey }
>;

/** Cases: the seller's dashboard, everyone's case list, the case page with its conversation and actions. */
@PortalController()
@Controller('app')
export class CasePagesController {
  constructor(
    private readonly pages: PortalPages,
    private readonly cases: CasesService,
    private readonly queries: CaseQueriesService,
    private readonly orders: OrdersService,
    private readonly support: SupportQueueService,
    private readonly claims: ClaimsService,
  ) {}

  @Get('dashboard')
  @Roles('seller')
  dashboard(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    return this.list(query, caller, request, 'dashboard');
  }

  @Get('cases')
  cases_(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    return this.list(query, caller, request, 'cases');
  }

  private async list(
    query: Record<string, unknown>,
    caller: Caller,
    request: FastifyRequest,
    section: 'dashboard' | 'cases',
  ): Promise<string> {
    const dto = await formDto(ListCasesQueryDto, {
      status: field(query, 'status'),
      q: field(query, 'q'),
      cursor: field(query, 'cursor'),
      before: field(query, 'before'),
      limit: 25,
    });
    // The list's statement reads the page's frame too: one round trip for the page.
    const { page, names, frame } = await this.queries.listWithNames(caller, dto, await this.pages.frameJoin(caller));
    const ctx = await this.pages.context(caller, section, request, frame);
    const title = ctx.i18n.t(
      section === 'dashboard'
        ? 'cases.list.title.dashboard'
        : caller.role === 'buyer'
          ? 'cases.list.title.buyer'
          : 'cases.list.title.all',
    );
    return CaseListPage({
      ctx,
      page,
      names,
      status: dto.status,
      q: dto.q || undefined,
      title,
      section,
      base: `/app/${section}`,
    });
  }

  @Get('cases/new')
  @Roles('buyer')
  async newCase(
    @Query('orderId') orderId: unknown,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    if (typeof orderId !== 'string' || !isUuid(orderId))
      throw DomainError.invalid('orderId', 'orderId must be the id of one of your orders', 'notYourOrder');
    const order = await this.orders.view(orderId, caller);
    const [ctx, names] = await Promise.all([
      this.pages.context(caller, 'orders', request),
      this.pages.names([order.sellerId]),
    ]);
    return NewCasePage({
      ctx,
      order,
      sellerId: order.sellerId,
      sellerName: names.get(order.sellerId) ?? ctx.i18n.t('cases.new.theSeller'),
    });
  }

  @Post('cases')
  @Roles('buyer')
  async open(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const dto = await formDto(OpenCaseDto, {
      sellerId: form.sellerId,
      orderId: field(form, 'orderId'),
      topic: form.topic,
      subject: form.subject,
      body: form.body,
    });
    const { view } = await this.cases.open(caller, dto, undefined);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, `/app/cases/${view.id}`, i18n.t('cases.notice.opened'));
  }

  @Get('cases/:id')
  async show(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const view = await this.queries.view(caller, id);
    const [ctx, sla, messages] = await Promise.all([
      this.pages.context(caller, caller.role === 'seller' ? 'dashboard' : 'cases', request),
      this.queries.sla(caller, id),
      this.queries.messages(caller, id),
    ]);
    const [names, escalations, fileClaimHref, order] = await Promise.all([
      this.pages.names([view.buyerId, view.sellerId, ...messages.map((message) => message.authorId)]),
      canSeeEscalation(caller)
        ? this.support.list(await formDto(ListEscalationsQueryDto, { caseId: view.id, limit: 20 }))
        : undefined,
      this.fileClaimHref(caller, view),
      view.orderId ? this.orders.view(view.orderId, caller) : undefined,
    ]);
    const items = escalations?.items.map((item) => ({
      ...item,
      allowedActions: escalationAllowedActions(item, caller),
    }));
    return CasePage({ ctx, view, sla, messages, names, order, fileClaimHref, escalations: items });
  }

  /**
   * The claim form for the case's order, when the caller may file a claim
   * (`POST /claims`: the access module's `claim.file`) and the order is
   * eligible now for some reason; filing is decided by the order's
   * eligibility, not by the case, so it is not one of the case's actions.
   */
  private async fileClaimHref(caller: Caller, view: CaseDetailView): Promise<string | undefined> {
    if (!view.orderId || !allows(caller, 'claim.file')) return undefined;
    const eligibility = await this.claims.eligibilityFor(caller, view.orderId);
    return eligibility.reasons.some((reason) => reason.eligible)
      ? `/app/claims/new?orderId=${view.orderId}&caseId=${view.id}`
      : undefined;
  }

  /** The explanation of a case's deadline alone, for the dashboard's "Why this deadline". */
  @Get('cases/:id/why')
  async why(@Param('id') id: string, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    const [sla, i18n] = await Promise.all([this.queries.sla(caller, id), this.pages.messages(caller, request)]);
    return Why({ sla, i18n });
  }

  @Post('cases/:id/messages')
  async reply(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @Uploads() uploads: Upload[],
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const fields = messageFields(form);
    const message = await this.cases.postMessage(caller, id, await formDto(PostMessageDto, fields), uploads);
    const i18n = await this.pages.messages(caller, request);
    if (message.quarantined)
      return redirectTo(reply, `/app/cases/${id}#message-${message.id}`, i18n.t('conversation.notice.held'));
    redirectTo(reply, `/app/cases/${id}`, i18n.t(fields.internal ? 'cases.notice.noteAdded' : 'cases.notice.sent'));
  }

  @Post('cases/:id/:action')
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const step = Object.hasOwn(CASE_ACTIONS, action) ? CASE_ACTIONS[action as keyof typeof CASE_ACTIONS] : undefined;
    if (!step) throw DomainError.notFound('Action');
    await step.run(this.cases, caller, id);
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, `/app/cases/${id}`, i18n.t(step.done));
  }
}
