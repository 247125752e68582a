import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { hydrate } from '../common/database/hydrate.js';
import { DomainError } from '../common/domain-error.js';
import { BusinessCalendar } from './business-calendar.js';
import { CalendarSettingsDto } from './calendar.dto.js';
import { CalendarRecord, CalendarVersion, StoredDefinition } from './calendar.entity.js';
import { VERSION_IN_FORCE } from './calendar.queries.js';
import { definitionOf } from './calendar.mappers.js';

/** A calendar version ready to compute with. */
export interface ResolvedCalendar {
  id: string;
  version: number;
  effectiveFrom: Date;
  definition: StoredDefinition;
  engine: BusinessCalendar;
}

const ENGINE_CACHE_SIZE = 1000;

/**
 * Calendars held in the database: each seller's, and the marketplace's.
 * Versions are immutable; a clock uses the version in force when it starts.
 * Engines are built once per version and cached. Inside a transaction pass
 * its manager first, so a lookup does not wait for a second connection.
 */
@Injectable()
export class CalendarsService {
  private readonly engines = new Map<string, BusinessCalendar>();
  private readonly versionCache = new Map<string, CalendarVersion>();

  constructor(
    @InjectRepository(CalendarRecord) private readonly calendars: Repository<CalendarRecord>,
    private readonly clock: Clock,
  ) {}

  /** Creates a seller's calendar, version 1, inside the caller's transaction. */
  async createForSeller(
    tx: EntityManager,
    sellerId: string,
    settings: CalendarSettingsDto,
    now: Date,
  ): Promise<StoredDefinition> {
    const calendar = await tx.save(
      CalendarRecord,
      tx.create(CalendarRecord, { kind: 'seller', sellerId, createdAt: now }),
    );
    const definition = definitionOf(settings);
    await tx.insert(CalendarVersion, {
      calendarId: calendar.id,
      version: 1,
      effectiveFrom: now,
      definition,
      note: 'created',
      createdBy: null,
      createdAt: now,
    });
    return definition;
  }

  /** The seller's calendar as in force at `at` (default: now). */
  async forSeller(tx: EntityManager | null, sellerId: string, at?: Date): Promise<ResolvedCalendar> {
    const manager = tx ?? this.calendars.manager;
    const record = await manager.findOneBy(CalendarRecord, { sellerId });
    if (!record) throw DomainError.notFound('Calendar');
    return this.resolve(manager, record.id, at ?? (await this.clock.now()));
  }

  /** The marketplace calendar (support and buyer-protection deadlines) as in force at `at`. */
  async marketplace(tx: EntityManager | null, at?: Date): Promise<ResolvedCalendar> {
    const manager = tx ?? this.calendars.manager;
    const record = await manager.findOneBy(CalendarRecord, { kind: 'marketplace' });
    if (!record) throw new Error('The marketplace calendar is missing: it is created at start-up');
    return this.resolve(manager, record.id, at ?? (await this.clock.now()));
  }

  /** A specific version, as stored with a clock that started on it. */
  async atVersion(tx: EntityManager | null, calendarId: string, version: number): Promise<ResolvedCalendar> {
    const key = `${calendarId}:${version}`;
    // Versions never change, so a version read once is good for the life of the process.
    let found = this.versionCache.get(key);
    if (!found) {
      found = (await (tx ?? this.calendars.manager).findOneBy(CalendarVersion, { calendarId, version })) ?? undefined;
      if (!found) throw DomainError.notFound('Calendar version');
      if (this.versionCache.size >= ENGINE_CACHE_SIZE) this.versionCache.delete(this.versionCache.keys().next().value!);
      this.versionCache.set(key, found);
    }
    return {
      id: calendarId,
      version,
      effectiveFrom: found.effectiveFrom,
      definition: found.definition,
      engine: this.engineFor(key, found.definition),
    };
  }

  /** The latest version in force at `at`; before the first version took effect, the first one. */
  async resolve(manager: EntityManager, calendarId: string, at: Date): Promise<ResolvedCalendar> {
    // The same rule as set-based paths use (sellerCalendarZoneSql), from one place.
    const [row] = await manager.query<Record<string, unknown>[]>(VERSION_IN_FORCE, [calendarId, at]);
    if (!row) throw DomainError.notFound('Calendar');
    const version = hydrate(manager, CalendarVersion, row);
    return {
      id: calendarId,
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      definition: version.definition,
      engine: this.engineFor(`${calendarId}:${version.version}`, version.definition),
    };
  }

  /** The engine for a definition, built once per key; versions are few, previews many: the newest thousand are kept. */
  engineFor(
    key: string,
    definition: StoredDefinition | ConstructorParameters<typeof BusinessCalendar>[0],
  ): BusinessCalendar {
    let engine = this.engines.get(key);
    if (!engine) {
      engine = new BusinessCalendar(definition);
      if (this.engines.size >= ENGINE_CACHE_SIZE) this.engines.delete(this.engines.keys().next().value!);
      this.engines.set(key, engine);
    }
    return engine;
  }
}
