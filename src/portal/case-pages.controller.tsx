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
import { field, formDto, HELD_NOTICE, messageFields, PortalController, redirectTo } from './portal.js';
import { CaseListPage, CasePage, NewCasePage, Why } from './views/cases.js';

const CASE_ACTIONS = {
  'no-response-needed': {
    run: (s: CasesService, c: Caller, id: string) => s.noResponseNeeded(c, id),
    done: 'Marked as needing no reply',
  },
  resolve: { run: (s: CasesService, c: Caller, id: string) => s.resolve(c, id), done: 'The case is resolved' },
  reopen: { run: (s: CasesService, c: Caller, id: string) => s.reopen(c, id), done: 'The case is open again' },
  escalate: {
    run: (s: CasesService, c: Caller, id: string) => s.escalate(c, id),
    done: 'Customer service has your case',
  },
} as const;

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
    const [ctx, page] = await Promise.all([
      this.pages.context(caller, section, request),
      this.queries.list(caller, dto),
    ]);
    const names = await this.pages.names(page.items.flatMap((item) => [item.buyerId, item.sellerId]));
    const title =
      section === 'dashboard'
        ? 'Your open cases'
        : caller.role === 'buyer'
          ? 'Your conversations with sellers'
          : 'Cases';
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
      throw DomainError.invalid('orderId', 'orderId must be the id of one of your orders');
    const order = await this.orders.view(orderId, caller);
    const [ctx, names] = await Promise.all([
      this.pages.context(caller, 'orders', request),
      this.pages.names([order.sellerId]),
    ]);
    return NewCasePage({ ctx, order, sellerId: order.sellerId, sellerName: names.get(order.sellerId) ?? 'the seller' });
  }

  @Post('cases')
  @Roles('buyer')
  async open(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
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
    redirectTo(reply, `/app/cases/${view.id}`, 'Your message was sent to the seller');
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
  async why(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<string> {
    return Why({ sla: await this.queries.sla(caller, id) });
  }

  @Post('cases/:id/messages')
  async reply(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @Uploads() uploads: Upload[],
    @CurrentCaller() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const fields = messageFields(form);
    const message = await this.cases.postMessage(caller, id, await formDto(PostMessageDto, fields), uploads);
    if (message.quarantined) return redirectTo(reply, `/app/cases/${id}#message-${message.id}`, HELD_NOTICE);
    redirectTo(reply, `/app/cases/${id}`, fields.internal ? 'Internal note added' : 'Sent');
  }

  @Post('cases/:id/:action')
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @CurrentCaller() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const step = Object.hasOwn(CASE_ACTIONS, action) ? CASE_ACTIONS[action as keyof typeof CASE_ACTIONS] : undefined;
    if (!step) throw DomainError.notFound('Action');
    await step.run(this.cases, caller, id);
    redirectTo(reply, `/app/cases/${id}`, step.done);
  }
}
