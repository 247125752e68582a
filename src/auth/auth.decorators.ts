import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../users/user.entity.js';

/** Who is calling, from the verified access token. */
export interface Caller {
  id: string;
  role: Role;
  /** The access token's id and expiry, for signing out (absent for callers that are not requests, e.g. jobs). */
  tokenId?: string;
  tokenExpiresAt?: Date;
}

export const PUBLIC_ROUTE = 'parley:public';
export const ROLES_ALLOWED = 'parley:roles';

/** The route needs no access token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route (403 for the others). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_ALLOWED, roles);

export const CurrentCaller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller => context.switchToHttp().getRequest<{ caller: Caller }>().caller,
);
