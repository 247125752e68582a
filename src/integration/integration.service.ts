import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CalendarAdminService } from '../calendar/calendar-admin.service.js';
import type { CalendarSettingsDto } from '../calendar/calendar.dto.js';
import { CalendarsService } from '../calendar/calendars.service.js';
import { definitionOf } from '../calendar/calendar.mappers.js';
import type { StoredDefinition } from '../calendar/calendar.entity.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { I18n } from '../i18n/i18n.service.js';
import type { OrderEventDto, OrderView } from '../orders/orders.dto.js';
import { OrdersService } from '../orders/orders.service.js';
import { User } from '../users/user.entity.js';
import { toUserView } from '../users/users.service.js';
import type { IntegrationUserView, UpsertIntegrationOrderDto, UpsertIntegrationUserDto } from './integration.dto.js';
import {
  CASES_AS,
  EMAIL_TAKEN,
  LOCK_EXTERNAL_ID,
  ORDER_BY_EXTERNAL_ID,
  USERS_BY_EXTERNAL_IDS,
} from './integration.queries.js';

/** The longest external id (the marketplace's own ids: order numbers, account ids). */
export const MAX_EXTERNAL_ID = 200;

/**
 * An id as the marketplace's systems name a person or an order in a path:
 * 1 to 200 characters, none of them a control character or a path separator
 * (a `/` could never round-trip through the path); 400 naming `externalId`
 * otherwise.
 */
export function checkExternalId(value: string, field = 'externalId'): string {
  if (value.length === 0 || value.length > MAX_EXTERNAL_ID)
    throw DomainError.invalid(field, `${field} must be 1 to ${MAX_EXTERNAL_ID} characters long`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f/\\]/.test(value))
    throw DomainError.invalid(field, `${field} must not contain control characters, / or \\`);
  return value;
}

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

/** Whether a stored calendar already says what `settings` say (closures aside): a repeated PUT writes no new version. */
function sameCalendar(stored: StoredDefinition, settings: CalendarSettingsDto): boolean {
  const wanted = definitionOf(settings, stored.closures);
  const shape = (definition: StoredDefinition) =>
    JSON.stringify([
      definition.timeZone,
      [...definition.workingDays].sort(),
      definition.holidays ?? null,
      definition.openingHours ?? null,
    ]);
  return shape(stored) === shape(wanted);
}

/**
 * What the marketplace's systems do with an API key (docs/integration.md):
 * people and orders named by the marketplace's own ids, made or brought up to
 * date idempotently. A person made here has no password.
 */
