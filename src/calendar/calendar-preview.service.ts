import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { HolidaysQueryDto, HolidayView, PreviewQueryDto, PreviewView } from './calendar.dto.js';
import { toSegmentViews, toWeekdayNumbers } from './calendar.mappers.js';
import { CalendarsService } from './calendars.service.js';
import { NO_HOLIDAYS, normaliseSubdivision } from '../../lib/regions.js';

/** Deadlines and holidays on ad-hoc calendars, for any zone, country and start. */
@Injectable()
export class CalendarPreviewService {
  constructor(
    private readonly calendars: CalendarsService,
    private readonly clock: Clock,
  ) {}

  async preview(query: PreviewQueryDto): Promise<PreviewView> {
    const start = query.start ? new Date(query.start) : await this.clock.now();
    const subdivision =
      query.subdivision && query.country && query.country !== NO_HOLIDAYS
        ? normaliseSubdivision(query.country, query.subdivision)
        : undefined;
    const engine = this.calendars.engineFor(
      `preview:${query.timeZone}:${query.country ?? ''}:${subdivision ?? ''}:${query.workingDays?.join(',') ?? ''}`,
      {
        timeZone: query.timeZone,
        workingDays: toWeekdayNumbers(query.workingDays),
        holidays: query.country && query.country !== NO_HOLIDAYS ? { country: query.country, subdivision } : null,
        closures: [],
      },
    );
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
    return this.calendars
      .engineFor(`holidays:${query.country}:${subdivision ?? ''}`, {
        timeZone: 'UTC',
        holidays: { country: query.country, subdivision },
      })
      .holidays(year);
  }
}
