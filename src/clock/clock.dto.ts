import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsISO8601, Max, Min, ValidateIf } from 'class-validator';
import { IsInstantInCalendarYears } from '../calendar/calendar.validators.js';
import { LAST_YEAR } from '../calendar/holiday-source.js';

const TEN_YEARS = 10 * 366 * 24 * 3600;

export class AdvanceClockDto {
  @ApiPropertyOptional({
    description: `Seconds to move forward (give this or \`to\`); the clock stops at the end of ${LAST_YEAR}`,
    example: 86400,
  })
  @ValidateIf((dto: AdvanceClockDto) => dto.to === undefined)
  @Max(TEN_YEARS)
  @Min(1)
  @IsInt()
  @IsDefined({ message: 'give either seconds or to' })
  seconds?: number;

  @ApiPropertyOptional({
    description: `Instant to move to, ISO 8601 (give this or \`seconds\`), in the years calendars cover (up to ${LAST_YEAR})`,
    example: '2026-03-02T18:00:00Z',
  })
  @ValidateIf((dto: AdvanceClockDto) => dto.to !== undefined)
  @IsInstantInCalendarYears()
  @IsISO8601({ strict: true, strictSeparator: true })
  to?: string;
}

export class ClockView {
  @ApiProperty({ format: 'date-time' }) now: string;
}
