import { All, Controller, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { DomainError } from '../common/domain-error.js';
import { PortalController } from './portal.js';

/**
 * Any /app address no page answers: the portal's 404 page (the portal filter
 * renders it), with the navigation when the visitor is signed in. Fastify
 * prefers every named route to this catch-all, whatever the order they were
 * registered in; addresses outside /app keep the API's problem+json 404.
 */
@PortalController()
@Controller('app')
export class PortalNotFoundController {
  constructor(private readonly guard: AuthGuard) {}

  @Public()
  @All('*')
  async notFound(@Req() request: FastifyRequest): Promise<never> {
    await this.guard.callerOf(request);
    throw DomainError.notFound('Page');
  }
}
