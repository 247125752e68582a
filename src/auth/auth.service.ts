import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { UsersService } from '../users/users.service.js';
import { LoginDto, LoginView } from './auth.dto.js';
import { LoginLimiter } from './login-limiter.js';
import { DUMMY_HASH, verifyPassword } from './password.js';

@Injectable()
export class AuthService {
  private readonly limiter: LoginLimiter;

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    const env = config.env;
    this.limiter = new LoginLimiter({
      perAccount: env.LOGIN_RATE_LIMIT_PER_ACCOUNT,
      perIp: env.LOGIN_RATE_LIMIT_PER_IP,
      windowMs: env.LOGIN_RATE_WINDOW_SECONDS * 1000,
    });
  }

  async login(dto: LoginDto, ip: string): Promise<LoginView> {
    const account = dto.email.trim().toLowerCase();
    const retryAfter = this.limiter.admit(account, ip);
    if (retryAfter > 0) {
      throw new DomainError('rate_limited', `Too many login attempts; try again in ${retryAfter} seconds`, { retryAfterSeconds: retryAfter });
    }
    const user = await this.users.findWithPassword(account);
    const valid = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid) {
      this.limiter.recordFailure(account);
      throw new DomainError('unauthorized', 'Wrong email or password');
    }
    this.limiter.recordSuccess(account);
    // Access tokens run on wall-clock time on purpose: moving the simulated clock must not log everyone out.
    const accessToken = await this.jwt.signAsync({ sub: user.id, role: user.role });
    return {
      accessToken,
      expiresIn: this.config.env.JWT_TTL_SECONDS,
      user: { id: user.id, email: user.email, role: user.role, displayName: user.displayName },
    };
  }
}
