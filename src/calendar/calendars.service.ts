import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { BusinessCalendar, Segment, WEEKDAY_NAMES } from './business-calendar.js';
import type { WeekdayName } from './business-calendar.js';
import { parseIsoDate } from './civil.js';
import { CalendarSettingsDto, CalendarView, ClosureDto, HolidaysQueryDto, HolidayView, PreviewQueryDto, PreviewView, SegmentView } from './calendar.dto.js';
import { CalendarRecord, CalendarVersion, StoredDefinition } from './calendar.entity.js';
import { normaliseSubdivision } from './regions.js';

/** A calendar version ready to compute with. */
export interface ResolvedCalendar {
  id: string;
  version: number;
  effectiveFrom: Date;
  definition: StoredDefinition;
  engine: BusinessCalendar;
}

const MARKETPLACE_LOCK_KEY = 7_277_131_002;
const ENGINE_CACHE_SIZE = 1000;

const toWeekdayNumbers = (days: WeekdayName[] | undefined) =>
  days ? days.map((day) => WEEKDAY_NAMES.indexOf(day) + 1).sort((a, b) => a - b) : [1, 2, 3, 4, 5];

export const toSegmentViews = (segments: Segment[]): SegmentView[] =>
  segments.map(({ from, to, counted, reason, name }) => ({
    from: from.toISOString(),
    to: to.toISOString(),
    counted,
    ...(reason ? { reason } : {}),
    ...(name ? { name } : {}),
  }));

/** The stored form of calendar settings; closures are carried over by the caller. */
export function definitionOf(settings: CalendarSettingsDto, closures: StoredDefinition['closures'] = []): StoredDefinition {
  const subdivision = settings.subdivision ? (normaliseSubdivision(settings.country, settings.subdivision) ?? null) : null;
  const definition: StoredDefinition = {
    timeZone: settings.timeZone,
    workingDays: toWeekdayNumbers(settings.workingDays),
    holidays: { country: settings.country, subdivision },
    closures,
  };
  if (settings.openingHours) definition.openingHours = settings.openingHours;
  return definition;
}

/**
 * Calendars held in the database: each seller's, and the marketplace's (from
 * configuration). Versions are immutable; a clock uses the version in force
 * when it starts. Engines are built once per version and cached.
 */
@Injectable()
export class CalendarsService implements OnApplicationBootstrap {
  private readonly engines = new Map<string, BusinessCalendar>();
  private readonly versionCache = new Map<string, CalendarVersion>();

  constructor(
    @InjectRepository(CalendarRecord) private readonly calendars: Repository<CalendarRecord>,
    @InjectRepository(CalendarVersion) private readonly versions: Repository<CalendarVersion>,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.syncMarketplace();
  }

  /** Creates a seller's calendar, version 1, inside the caller's transaction. */
  async createForSeller(tx: EntityManager, sellerId: string, settings: CalendarSettingsDto, now: Date): Promise<StoredDefinition> {
    const calendar = await tx.save(CalendarRecord, tx.create(CalendarRecord, { kind: 'seller', sellerId, createdAt: now }));
    const definition = definitionOf(settings);
    await tx.insert(CalendarVersion, { calendarId: calendar.id, version: 1, effectiveFrom: now, definition, note: 'created', createdBy: null, createdAt: now });
    return definition;
  }

  /**
   * The seller's calendar as in force at `at` (default: now). Inside a
   * transaction pass its manager, so the lookup does not wait for a second
   * connection from the pool.
   */
  async forSeller(sellerId: string, at?: Date, manager: EntityManager = this.calendars.manager): Promise<ResolvedCalendar> {
    const record = await manager.findOneBy(CalendarRecord, { sellerId });
    if (!record) throw DomainError.notFound('Calendar');
    return this.resolve(record.id, at ?? (await this.clock.now()), manager);
  }

  /** The marketplace calendar (support and buyer-protection deadlines) as in force at `at`. */
  async marketplace(at?: Date, manager: EntityManager = this.calendars.manager): Promise<ResolvedCalendar> {
    const record = await manager.findOneBy(CalendarRecord, { kind: 'marketplace' });
    if (!record) throw new Error('The marketplace calendar is missing: it is created at start-up');
    return this.resolve(record.id, at ?? (await this.clock.now()), manager);
  }

  /** A specific version, as stored with a clock that started on it. */
  async atVersion(calendarId: string, version: number, manager: EntityManager = this.versions.manager): Promise<ResolvedCalendar> {
    const key = `${calendarId}:${version}`;
    // Versions never change, so a version read once is good for the life of the process.
    let found = this.versionCache.get(key);
    if (!found) {
      found = (await manager.findOneBy(CalendarVersion, { calendarId, version })) ?? undefined;
      if (!found) throw DomainError.notFound('Calendar version');
      if (this.versionCache.size >= ENGINE_CACHE_SIZE) this.versionCache.delete(this.versionCache.keys().next().value!);
      this.versionCache.set(key, found);
    }
    return { id: calendarId, version, effectiveFrom: found.effectiveFrom, definition: found.definition, engine: this.engine(key, found.definition) };
  }

