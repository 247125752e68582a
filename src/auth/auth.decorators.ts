import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiScope } from '../integration/api-keys.js';
import type { Role } from '../users/user.entity.js';

/** Who is calling, from the verified access token. */
export interface Caller {
  id: string;
  role: Role;
  /** The access token's id and expiry, for signing out (absent for callers that are not requests, e.g. jobs). */
  tokenId?: string;
  tokenExpiresAt?: Date;
  /**
   * Set when the marketplace's systems call with an API key: `id` is then the
   * key's, and it acts for the marketplace (as `admin`) on the routes its
   * scopes open (`@KeyScopes`) and nowhere else; it is never a person.
   */
  apiKey?: { id: string; name: string; prefix: string; scopes: ApiScope[] };
}

export const PUBLIC_ROUTE = 'parley:public';
export const ROLES_ALLOWED = 'parley:roles';
export const KEY_SCOPES = 'parley:key-scopes';

/** The route needs no access token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route (403 for the others). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_ALLOWED, roles);

/** An API key with one of these scopes may call the route too (any other key: 403); without this, keys may not. */
export const KeyScopes = (...scopes: ApiScope[]) => SetMetadata(KEY_SCOPES, scopes);

/** The person behind a caller, for columns that name who did something (null for an API key: it is no person). */
export const personOf = (caller: Pick<Caller, 'id' | 'apiKey'>): string | null => (caller.apiKey ? null : caller.id);

export const CurrentCaller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller => context.switchToHttp().getRequest<{ caller: Caller }>().caller,
);
