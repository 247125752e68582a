import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Uploads } from '../attachments/uploads.js';
import type { Upload } from '../attachments/uploads.js';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { ClaimQueriesService } from '../claims/claim-queries.service.js';
import {
  BodyDto,
  BuyerOrdersQueryDto,
  ClaimMessageDto,
  DecideAppealDto,
  DecideDto,
  FileClaimDto,
  ListClaimsQueryDto,
  RefundDto,
  RequestInfoDto,
} from '../claims/claims.dto.js';
import { ClaimsService } from '../claims/claims.service.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { parseMoney } from '../common/money.js';
import type { MessageKey } from '../i18n/catalogues.js';
import { OrdersService } from '../orders/orders.service.js';
import { PortalPages } from './portal-pages.js';
import { field, formDto, heldNotice, messageFields, PortalController, redirectTo } from './portal.js';
import { ClaimListPage, ClaimPage, NewClaimPage } from './views/claims.js';
import { OrdersPage } from './views/orders.js';

/** Orders on one page of the orders page. */
const ORDERS_PER_PAGE = 10;

/** A step on a claim from a form; `locale` is the reader's, for reading amounts typed the locale's way. */
type Step = (
  claims: ClaimsService,
  caller: Caller,
  id: string,
  form: Record<string, unknown>,
  locale: string,
) => Promise<unknown>;

/** Each step a form can take on a claim, checked by the API's DTOs, and the notice after it. */
const STEPS: Record<string, { run: Step; done: MessageKey }> = {
  respond: {
    run: async (s, c, id, f) => s.respond(c, id, await formDto(BodyDto, { body: f.body })),
    done: 'claims.notice.responded',
  },
  refund: {
    run: async (s, c, id, f, locale) =>
      s.refund(c, id, await formDto(RefundDto, { amount: parseMoney(f.amount, f.currency, 'amount', locale) })),
    done: 'claims.notice.refunded',
  },
  'request-info': {
    run: async (s, c, id, f) => s.requestInfo(c, id, await formDto(RequestInfoDto, { from: f.from, body: f.body })),
    done: 'claims.notice.infoRequested',
  },
  decide: {
    run: async (s, c, id, f) =>
      s.decide(
        c,
        id,
        await formDto(DecideDto, {
          outcome: f.outcome,
          funding: f.outcome === 'granted' ? f.funding : undefined,
          note: f.note,
        }),
      ),
    done: 'claims.notice.decided',
  },
  withdraw: { run: (s, c, id) => s.withdraw(c, id), done: 'claims.notice.withdrawn' },
  appeal: {
    run: async (s, c, id, f) => s.appeal(c, id, await formDto(BodyDto, { body: f.body })),
    done: 'claims.notice.appealed',
  },
  'decide-appeal': {
    run: async (s, c, id, f) =>
      s.decideAppeal(c, id, await formDto(DecideAppealDto, { outcome: f.outcome, note: f.note })),
    done: 'claims.notice.appealDecided',
  },
};

/** Orders (buyer) and claims: filing with the eligibility answer shown, the claim page with each party's and support's steps. */
@PortalController()
@Controller('app')
export class ClaimPagesController {
  constructor(
    private readonly pages: PortalPages,
    private readonly claims: ClaimsService,
    private readonly queries: ClaimQueriesService,
    private readonly orders: OrdersService,
  ) {}

  @Get('orders')
  @Roles('buyer')
  async ordersPage(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const dto = await formDto(BuyerOrdersQueryDto, {
      q: field(query, 'q'),
      after: field(query, 'after'),
      before: field(query, 'before'),
    });
    const page = await this.queries.buyerOrders(caller, dto, ORDERS_PER_PAGE);
    const [ctx, shown, eligibility] = await Promise.all([
      this.pages.context(caller, 'orders', request),
      Promise.all(page.orderIds.map((id) => this.orders.view(id, caller))),
      // One query for every order's eligibility, however many orders the page shows.
      this.claims.eligibilityForOrders(caller, page.orderIds),
    ]);
    const names = await this.pages.names(shown.map((order) => order.sellerId));
    const byOrder = new Map(eligibility.map((view) => [view.orderId, view]));
    return OrdersPage({
      ctx,
      names,
      search: dto.q?.trim() || undefined,
      older: page.older,
      newer: page.newer,
      orders: shown.map((order) => ({ order, eligibility: byOrder.get(order.id)! })),
    });
  }