@Injectable()
export class IntegrationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendars: CalendarsService,
    private readonly calendarAdmin: CalendarAdminService,
    private readonly orders: OrdersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly i18n: I18n,
  ) {}

  /**
   * Makes the person with this external id, or brings them up to date: one
   * person per external id however many calls race (they queue on a lock of
   * the id). 409 when the email belongs to another account, or when the role
   * would change under cases the person is a party to.
   */
  async upsertUser(
    caller: Caller,
    externalId: string,
    dto: UpsertIntegrationUserDto,
  ): Promise<{ created: boolean; user: IntegrationUserView }> {
    checkExternalId(externalId);
    if (dto.seller && dto.role !== 'seller') throw DomainError.invalid('seller', 'seller is only for role seller');
    const locale = dto.locale === undefined ? undefined : this.i18n.storedLocale(dto.locale);
    const email = dto.email.toLowerCase();
    const now = await this.clock.now();
    let created = false;
    let calendarChange: { calendarId: string; settings: CalendarSettingsDto } | undefined;
    const user = await this.db
      .transaction(async (tx) => {
        await tx.query(LOCK_EXTERNAL_ID, [`user:${externalId}`]);
        const current = (await tx.findOneBy(User, { externalId })) ?? undefined;
        const [taken]: { id: string }[] = await tx.query(EMAIL_TAKEN, [email, current?.id ?? null]);
        if (taken) throw new DomainError('conflict', `The email ${email} belongs to another account`);
        // A person who becomes a seller (made one, or a buyer turned seller) needs its business calendar.
        if (dto.role === 'seller' && !dto.seller && current?.role !== 'seller')
          throw DomainError.invalid('seller', 'seller (the business calendar) is required to make a seller');
        if (!current) {
          created = true;
          return this.insertUser(tx, caller, externalId, dto, email, locale ?? null, now);
        }
        if (current.role !== dto.role) await this.checkRoleChange(tx, current, dto);
        const changes: Partial<User> = {};
        if (current.email !== email) changes.email = email;
        if (current.displayName !== dto.displayName) changes.displayName = dto.displayName;
        if (current.role !== dto.role) changes.role = dto.role;
        if (locale !== undefined && locale !== current.locale) changes.locale = locale;
        if (Object.keys(changes).length > 0) {
          await tx.update(User, { id: current.id }, { ...changes, updatedAt: now });
          await this.audit.record(
            tx,
            caller,
            {
              action: 'user.updated',
              subjectType: 'user',
              subjectId: current.id,
              before: Object.fromEntries(Object.keys(changes).map((key) => [key, current[key as keyof User]])),
              after: changes,
            },
            now,
          );
          Object.assign(current, changes, { updatedAt: now });
        }
        if (dto.seller) {
          // A buyer turned seller has no calendar yet.
          const calendar = await this.calendars.forSeller(tx, current.id).catch((error: unknown) => {
            if (error instanceof DomainError && error.code === 'not_found') return undefined;
            throw error;
          });
          if (!calendar) {
            await this.calendars.createForSeller(tx, current.id, dto.seller, now);
          } else if (!sameCalendar(calendar.definition, dto.seller)) {
            calendarChange = { calendarId: calendar.id, settings: dto.seller };
          }
        }
        return current;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw new DomainError('conflict', `The email ${email} belongs to another account`);
        throw error;
      });
    // A new version of the seller's calendar, through the calendars' own rules (its lock, its audit entry).
    if (calendarChange) await this.calendarAdmin.update(calendarChange.calendarId, calendarChange.settings, caller);
    return { created, user: await this.view(user) };
  }

  async findUser(externalId: string): Promise<IntegrationUserView> {
    checkExternalId(externalId);
    const user = await this.db.manager.findOneBy(User, { externalId });
    if (!user) throw DomainError.notFound('User');
    return this.view(user);
  }

  /** An order between the people with these external ids, through the same upsert as `POST /orders`. */
  async upsertOrder(
    externalId: string,
    dto: UpsertIntegrationOrderDto,
  ): Promise<{ created: boolean; order: OrderView }> {
    checkExternalId(externalId);
    const rows: { id: string; external_id: string; role: string }[] = await this.db.query(USERS_BY_EXTERNAL_IDS, [
      [dto.buyerExternalId, dto.sellerExternalId],
    ]);
    const party = (field: 'buyerExternalId' | 'sellerExternalId', role: 'buyer' | 'seller'): string => {
      const row = rows.find((candidate) => candidate.external_id === dto[field]);
      if (!row) throw DomainError.invalid(field, `${field} names nobody: make them first with PUT /integration/users`);
      if (row.role !== role) throw DomainError.invalid(field, `${field} must name a ${role}`);
      return row.id;
    };
    const buyerId = party('buyerExternalId', 'buyer');
    const sellerId = party('sellerExternalId', 'seller');
    return this.orders.upsert({
      externalId,
      buyerId,
      sellerId,
      placedAt: dto.placedAt,
      maxDeliveryDate: dto.maxDeliveryDate,
      total: dto.total,
      items: dto.items,
    });
  }

  async addOrderEvent(externalId: string, dto: OrderEventDto): Promise<OrderView> {
    checkExternalId(externalId);
    const [order]: { id: string }[] = await this.db.query(ORDER_BY_EXTERNAL_ID, [externalId]);
    if (!order) throw DomainError.notFound('Order');
    return this.orders.addEvent(order.id, dto);
  }

  private async insertUser(
    tx: EntityManager,
    caller: Caller,
    externalId: string,
    dto: UpsertIntegrationUserDto,
    email: string,
    locale: string | null,
    now: Date,
  ): Promise<User> {
    const user = tx.create(User, {
      id: randomUUID(),
      email,
      passwordHash: null,
      externalId,
      role: dto.role,
      displayName: dto.displayName,
      timeZone: null,
      locale,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
      authVersion: 1,
    });
    await tx.insert(User, user);
    if (dto.seller) await this.calendars.createForSeller(tx, user.id, dto.seller, now);
    await this.audit.record(
      tx,
      caller,
      {
        action: 'user.created',
        subjectType: 'user',
        subjectId: user.id,
        after: { email, role: user.role, displayName: user.displayName, externalId },
      },
      now,
    );
    return user;
  }

  /** 409 when a person who is a party to cases or orders would change role (their cases would lose a side). */
  private async checkRoleChange(tx: EntityManager, user: User, dto: UpsertIntegrationUserDto): Promise<void> {
    const [{ cases, orders }]: { cases: number; orders: number }[] = await tx.query(CASES_AS, [user.id]);
    if (cases > 0 || orders > 0)
      throw new DomainError(
        'conflict',
        `This ${user.role} is a party to ${cases} case(s) and ${orders} order(s): making them a ${dto.role} would leave those without a ${user.role}`,
      );
  }

  private async view(user: User): Promise<IntegrationUserView> {
    const calendar = user.role === 'seller' ? (await this.calendars.forSeller(null, user.id)).definition : undefined;
    return { ...toUserView(user, this.i18n.defaultLocale, calendar), externalId: user.externalId! };
  }
}
