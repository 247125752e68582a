import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { PortalPages } from './portal-pages.js';
import { PortalController } from './portal.js';
import type { PageContext } from './views/layout.js';
import { UnsubscribeConfirmPage, UnsubscribedPage, UnsubscribeLinkInvalidPage } from './views/unsubscribe.js';

/**
 * The unsubscribe link of an email, opened by a person: a page asking to
 * confirm (a GET changes nothing: mail scanners open links), then a page
 * saying what was turned off. Mail clients' RFC 8058 one-click POST on the
 * link itself is the API's (NotificationsController) and answers plainly.
 */
@PortalController()
@Controller()
export class UnsubscribePagesController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly pages: PortalPages,
  ) {}

  @Public()
  @Get('unsubscribe')
  async confirm(
    @Query('token') query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const ctx = await this.pages.context(undefined, undefined, request);
    // A repeated parameter is a list: only one token is a link Parley sent.
    const token = typeof query === 'string' ? query : undefined;
    try {
      const { category, userId } = await this.notifications.unsubscribeTarget(token);
      // In the language of the person the email went to, as the email was.
      const i18n = await this.pages.messages({ id: userId }, request);
      return await (<UnsubscribeConfirmPage ctx={{ ...ctx, i18n }} category={category} token={token!} />);
    } catch (error) {
      return invalidLink(error, reply, ctx);
    }
  }

  @Public()
  @Post('app/unsubscribe')
  @HttpCode(200)
  async unsubscribe(
    @Body() form: Record<string, unknown> | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const ctx = await this.pages.context(undefined, undefined, request);
    try {
      const { category, userId } = await this.notifications.unsubscribe(
        typeof form?.token === 'string' ? form.token : undefined,
      );
      const i18n = await this.pages.messages({ id: userId }, request);
      return await (<UnsubscribedPage ctx={{ ...ctx, i18n }} category={category} />);
    } catch (error) {
      return invalidLink(error, reply, ctx);
    }
  }
}

/** A link that is not valid is a page saying so (400), not the API's problem; anything else goes to the portal filter. */
function invalidLink(error: unknown, reply: FastifyReply, ctx: PageContext): Promise<string> {
  if (!(error instanceof DomainError) || error.code !== 'invalid') throw error;
  void reply.status(400);
  return Promise.resolve(<UnsubscribeLinkInvalidPage ctx={ctx} />);
}
