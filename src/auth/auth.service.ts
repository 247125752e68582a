import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { SharedLimits } from '../common/shared-limits.js';
import { UsersService } from '../users/users.service.js';
import type { Caller } from './auth.decorators.js';
import { ChangePasswordDto, LoginDto, LoginView } from './auth.dto.js';
import { REVOKE_TOKEN } from './auth.queries.js';
import { SessionCache } from './session-cache.js';
import { LoginLimiter } from './login-limiter.js';
import { DUMMY_HASH, verifyPassword } from './password.js';

/** What an access token carries: the user, its session version (bumped by a password change or disabling), the token's own id. */
export interface TokenClaims {
  sub: string;
  ver: number;
  jti: string;
  exp?: number;
}

/** The claims of a new access token for a user at a session version. */
export const tokenClaims = (userId: string, version = 1): TokenClaims => ({
  sub: userId,
  ver: version,
  jti: randomUUID(),
});

/**
 * Sign-in, sign-out and password changes. Tokens are checked against the
 * database on every request (AuthGuard), so ending a session takes effect at
 * once on every instance.
 */
@Injectable()
export class AuthService {
  private readonly limiter: LoginLimiter;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly sessions: SessionCache,
    limits: SharedLimits,
  ) {
    const env = config.env;
    this.limiter = new LoginLimiter(
      {
        perAccountAndAddress: env.LOGIN_RATE_LIMIT_PER_ACCOUNT,
        perAddress: env.LOGIN_RATE_LIMIT_PER_IP,
        slowdownAfter: env.LOGIN_SLOWDOWN_AFTER,
        passwordChecks: env.LOGIN_RATE_LIMIT_PER_ACCOUNT,
        windowSeconds: env.LOGIN_RATE_WINDOW_SECONDS,
      },
      limits,
    );
  }

  /** Before the body is parsed: an address past its failure limit is refused without further work. */
  async admitAddress(address: string): Promise<void> {
    const retryAfter = await this.limiter.admitAddress(address);
    if (retryAfter > 0) throw tooMany(retryAfter);
  }

  async login(dto: LoginDto, address: string): Promise<LoginView> {
    const account = dto.email.trim().toLowerCase();
    const admission = await this.limiter.admit(account, address);
    if (admission.refusedForSeconds > 0) throw tooMany(admission.refusedForSeconds);
    if ('delayMs' in admission && admission.delayMs > 0) await sleep(admission.delayMs);
    const user = await this.users.findWithPassword(account);
    const valid = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid || user.disabledAt !== null) {
      await this.limiter.recordFailure(account, address);
      throw new DomainError('unauthorized', 'Wrong email or password');
    }
    await this.limiter.recordSuccess(account, address);
    return {
      accessToken: await this.issue(user.id, user.authVersion),
      expiresIn: this.config.env.JWT_TTL_SECONDS,
      user: { id: user.id, email: user.email, role: user.role, displayName: user.displayName },
    };
  }

  /** Ends the session of this token (on every instance at once). */
  async logout(caller: Caller): Promise<void> {
    const expiresAt = caller.tokenExpiresAt ?? new Date(Date.now() + this.config.env.JWT_TTL_SECONDS * 1000);
    await this.db.query(REVOKE_TOKEN, [caller.tokenId, caller.id, expiresAt]);
    // This instance forgets at once (the caller's next request may come before the NOTIFY does); the others on the NOTIFY.
    this.sessions.forget(caller.id);
  }

  /**
   * Ends every session of the caller, this one included, in every browser
   * and app and on every instance: the session version goes up, so every
   * token issued before is refused (and a trigger tells every instance's
   * SessionCache to forget the user).
   */
  async logoutEverywhere(caller: Caller): Promise<void> {
    await this.users.endSessions(caller.id);
    this.sessions.forget(caller.id);
  }

  /** A new password ends every session issued before it, this one included. Wrong current passwords are limited per account. */
  async changePassword(caller: Caller, dto: ChangePasswordDto): Promise<void> {
    const wait = await this.limiter.takePasswordCheck(caller.id);
    if (wait > 0)
      throw new DomainError('rate_limited', `Too many wrong current passwords; try again in ${wait} seconds`, {
        retryAfterSeconds: wait,
      });
    const user = await this.users.findWithPasswordById(caller.id);
    if (!user || !(await verifyPassword(dto.currentPassword, user.passwordHash ?? DUMMY_HASH)) || !user.passwordHash) {
      throw DomainError.invalid('currentPassword', 'currentPassword is not your current password');
    }
    await this.limiter.passwordCheckPassed(caller.id);
    if (dto.newPassword === dto.currentPassword)
      throw DomainError.invalid('newPassword', 'newPassword must differ from the current one');
    await this.users.setPassword(caller, dto.newPassword);
    this.sessions.forget(caller.id);
  }

  private issue(userId: string, version: number): Promise<string> {
    // Access tokens run on wall-clock time on purpose: moving the simulated clock must not log everyone out.
    return this.jwt.signAsync(tokenClaims(userId, version));
  }
}

const tooMany = (seconds: number) =>
  new DomainError('rate_limited', `Too many failed sign-ins; try again in ${seconds} seconds`, {
    retryAfterSeconds: seconds,
  });
