import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarRecord, CalendarVersion } from './calendar.entity.js';
import { CalendarsController } from './calendars.controller.js';
import { CalendarAdminService } from './calendar-admin.service.js';
import { CalendarPreviewService } from './calendar-preview.service.js';
import { CalendarsService } from './calendars.service.js';
import { MarketplaceCalendarSync } from './marketplace-calendar.sync.js';

/** Business calendars: resolution for clocks (CalendarsService), admin edits, previews, and the marketplace calendar's start-up sync. */
@Module({
  imports: [TypeOrmModule.forFeature([CalendarRecord, CalendarVersion])],
  controllers: [CalendarsController],
  providers: [CalendarsService, CalendarAdminService, CalendarPreviewService, MarketplaceCalendarSync],
  exports: [CalendarsService, CalendarAdminService],
})
export class CalendarModule {}
