import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../common/clock.js';
import type { WeekdayName } from './business-calendar.js';
import { CalendarRecord, CalendarVersion, StoredDefinition } from './calendar.entity.js';
import { toWeekdayNumbers } from './calendar.mappers.js';
import { normaliseSubdivision } from '../../lib/regions.js';

const MARKETPLACE_LOCK_KEY = 7_277_131_002;

/**
 * At start-up: creates the marketplace calendar from configuration, or adds
 * a version when the configured zone, holidays or working days changed (its
 * hours and closures, set by admins, are kept). Instances take turns on a lock.
 */
@Injectable()
export class MarketplaceCalendarSync implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const env = this.config.env;
    const country = env.MARKETPLACE_HOLIDAY_COUNTRY === 'none' ? null : env.MARKETPLACE_HOLIDAY_COUNTRY;
    const subdivision =
      country && env.MARKETPLACE_HOLIDAY_SUBDIVISION
        ? (normaliseSubdivision(country, env.MARKETPLACE_HOLIDAY_SUBDIVISION) ?? null)
        : null;
    const configured = {
      timeZone: env.MARKETPLACE_TIME_ZONE,
      workingDays: toWeekdayNumbers(env.MARKETPLACE_WORKING_DAYS.split(',') as WeekdayName[]),
      holidays: country ? { country, subdivision } : null,
    };
    const now = await this.clock.now();
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MARKETPLACE_LOCK_KEY]);
      let record = await tx.findOneBy(CalendarRecord, { kind: 'marketplace' });
      if (!record)
        record = await tx.save(
          CalendarRecord,
          tx.create(CalendarRecord, { kind: 'marketplace', sellerId: null, createdAt: now }),
        );
      const current = await tx.findOne(CalendarVersion, {
        where: { calendarId: record.id },
        order: { version: 'DESC' },
      });
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