  @Get('claims')
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const dto = await formDto(ListClaimsQueryDto, {
      status: field(query, 'status'),
      cursor: field(query, 'cursor'),
      before: field(query, 'before'),
      limit: 25,
    });
    const [ctx, page] = await Promise.all([
      this.pages.context(caller, 'claims', request),
      this.queries.list(caller, dto),
    ]);
    const names = await this.pages.names(page.items.flatMap((claim) => [claim.buyerId, claim.sellerId]));
    return ClaimListPage({ ctx, page, names, status: dto.status });
  }

  @Get('claims/new')
  @Roles('buyer')
  async newClaim(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const orderId = field(query, 'orderId');
    const caseId = field(query, 'caseId');
    if (!orderId || !isUuid(orderId))
      throw DomainError.invalid('orderId', 'orderId must be the id of one of your orders', 'notYourOrder');
    const order = await this.orders.view(orderId, caller);
    const [ctx, eligibility] = await Promise.all([
      this.pages.context(caller, 'claims', request),
      this.claims.eligibilityFor(caller, orderId),
    ]);
    return NewClaimPage({ ctx, order, eligibility, caseId: caseId && isUuid(caseId) ? caseId : undefined });
  }

  @Post('claims')
  @Roles('buyer')
  async file(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const i18n = await this.pages.messages(caller, request);
    const amount =
      field(form, 'amount') === undefined ? undefined : parseMoney(form.amount, form.currency, 'amount', i18n.locale);
    const dto = await formDto(FileClaimDto, {
      orderId: form.orderId,
      reason: form.reason,
      caseId: field(form, 'caseId'),
      amount,
      body: form.body,
    });
    const { view } = await this.claims.file(caller, dto, undefined);
    redirectTo(reply, `/app/claims/${view.id}`, i18n.t('claims.notice.filed'));
  }

  @Get('claims/:id')
  async show(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const claim = await this.queries.view(caller, id);
    const [ctx, messages, events] = await Promise.all([
      this.pages.context(caller, 'claims', request),
      this.queries.messages(caller, id),
      this.queries.timeline(caller, id),
    ]);
    const names = await this.pages.names([
      claim.buyerId,
      claim.sellerId,
      ...messages.map((message) => message.authorId),
      ...events.map((event) => event.actorId),
    ]);
    return ClaimPage({ ctx, claim, messages, events, names });
  }

  @Post('claims/:id/messages')
  async message(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @Uploads() uploads: Upload[],
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const fields = messageFields(form);
    const message = await this.claims.postMessage(caller, id, await formDto(ClaimMessageDto, fields), uploads);
    const i18n = await this.pages.messages(caller, request);
    if (message.quarantined) return redirectTo(reply, `/app/claims/${id}#message-${message.id}`, heldNotice(i18n));
    redirectTo(reply, `/app/claims/${id}`, i18n.t(fields.internal ? 'claims.notice.noteAdded' : 'claims.notice.sent'));
  }

  @Post('claims/:id/:step')
  async step(
    @Param('id') id: string,
    @Param('step') name: string,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const step = Object.hasOwn(STEPS, name) ? STEPS[name] : undefined;
    if (!step) throw DomainError.notFound('Action');
    const i18n = await this.pages.messages(caller, request);
    await step.run(this.claims, caller, id, form, i18n.locale);
    redirectTo(reply, `/app/claims/${id}`, i18n.t(step.done));
  }
}
