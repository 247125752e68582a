import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import {
  CalendarSettingsDto,
  CalendarView,
  ClosureDto,
  HolidaysQueryDto,
  HolidayView,
  PreviewQueryDto,
  PreviewView,
} from './calendar.dto.js';
import { CalendarAdminService } from './calendar-admin.service.js';
import { CalendarPreviewService } from './calendar-preview.service.js';

@ApiTags('calendars')
@ApiBearerAuth()
@Controller()
export class CalendarsController {
  constructor(
    private readonly calendars: CalendarAdminService,
    private readonly previews: CalendarPreviewService,
  ) {}

  @Get('calendars/preview')
  @ApiOkResponse({ type: PreviewView, description: 'The deadline `start + businessDays` and why it falls there' })
  preview(@Query() query: PreviewQueryDto): Promise<PreviewView> {
    return this.previews.preview(query);
  }

  @Get('calendars/holidays')
  @ApiOkResponse({ type: [HolidayView] })
  holidays(@Query() query: HolidaysQueryDto): Promise<HolidayView[]> {
    return this.previews.holidays(query);
  }

  @Get('calendars/:id')
  @ApiOkResponse({ type: CalendarView, description: '`:id` is a calendar id or `marketplace`' })
  @ApiNotFoundResponse()
  view(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<CalendarView> {
    return this.calendars.view(id, caller);
  }

  @Put('calendars/:id')
  @Roles('admin')
  @ApiOkResponse({
    type: CalendarView,
    description: 'A new version in force from now; clocks already running keep theirs',
  })
  update(
    @Param('id') id: string,
    @Body() settings: CalendarSettingsDto,
    @CurrentCaller() caller: Caller,
  ): Promise<CalendarView> {
    return this.calendars.update(id, settings, caller);
  }

  @Post('calendars/:id/closures')
  @Roles('admin')
  @ApiCreatedResponse({ type: CalendarView, description: 'A new version with the closure, in force from now' })
  addClosure(
    @Param('id') id: string,
    @Body() closure: ClosureDto,
    @CurrentCaller() caller: Caller,
  ): Promise<CalendarView> {
    return this.calendars.addClosure(id, closure, caller);
  }

  @Delete('calendars/:id/closures/:closureId')
  @Roles('admin')
  @ApiOkResponse({ type: CalendarView, description: 'A new version without the closure, in force from now' })
  removeClosure(
    @Param('id') id: string,
    @Param('closureId') closureId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<CalendarView> {
    return this.calendars.removeClosure(id, closureId, caller);
  }

  @Get('sellers/:sellerId/calendar')
  @ApiOkResponse({ type: CalendarView, description: 'For the seller itself, agents and admins' })
  @ApiNotFoundResponse()
  viewForSeller(@Param('sellerId') sellerId: string, @CurrentCaller() caller: Caller): Promise<CalendarView> {
    return this.calendars.viewForSeller(sellerId, caller);
  }
}
