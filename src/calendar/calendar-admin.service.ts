import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { canSeeCalendar } from '../access/access.js';
import { AuditService } from '../audit/audit.service.js';
import { personOf, type Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { parseIsoDate } from './civil.js';
import { CalendarSettingsDto, CalendarView, ClosureDto } from './calendar.dto.js';
import { CalendarRecord, CalendarVersion, StoredDefinition } from './calendar.entity.js';
import { definitionOf, toCalendarView } from './calendar.mappers.js';
import { LOCK_CALENDAR } from './calendar.queries.js';
import { CalendarsService, ResolvedCalendar } from './calendars.service.js';

/** Reading calendars, and the admins' edits: each edit is a new version in force from now. */
@Injectable()
export class CalendarAdminService {
  constructor(
    @InjectRepository(CalendarRecord) private readonly calendars: Repository<CalendarRecord>,
    private readonly resolver: CalendarsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The calendar's current version, for callers that may change it (admins); 404 otherwise. */
  async current(idOrMarketplace: string, caller: Caller): Promise<ResolvedCalendar> {
    const record = await this.visibleRecord(idOrMarketplace, caller);
    return this.resolver.resolve(this.calendars.manager, record.id, await this.clock.now());
  }

  async view(idOrMarketplace: string, caller: Caller): Promise<CalendarView> {
    const record = await this.visibleRecord(idOrMarketplace, caller);
    return toCalendarView(
      record,
      await this.resolver.resolve(this.calendars.manager, record.id, await this.clock.now()),
    );
  }

  async viewForSeller(sellerId: string, caller: Caller): Promise<CalendarView> {
    const record = isUuid(sellerId) ? await this.calendars.findOneBy({ sellerId }) : null;
    if (!record || !canSeeCalendar(caller, record)) throw DomainError.notFound('Calendar');
    return toCalendarView(
      record,
      await this.resolver.resolve(this.calendars.manager, record.id, await this.clock.now()),
    );
  }

  /** Replaces the settings (zone, holidays, working days, hours) from now on; closures stay. */
  async update(idOrMarketplace: string, settings: CalendarSettingsDto, caller: Caller): Promise<CalendarView> {
    return this.change(idOrMarketplace, caller, 'settings changed', 'calendar.settings_changed', (current) =>
      definitionOf(settings, current.closures),
    );
  }

  async addClosure(idOrMarketplace: string, dto: ClosureDto, caller: Caller): Promise<CalendarView> {
    if (parseIsoDate(dto.to)! < parseIsoDate(dto.from)!) throw DomainError.invalid('to', 'to must not be before from');
    return this.change(idOrMarketplace, caller, `closure added: ${dto.name}`, 'calendar.closure_added', (current) => ({
      ...current,
      closures: [...current.closures, { id: randomUUID(), name: dto.name, from: dto.from, to: dto.to }],
    }));
  }

  async removeClosure(idOrMarketplace: string, closureId: string, caller: Caller): Promise<CalendarView> {
    return this.change(idOrMarketplace, caller, 'closure removed', 'calendar.closure_removed', (current) => {
      const closure = current.closures.find((c) => c.id === closureId);
      if (!closure) throw DomainError.notFound('Closure');
      return { ...current, closures: current.closures.filter((c) => c !== closure) };
    });
  }

  /** Writes the next version under a row lock on the calendar, so concurrent changes queue up. */
  private async change(
    idOrMarketplace: string,
    caller: Caller,
    note: string,
    action: string,
    next: (current: StoredDefinition) => StoredDefinition,
  ): Promise<CalendarView> {
    const record = await this.visibleRecord(idOrMarketplace, caller);
    const now = await this.clock.now();
    await this.calendars.manager.transaction(async (tx) => {
      await tx.query(LOCK_CALENDAR, [record.id]);
      const current = await tx.findOneOrFail(CalendarVersion, {
        where: { calendarId: record.id },
        order: { version: 'DESC' },
      });
      const definition = next(current.definition);
      await tx.insert(CalendarVersion, {
        calendarId: record.id,
        version: current.version + 1,
        effectiveFrom: now,
        definition,
        note,
        createdBy: personOf(caller),
        createdAt: now,
      });
      await this.audit.record(
        tx,
        caller,
        { action, subjectType: 'calendar', subjectId: record.id, before: current.definition, after: definition },
        now,
      );
    });
    return toCalendarView(record, await this.resolver.resolve(this.calendars.manager, record.id, now));
  }

  private async visibleRecord(idOrMarketplace: string, caller: Caller): Promise<CalendarRecord> {
    const record =
      idOrMarketplace === 'marketplace'
        ? await this.calendars.findOneBy({ kind: 'marketplace' })
        : isUuid(idOrMarketplace)
          ? await this.calendars.findOneBy({ id: idOrMarketplace })
          : null;
    if (!record || !canSeeCalendar(caller, record)) throw DomainError.notFound('Calendar');
    return record;
  }
}
