import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsHolidayCountry, IsHolidaySubdivision, IsTimeZone } from '../calendar/calendar.validators.js';
import { ROLES, WEEKDAYS } from './user.entity.js';
import type { Role, Weekday } from './user.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class SellerCalendarDto {
  @ApiProperty({ example: 'America/Los_Angeles', description: 'IANA time zone of the seller' })
  @IsTimeZone()
  timeZone: string;

  @ApiProperty({ example: 'US', description: 'Country of the public holidays (ISO 3166-1 alpha-2)' })
  @Transform(upper) @IsHolidayCountry() @IsString()
  country: string;

  @ApiPropertyOptional({ example: 'CA', description: 'Subdivision of the holidays, `CA` or `US-CA`' })
  @IsOptional() @Transform(upper) @IsHolidaySubdivision() @IsString()
  subdivision?: string;

  @ApiPropertyOptional({ enum: WEEKDAYS, isArray: true, example: ['mon', 'tue', 'wed', 'thu', 'fri'], description: 'Working weekdays; default Monday to Friday' })
  @IsOptional() @IsIn(WEEKDAYS, { each: true }) @ArrayUnique() @ArrayMinSize(1) @IsArray()
  workingDays?: Weekday[];
}

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim) @MaxLength(254) @IsEmail()
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 200 })
  @MaxLength(200) @MinLength(12) @IsString()
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({ example: 'Ada Lovelace' })
  @Transform(trim) @Matches(/^[^\r\n]*$/, { message: 'displayName must be a single line' }) @MaxLength(100) @MinLength(1) @IsString()
  displayName: string;

  @ApiPropertyOptional({ type: SellerCalendarDto, description: 'Required when role is seller, refused otherwise' })
  @ValidateIf((dto: CreateUserDto) => dto.role === 'seller' || dto.seller !== undefined)
  @ValidateNested() @Type(() => SellerCalendarDto)
  @IsDefined({ message: 'seller is required when role is seller' })
  seller?: SellerCalendarDto;
}

export class SellerCalendarView {
  @ApiProperty() timeZone: string;
  @ApiProperty() country: string;
  @ApiProperty({ nullable: true, type: String }) subdivision: string | null;
  @ApiProperty({ enum: WEEKDAYS, isArray: true }) workingDays: Weekday[];
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() displayName: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ type: SellerCalendarView }) seller?: SellerCalendarView;
}
