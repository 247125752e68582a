import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, QueryFailedError, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { hashPassword } from '../auth/password.js';
import { WEEKDAY_NAMES } from '../calendar/business-calendar.js';
import type { StoredDefinition } from '../calendar/calendar.entity.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { AdminUpdateUserDto, CreateUserDto, UpdateProfileDto, UserView } from './users.dto.js';
import { marketplaceLookalike } from './display-name.js';
import { User } from './user.entity.js';
import type { Role } from './user.entity.js';
import { I18n } from '../i18n/i18n.service.js';
import { END_SESSIONS, SET_PASSWORD } from './users.queries.js';

export function toUserView(user: User, defaultLocale: string, calendar?: StoredDefinition): UserView {
  const view: UserView = {
    id: user.id,
    email: user.email,
    role: user.role,
    displayName: user.displayName,
    createdAt: user.createdAt.toISOString(),
    locale: user.locale ?? defaultLocale,
    localeChosen: user.locale !== null && user.locale !== undefined,
  };
  if (user.timeZone) view.timeZone = user.timeZone;
  if (calendar) {
    view.seller = {
      timeZone: calendar.timeZone,
      country: calendar.holidays?.country ?? 'none',
      subdivision: calendar.holidays?.subdivision ?? null,
      workingDays: calendar.workingDays.map((day) => WEEKDAY_NAMES[day - 1]),
      ...(calendar.openingHours ? { openingHours: calendar.openingHours } : {}),
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
    private readonly calendars: CalendarsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly i18n: I18n,
  ) {}

  /** Creates a user; a seller gets its business calendar in the same transaction. */
  async register(admin: Caller, dto: CreateUserDto): Promise<UserView> {
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
      disabledAt: null,
      authVersion: 1,
    });
    let calendar: StoredDefinition | undefined;
    try {
      await this.users.manager.transaction(async (tx) => {
        await tx.insert(User, user);
        if (dto.seller) calendar = await this.calendars.createForSeller(tx, user.id, dto.seller, now);
        await this.audit.record(
          tx,
          admin,
          {
            action: 'user.created',
            subjectType: 'user',
            subjectId: user.id,
            after: { email: user.email, role: user.role, displayName: user.displayName },
          },
          now,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', `A user with email ${user.email} already exists`);
      throw error;
    }
    return toUserView(user, this.i18n.defaultLocale, calendar);
  }

  /** Display names of users by id, for showing who is who (unknown ids are left out). */
  async displayNames(ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
    if (wanted.length === 0) return new Map();
    const users = await this.users.find({ where: { id: In(wanted) }, select: { id: true, displayName: true } });
    return new Map(users.map((user) => [user.id, user.displayName]));
  }

  /** What a page shows of the person looking at it: their name, and the time zone and language they chose (if they did). */
  async viewerOf(
    id: string,
  ): Promise<{ displayName: string; timeZone: string | null; locale: string | null } | undefined> {
    const user = await this.users.findOne({
      where: { id },
      select: { id: true, displayName: true, timeZone: true, locale: true },
    });
    return user
      ? { displayName: user.displayName, timeZone: user.timeZone ?? null, locale: user.locale ?? null }
      : undefined;
  }

  /** Users newest first, optionally of one role, with whether each is disabled (for the admin's list). */
  async list(role: Role | undefined, limit: number): Promise<(UserView & { disabled: boolean })[]> {
    const users = await this.users.find({
      where: role ? { role } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return users.map((user) => ({ ...toUserView(user, this.i18n.defaultLocale), disabled: user.disabledAt !== null }));
  }

  async findView(id: string): Promise<UserView> {
    const user = isUuid(id) ? await this.users.findOneBy({ id }) : null;
    if (!user) throw DomainError.notFound('User');
    const calendar = user.role === 'seller' ? (await this.calendars.forSeller(null, user.id)).definition : undefined;
    return toUserView(user, this.i18n.defaultLocale, calendar);
  }

  /**
   * The caller changes its own display name or time zone (`PUT /me`, the
   * profile page). The look-alike rule depends on the role, which only the
   * caller's record says, so it is checked here rather than in the DTO.
   */
  async updateProfile(caller: Caller, dto: UpdateProfileDto): Promise<UserView> {
    if (dto.displayName !== undefined) {
      const reason = marketplaceLookalike(dto.displayName, caller.role);
      if (reason) throw DomainError.invalid('displayName', `displayName ${reason}`);
    }
    const now = await this.clock.now();
    const changes: Partial<Pick<User, 'displayName' | 'timeZone' | 'locale'>> = {};
    if (dto.displayName !== undefined) changes.displayName = dto.displayName;
    if (dto.timeZone !== undefined) changes.timeZone = dto.timeZone;
    if (dto.locale !== undefined) changes.locale = this.i18n.storedLocale(dto.locale);
    const user = await this.users.manager.transaction(async (tx) => {
      const found = await tx.findOne(User, { where: { id: caller.id }, lock: { mode: 'pessimistic_write' } });
      if (!found) throw DomainError.notFound('User');
      const before = { displayName: found.displayName, timeZone: found.timeZone, locale: found.locale };
      if (Object.keys(changes).length === 0) return found;
      await tx.update(User, { id: caller.id }, { ...changes, updatedAt: now });
      Object.assign(found, changes, { updatedAt: now });
      await this.audit.record(
        tx,
        caller,
        {
          action: 'user.profile_changed',
          subjectType: 'user',
          subjectId: caller.id,
          before,
          after: { displayName: found.displayName, timeZone: found.timeZone, locale: found.locale },
        },
        now,
      );
      return found;
    });
    const calendar = user.role === 'seller' ? (await this.calendars.forSeller(null, user.id)).definition : undefined;
    return toUserView(user, this.i18n.defaultLocale, calendar);
  }

  /** An admin sets a person's language (`PUT /users/:id`); null clears the choice. */
  async adminUpdate(admin: Caller, id: string, dto: AdminUpdateUserDto): Promise<UserView> {
    const locale = dto.locale === undefined ? undefined : this.i18n.storedLocale(dto.locale);
    const now = await this.clock.now();
    const user = await this.users.manager.transaction(async (tx) => {
      const found = isUuid(id) ? await tx.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!found) throw DomainError.notFound('User');
      if (locale === undefined || locale === found.locale) return found;
      const before = { locale: found.locale };
      await tx.update(User, { id }, { locale, updatedAt: now });
      Object.assign(found, { locale, updatedAt: now });
      await this.audit.record(
        tx,
        admin,
        { action: 'user.locale_set', subjectType: 'user', subjectId: id, before, after: { locale } },
        now,
      );
      return found;
    });
    const calendar = user.role === 'seller' ? (await this.calendars.forSeller(null, user.id)).definition : undefined;
    return toUserView(user, this.i18n.defaultLocale, calendar);
  }

  /** Disables or enables an account (admin): a disabled user cannot sign in and every token it holds stops working at once. */
  async setDisabled(admin: Caller, id: string, disabled: boolean): Promise<UserView> {
    if (id === admin.id && disabled) throw new DomainError('forbidden', 'You cannot disable your own account');
    const now = await this.clock.now();
    const user = await this.users.manager.transaction(async (tx) => {
      const found = isUuid(id) ? await tx.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!found) throw DomainError.notFound('User');
      if ((found.disabledAt !== null) === disabled) return found;
      const before = { disabled: found.disabledAt !== null };
      // Disabling also bumps the session version, so tokens issued before stay refused after re-enabling.
      Object.assign(found, {
        disabledAt: disabled ? now : null,
        authVersion: disabled ? found.authVersion + 1 : found.authVersion,
        updatedAt: now,
      });
      await tx.update(User, { id }, { disabledAt: found.disabledAt, authVersion: found.authVersion, updatedAt: now });
      await this.audit.record(
        tx,
        admin,
        {
          action: disabled ? 'user.disabled' : 'user.enabled',
          subjectType: 'user',
          subjectId: id,
          before,
          after: { disabled },
        },
        now,
      );
      return found;
    });
    return toUserView(
      user,
      this.i18n.defaultLocale,
      user.role === 'seller' ? (await this.calendars.forSeller(null, user.id)).definition : undefined,
    );
  }

  /** A new password; every token issued before it stops working. */
  async setPassword(caller: Caller, password: string): Promise<void> {
    const now = await this.clock.now();
    await this.users.manager.query(SET_PASSWORD, [caller.id, await hashPassword(password), now]);
  }

  /** Ends every session of the user: the session version goes up, so every token issued before stops working. */
  async endSessions(userId: string): Promise<void> {
    await this.users.manager.query(END_SESSIONS, [userId, await this.clock.now()]);
  }

  /** The user with its password hash, by id (password changes). */
  findWithPasswordById(id: string): Promise<User | null> {
    return this.users.createQueryBuilder('user').addSelect('user.passwordHash').where('user.id = :id', { id }).getOne();
  }

  /** The user with its password hash, for login only. */
  findWithPassword(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
  }
}
