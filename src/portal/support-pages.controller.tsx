import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DecideReportDto, ReportsQueryDto } from '../inbox/inbox.dto.js';
import { InboxReportsService } from '../inbox/inbox-reports.service.js';
import { AssignDto, ListEscalationsQueryDto, ResolveEscalationDto } from '../support/support.dto.js';
import { SupportContextService } from '../support/support-context.service.js';
import { SupportQueueService } from '../support/support-queue.service.js';
import { escalationAllowedActions } from '../support/escalation-actions.js';
import { PortalPages } from './portal-pages.js';
import { field, formDto, PortalController, redirectTo } from './portal.js';
import { QUEUE_TABS, QueuePage, ReportsPage } from './views/support.js';
import type { QueueTab } from './views/support.js';

/** Support's pages: the queue by deadline, taking and resolving escalations, phishing reports. */
@PortalController()
@Roles('agent', 'admin')
@Controller('app')
export class SupportPagesController {
  constructor(
    private readonly pages: PortalPages,
    private readonly queue: SupportQueueService,
    private readonly reports: InboxReportsService,
    private readonly context: SupportContextService,
  ) {}

  @Get('queue')
  async queuePage(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const view = field(query, 'view');
    const tab: QueueTab = view !== undefined && Object.hasOwn(QUEUE_TABS, view) ? (view as QueueTab) : 'open';
    const dto = await formDto(ListEscalationsQueryDto, {
      status: QUEUE_TABS[tab].status,
      assignee: tab === 'mine' ? caller.id : undefined,
      cursor: field(query, 'cursor'),
      before: field(query, 'before'),
      limit: 50,
    });
    const [ctx, page] = await Promise.all([this.pages.context(caller, 'queue', request), this.queue.list(dto)]);
    const about = await this.context.escalations(
      caller,
      page.items.map((item) => item.id),
    );
    const names = await this.pages.names([
      ...page.items.map((item) => item.assigneeId),
      ...[...about.values()].flatMap((row) => [row.buyerId, row.sellerId]),
    ]);
    const items = page.items.map((item) => ({ ...item, allowedActions: escalationAllowedActions(item, caller) }));
    return QueuePage({ ctx, tab, page: { ...page, items }, about, names });
  }

  @Post('escalations/:id/assign')
  async assign(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const escalation = await this.queue.assign(
      caller,
      id,
      await formDto(AssignDto, form.reassign === 'true' ? { reassign: true } : {}),
    );
    const i18n = await this.pages.messages(caller, request);
    redirectTo(
      reply,
      escalation.caseId
        ? `/app/cases/${escalation.caseId}`
        : escalation.claimId
          ? `/app/claims/${escalation.claimId}`
          : '/app/queue?view=mine',
      i18n.t('support.queue.assigned'),
    );
  }

  @Post('escalations/:id/resolve')
  async resolve(
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.queue.resolve(
      caller,
      id,
      await formDto(ResolveEscalationDto, { outcome: form.outcome, note: field(form, 'note') }),
    );
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/queue?view=mine', i18n.t('support.queue.resolvedNotice'));
  }

  @Get('reports')
  async reportsPage(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<string> {
    const dto = await formDto(ReportsQueryDto, { status: field(query, 'status') });
    const status = dto.status ?? 'open';
    const [ctx, reports] = await Promise.all([
      this.pages.context(caller, 'reports', request),
      this.reports.list(status),
    ]);
    const [about, names] = await Promise.all([
      this.context.reports(
        caller,
        reports.map((report) => report.id),
      ),
      this.pages.names(reports.flatMap((report) => [report.senderId, report.reporterId])),
    ]);
    return ReportsPage({
      ctx,
      reports: reports.map((report) => ({ ...report, about: about.get(report.id) })),
      status,
      names,
    });
  }

  @Post('reports/:id/:decision')
  async decide(
    @Param('id') id: string,
    @Param('decision') decision: string,
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const dto = await formDto(DecideReportDto, { note: field(form, 'note') });
    if (decision === 'confirm') await this.reports.confirm(caller, id, dto);
    else if (decision === 'dismiss') await this.reports.dismiss(caller, id, dto);
    else return redirectTo(reply, '/app/reports');
    const i18n = await this.pages.messages(caller, request);
    redirectTo(
      reply,
      '/app/reports',
      i18n.t(decision === 'confirm' ? 'support.reports.confirmed' : 'support.reports.dismissed'),
    );
  }
}
