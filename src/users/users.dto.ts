import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsEmail, IsIn, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { WEEKDAY_NAMES } from '../calendar/business-calendar.js';
import type { WeekdayName } from '../calendar/business-calendar.js';
import { CalendarSettingsDto } from '../calendar/calendar.dto.js';
import { ROLES } from './user.entity.js';
import type { Role } from './user.entity.js';
import { trim, visible } from '../../lib/transforms.js';
import { SingleLine } from '../common/validators.js';
import { NotMarketplaceLookalike } from './display-name.js';

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim)
  @MaxLength(254)
  @IsEmail()
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 200 })
  @MaxLength(200)
  @MinLength(12)
  @IsString()
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({
    example: 'Ada Lovelace',
    description:
      "Shown to others. No check marks or ®, ™, ©; a buyer's or seller's may not name the marketplace or its staff (Marketplace, Customer service, Support, Verified, …)",
  })
  @Transform(visible)
  @NotMarketplaceLookalike()
  @SingleLine()
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  displayName: string;

  @ApiPropertyOptional({
    type: CalendarSettingsDto,
    description: "The seller's business calendar: required when role is seller, refused otherwise",
  })
  @ValidateIf((dto: CreateUserDto) => dto.role === 'seller' || dto.seller !== undefined)
  @ValidateNested()
  @Type(() => CalendarSettingsDto)
  @IsDefined({ message: 'seller is required when role is seller' })
  seller?: CalendarSettingsDto;
}

export class SellerCalendarView {
  @ApiProperty() timeZone: string;
  @ApiProperty() country: string;
  @ApiProperty({ nullable: true, type: String }) subdivision: string | null;
  @ApiProperty({ enum: WEEKDAY_NAMES, isArray: true }) workingDays: WeekdayName[];
  @ApiPropertyOptional({ description: 'Opening hours per weekday, when set' }) openingHours?: Partial<
    Record<WeekdayName, string[]>
  >;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() displayName: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ type: SellerCalendarView }) seller?: SellerCalendarView;
}