  /** The calendar's current version, for callers that may change it (admins); 404 otherwise. */
  async current(idOrMarketplace: string, caller: Caller): Promise<ResolvedCalendar> {
    const record = await this.visibleRecord(idOrMarketplace, caller);
    return this.resolve(record.id, await this.clock.now());
  }

  async view(idOrMarketplace: string, caller: Caller): Promise<CalendarView> {
    const record = await this.visibleRecord(idOrMarketplace, caller);
    return this.toView(record, await this.resolve(record.id, await this.clock.now()));
  }

  async viewForSeller(sellerId: string, caller: Caller): Promise<CalendarView> {
    const record = isUuid(sellerId) ? await this.calendars.findOneBy({ sellerId }) : null;
    if (!record || !this.maySee(record, caller)) throw DomainError.notFound('Calendar');
    return this.toView(record, await this.resolve(record.id, await this.clock.now()));
  }

  /** Replaces the settings (zone, holidays, working days, hours) from now on; closures stay. */
  async update(idOrMarketplace: string, settings: CalendarSettingsDto, caller: Caller): Promise<CalendarView> {
    return this.change(idOrMarketplace, caller, 'settings changed', (current) => definitionOf(settings, current.closures));
  }

  async addClosure(idOrMarketplace: string, dto: ClosureDto, caller: Caller): Promise<CalendarView> {
    if (parseIsoDate(dto.to)! < parseIsoDate(dto.from)!) throw DomainError.invalid('to', 'to must not be before from');
    return this.change(idOrMarketplace, caller, `closure added: ${dto.name}`, (current) => ({
      ...current,
      closures: [...current.closures, { id: randomUUID(), name: dto.name, from: dto.from, to: dto.to }],
    }));
  }

  async removeClosure(idOrMarketplace: string, closureId: string, caller: Caller): Promise<CalendarView> {
    return this.change(idOrMarketplace, caller, 'closure removed', (current) => {
      const closure = current.closures.find((c) => c.id === closureId);
      if (!closure) throw DomainError.notFound('Closure');
      return { ...current, closures: current.closures.filter((c) => c !== closure) };
    });
  }

  /** A deadline and its explanation on an ad-hoc calendar, for any zone, country and start. */
  async preview(query: PreviewQueryDto): Promise<PreviewView> {
    const start = query.start ? new Date(query.start) : await this.clock.now();
    const subdivision = query.subdivision && query.country ? normaliseSubdivision(query.country, query.subdivision) : undefined;
    const engine = this.engine(`preview:${query.timeZone}:${query.country ?? ''}:${subdivision ?? ''}:${query.workingDays?.join(',') ?? ''}`, {
      timeZone: query.timeZone,
      workingDays: toWeekdayNumbers(query.workingDays),
      holidays: query.country ? { country: query.country, subdivision } : null,
      closures: [],
    });
    const clockStartedAt = engine.nextOpening(start);
    const deadline = engine.addBusinessDays(start, query.businessDays);
    return {
      start: start.toISOString(),
      clockStartedAt: clockStartedAt.toISOString(),
      deadline: deadline.toISOString(),
      businessMinutes: engine.businessTimeBetween(clockStartedAt, deadline),
      explanation: { segments: toSegmentViews(engine.explain(start, deadline)) },
    };
  }

  async holidays(query: HolidaysQueryDto): Promise<HolidayView[]> {
    const year = query.year ?? new Date(await this.clock.now()).getUTCFullYear();
    const subdivision = query.subdivision ? normaliseSubdivision(query.country, query.subdivision) : null;
    return this.engine(`holidays:${query.country}:${subdivision ?? ''}`, { timeZone: 'UTC', holidays: { country: query.country, subdivision } }).holidays(year);
  }

  private async resolve(calendarId: string, at: Date, manager: EntityManager = this.versions.manager): Promise<ResolvedCalendar> {
    // The latest version in force at `at`; before the first version took effect, the first one.
    const version = await manager
      .createQueryBuilder(CalendarVersion, 'v')
      .where('v.calendar_id = :calendarId', { calendarId })
      .orderBy('(v.effective_from <= :at)', 'DESC')
      .addOrderBy('CASE WHEN v.effective_from <= :at THEN v.version ELSE -v.version END', 'DESC')
      .setParameter('at', at)
      .limit(1)
      .getOne();
    if (!version) throw DomainError.notFound('Calendar');
    return {
      id: calendarId,
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      definition: version.definition,
      engine: this.engine(`${calendarId}:${version.version}`, version.definition),
    };
  }

