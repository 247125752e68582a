import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error.js';
import { ROLES } from '../users/user.entity.js';
import type { Role } from '../users/user.entity.js';
import { Caller, PUBLIC_ROUTE, ROLES_ALLOWED } from './auth.decorators.js';

interface TokenClaims {
  sub: string;
  role: Role;
}

/** Global guard: every route needs a valid bearer token unless marked @Public(); @Roles() narrows it further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { caller?: Caller }>();
    const caller = await this.authenticate(request.headers.authorization);
    if (!caller) {
      http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new DomainError('unauthorized', 'A valid bearer access token is required');
    }
    request.caller = caller;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_ALLOWED, targets);
    if (allowed && !allowed.includes(caller.role)) {
      throw new DomainError('forbidden', `This action is for ${allowed.join(' or ')} accounts`);
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Caller | undefined> {
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) return undefined;
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) return undefined;
      return { id: claims.sub, role: claims.role };
    } catch {
      return undefined;
    }
  }
}
