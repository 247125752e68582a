import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { normaliseSubdivision } from '../calendar/regions.js';
import { hashPassword } from '../auth/password.js';
import { CreateUserDto, UserView } from './users.dto.js';
import { SellerProfile, User, WEEKDAYS } from './user.entity.js';
import type { Role } from './user.entity.js';

const DEFAULT_WORKING_DAYS = [1, 2, 3, 4, 5];

export function toUserView(user: User): UserView {
  const view: UserView = {
    id: user.id,
    email: user.email,
    role: user.role,
    displayName: user.displayName,
    createdAt: user.createdAt.toISOString(),
  };
  if (user.seller) {
    view.seller = {
      timeZone: user.seller.timeZone,
      country: user.seller.country,
      subdivision: user.seller.subdivision,
      workingDays: user.seller.workingDays.map((day) => WEEKDAYS[day - 1]),
    };
  }
  return view;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly clock: Clock,
  ) {}

  async register(dto: CreateUserDto): Promise<UserView> {
    if (dto.seller && dto.role !== 'seller') {
      throw DomainError.invalid('seller', 'seller is only for users with role seller');
    }
    const now = await this.clock.now();
    const user = this.users.create({
      id: randomUUID(),
      email: dto.email.toLowerCase(),
      passwordHash: await hashPassword(dto.password),
      role: dto.role,
      displayName: dto.displayName,
      createdAt: now,
      updatedAt: now,
    });
    const calendar = dto.seller;
    const profile = calendar && {
      userId: user.id,
      timeZone: calendar.timeZone,
      country: calendar.country,
      subdivision: calendar.subdivision ? (normaliseSubdivision(calendar.country, calendar.subdivision) ?? null) : null,
      workingDays: calendar.workingDays
        ? calendar.workingDays.map((day) => WEEKDAYS.indexOf(day) + 1).sort((a, b) => a - b)
        : DEFAULT_WORKING_DAYS,
    };
    try {
      await this.users.manager.transaction(async (tx) => {
        await tx.insert(User, user);
        if (profile) await tx.insert(SellerProfile, profile);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', `A user with email ${user.email} already exists`);
      throw error;
    }
    user.seller = profile ? Object.assign(new SellerProfile(), profile) : null;
    return toUserView(user);
  }

  async findView(id: string): Promise<UserView> {
    const user = await this.users.findOne({ where: { id }, relations: { seller: true } });
    if (!user) throw DomainError.notFound('User');
    return toUserView(user);
  }

  /** The user with its password hash, for login only. */
  findWithPassword(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
  }

  async hasUserWithRole(role: Role): Promise<boolean> {
    return this.users.exists({ where: { role } });
  }
}