  private engine(key: string, definition: StoredDefinition | ConstructorParameters<typeof BusinessCalendar>[0]): BusinessCalendar {
    let engine = this.engines.get(key);
    if (!engine) {
      engine = new BusinessCalendar(definition);
      // Versions are few, previews many: keep the newest thousand engines.
      if (this.engines.size >= ENGINE_CACHE_SIZE) this.engines.delete(this.engines.keys().next().value!);
      this.engines.set(key, engine);
    }
    return engine;
  }

  /** Writes the next version under a row lock on the calendar, so concurrent changes queue up. */
  private async change(idOrMarketplace: string, caller: Caller, note: string, next: (current: StoredDefinition) => StoredDefinition): Promise<CalendarView> {
    const record = await this.visibleRecord(idOrMarketplace, caller);
    const now = await this.clock.now();
    await this.calendars.manager.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM calendars WHERE id = $1 FOR UPDATE', [record.id]);
      const current = await tx.findOneOrFail(CalendarVersion, { where: { calendarId: record.id }, order: { version: 'DESC' } });
      const definition = next(current.definition);
      await tx.insert(CalendarVersion, {
        calendarId: record.id,
        version: current.version + 1,
        effectiveFrom: now,
        definition,
        note,
        createdBy: caller.id,
        createdAt: now,
      });
    });
    return this.toView(record, await this.resolve(record.id, now));
  }

  private maySee(record: CalendarRecord, caller: Caller): boolean {
    return record.kind === 'marketplace' || caller.role === 'admin' || caller.role === 'agent' || record.sellerId === caller.id;
  }

  private async visibleRecord(idOrMarketplace: string, caller: Caller): Promise<CalendarRecord> {
    const record =
      idOrMarketplace === 'marketplace'
        ? await this.calendars.findOneBy({ kind: 'marketplace' })
        : isUuid(idOrMarketplace)
          ? await this.calendars.findOneBy({ id: idOrMarketplace })
          : null;
    if (!record || !this.maySee(record, caller)) throw DomainError.notFound('Calendar');
    return record;
  }

  private toView(record: CalendarRecord, resolved: ResolvedCalendar): CalendarView {
    const { definition } = resolved;
    return {
      id: record.id,
      kind: record.kind,
      sellerId: record.sellerId,
      version: resolved.version,
      effectiveFrom: resolved.effectiveFrom.toISOString(),
      timeZone: definition.timeZone,
      country: definition.holidays?.country ?? null,
      subdivision: definition.holidays?.subdivision ?? null,
      workingDays: definition.workingDays.map((day) => WEEKDAY_NAMES[day - 1]),
      openingHours: definition.openingHours ?? null,
      closures: definition.closures.map(({ id, name, from, to }) => ({ id, name, from, to })),
    };
  }

  /**
   * Creates the marketplace calendar from configuration, or adds a version
   * when the configured zone, holidays or working days changed (its hours and
   * closures, set by admins, are kept). Instances take turns on a lock.
   */
  private async syncMarketplace(): Promise<void> {
    const env = this.config.env;
    const country = env.MARKETPLACE_HOLIDAY_COUNTRY === 'none' ? null : env.MARKETPLACE_HOLIDAY_COUNTRY;
    const subdivision = country && env.MARKETPLACE_HOLIDAY_SUBDIVISION ? (normaliseSubdivision(country, env.MARKETPLACE_HOLIDAY_SUBDIVISION) ?? null) : null;
    const configured = {
      timeZone: env.MARKETPLACE_TIME_ZONE,
      workingDays: toWeekdayNumbers(env.MARKETPLACE_WORKING_DAYS.split(',') as WeekdayName[]),
      holidays: country ? { country, subdivision } : null,
    };
    const now = await this.clock.now();
    await this.calendars.manager.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MARKETPLACE_LOCK_KEY]);
      let record = await tx.findOneBy(CalendarRecord, { kind: 'marketplace' });
      if (!record) record = await tx.save(CalendarRecord, tx.create(CalendarRecord, { kind: 'marketplace', sellerId: null, createdAt: now }));
      const current = await tx.findOne(CalendarVersion, { where: { calendarId: record.id }, order: { version: 'DESC' } });
      const kept = current?.definition;
      if (
        kept &&
        kept.timeZone === configured.timeZone &&
        JSON.stringify(kept.workingDays) === JSON.stringify(configured.workingDays) &&
        JSON.stringify(kept.holidays ?? null) === JSON.stringify(configured.holidays)
      ) {
        return;
      }
      const definition: StoredDefinition = { ...configured, closures: kept?.closures ?? [] };
      if (kept?.openingHours) definition.openingHours = kept.openingHours;
      await tx.insert(CalendarVersion, {
        calendarId: record.id,
        version: (current?.version ?? 0) + 1,
        effectiveFrom: now,
        definition,
        note: current ? 'configuration changed' : 'created from configuration',
        createdBy: null,
        createdAt: now,
      });
    });
  }
}
