import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { WEEKDAY_NAMES } from './business-calendar.js';
import type { ExclusionReason, WeekdayName } from './business-calendar.js';
import { FIRST_YEAR, LAST_YEAR } from './holiday-source.js';
import {
  IsCalendarDate,
  IsInstantInCalendarYears,
  IsHolidayCountry,
  IsHolidaySubdivision,
  IsOpeningHours,
  IsTimeZone,
} from './calendar.validators.js';
import { commaList, integer, trim, upper } from '../../lib/transforms.js';
import { SingleLine } from '../common/validators.js';

const OPENING_HOURS_EXAMPLE = { mon: ['09:00-12:00', '13:00-17:00'], fri: ['09:00-13:00'] };

/** A business calendar's settings: a seller's (in POST /users) or any calendar's (PUT /calendars/:id). */
export class CalendarSettingsDto {
  @ApiProperty({ example: 'America/Los_Angeles', description: 'IANA time zone' })
  @IsTimeZone()
  timeZone: string;

  @ApiProperty({
    example: 'US',
    description: 'Country of the public holidays (ISO 3166-1 alpha-2), or none for a calendar without public holidays',
  })
  @Transform(upper)
  @IsHolidayCountry(true)
  @IsString()
  country: string;

  @ApiPropertyOptional({
    example: 'CA',
    nullable: true,
    type: String,
    description: 'Subdivision of the holidays, `CA` or `US-CA`',
  })
  @IsOptional()
  @Transform(upper)
  @IsHolidaySubdivision()
  @IsString()
  subdivision?: string | null;

  @ApiPropertyOptional({
    enum: WEEKDAY_NAMES,
    isArray: true,
    example: ['mon', 'tue', 'wed', 'thu', 'fri'],
    description: 'Working weekdays; default Monday to Friday',
  })
  @IsOptional()
  @IsIn(WEEKDAY_NAMES, { each: true })
  @ArrayUnique()
  @ArrayMinSize(1)
  @IsArray()
  workingDays?: WeekdayName[];

  @ApiPropertyOptional({
    example: OPENING_HOURS_EXAMPLE,
    description:
      'Opening hours per weekday; without them a working day is open all day. With them, a working day without hours is closed.',
  })
  @IsOptional()
  @IsOpeningHours()
  openingHours?: Partial<Record<WeekdayName, string[]>> | null;
}

export class ClosureDto {
  @ApiProperty({ example: 'Stocktaking' })
  @Transform(trim)
  @SingleLine()
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name: string;

  @ApiProperty({ example: '2026-12-24', description: 'First closed local date' })
  @IsCalendarDate()
  from: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last closed local date (inclusive)' })
  @IsCalendarDate()
  to: string;
}

export class PreviewQueryDto {
  @ApiProperty({ example: 'America/Los_Angeles' })
  @IsTimeZone()
  timeZone: string;

  @ApiPropertyOptional({ example: 'US', description: 'Holiday country; none: no holidays' })
  @IsOptional()
  @Transform(upper)
  @IsHolidayCountry(true)
  @IsString()
  country?: string;

  @ApiPropertyOptional({ example: 'CA' })
  @IsOptional()
  @Transform(upper)
  @IsHolidaySubdivision()
  @IsString()
  subdivision?: string;

  @ApiPropertyOptional({ example: 'mon,tue,wed,thu,fri', description: 'Working weekdays, comma-separated' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(WEEKDAY_NAMES, { each: true })
  @ArrayUnique()
  @ArrayMinSize(1)
  @IsArray()
  workingDays?: WeekdayName[];

  @ApiPropertyOptional({ example: '2026-11-26T00:00:00Z', description: 'ISO 8601 instant in 1970–2100; default: now' })
  @IsOptional()
  @IsInstantInCalendarYears()
  @IsISO8601({ strict: true, strictSeparator: true })
  start?: string;

  @ApiProperty({ minimum: 0, maximum: 365, example: 2 })
  @Transform(integer)
  @Max(365)
  @Min(0)
  @IsInt()
  businessDays: number;
}

export class HolidaysQueryDto {
  @ApiProperty({ example: 'US' })
  @Transform(upper)
  @IsHolidayCountry()
  @IsString()
  country: string;

  @ApiPropertyOptional({ example: 'CA' })
  @IsOptional()
  @Transform(upper)
  @IsHolidaySubdivision()
  @IsString()
  subdivision?: string;

  @ApiPropertyOptional({
    example: 2026,
    minimum: FIRST_YEAR,
    maximum: LAST_YEAR,
    description: 'Default: the current year',
  })
  @IsOptional()
  @Transform(integer)
  @Max(LAST_YEAR)
  @Min(FIRST_YEAR)
  @IsInt()
  year?: number;
}

export class SegmentView {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty() counted: boolean;
  @ApiPropertyOptional({ enum: ['weekend', 'holiday', 'closure', 'outside_hours', 'paused'] }) reason?: ExclusionReason;
  @ApiPropertyOptional({ description: "The holiday's or closure's name" }) name?: string;
}

export class ExplanationView {
  @ApiProperty({ type: [SegmentView] }) segments: SegmentView[];
}

export class PreviewView {
  @ApiProperty({ format: 'date-time' }) start: string;
  @ApiProperty({ format: 'date-time', description: 'When the clock starts: the start, or the next opening' })
  clockStartedAt: string;
  @ApiProperty({ format: 'date-time' }) deadline: string;
  @ApiProperty({ description: 'Business minutes between the clock start and the deadline' }) businessMinutes: number;
  @ApiProperty({ type: ExplanationView }) explanation: ExplanationView;
}

export class HolidayView {
  @ApiProperty({ example: '2026-11-26' }) date: string;
  @ApiProperty({ example: 'Thanksgiving Day' }) name: string;
}

export class ClosureView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '2026-12-24' }) from: string;
  @ApiProperty({ example: '2026-12-31' }) to: string;
}

export class CalendarView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['seller', 'marketplace'] }) kind: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) sellerId: string | null;
  @ApiProperty({ description: 'Version in force now; each change makes a new version' }) version: number;
  @ApiProperty({ format: 'date-time' }) effectiveFrom: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
  @ApiProperty({ nullable: true, type: String }) subdivision: string | null;
  @ApiProperty({ enum: WEEKDAY_NAMES, isArray: true }) workingDays: WeekdayName[];
  @ApiPropertyOptional({ example: OPENING_HOURS_EXAMPLE, nullable: true }) openingHours: Partial<
    Record<WeekdayName, string[]>
  > | null;
  @ApiProperty({ type: [ClosureView] }) closures: ClosureView[];
}
