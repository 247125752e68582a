import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsEmail, IsIn, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { WEEKDAY_NAMES } from '../calendar/business-calendar.js';
import type { WeekdayName } from '../calendar/business-calendar.js';
import { CalendarSettingsDto } from '../calendar/calendar.dto.js';
import { IsTimeZone } from '../calendar/calendar.validators.js';
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

/**
 * `PUT /me`: what people change about themselves. A field left out stays as
 * it is; `timeZone: null` clears the choice. The display name follows the
 * same rules as at creation (the marketplace look-alike rule for the
 * caller's role is checked by the service, which knows the role).
 */
export class UpdateProfileDto {
  @ApiPropertyOptional({ example: 'Ada Lovelace', description: 'Shown to others; the same rules as in POST /users' })
  // Not IsOptional: it would let null through, and a name cannot be cleared.
  @ValidateIf((dto: UpdateProfileDto) => dto.displayName !== undefined)
  @Transform(visible)
  @SingleLine()
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  displayName?: string;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    nullable: true,
    type: String,
    description:
      "Your own IANA time zone, for showing you times; null clears it. A seller's reply deadlines stay on its business calendar's zone",
  })
  @ValidateIf((dto: UpdateProfileDto) => dto.timeZone !== null && dto.timeZone !== undefined)
  @Transform(trim)
  @IsTimeZone()
  timeZone?: string | null;

  @ApiPropertyOptional({
    example: 'de',
    nullable: true,
    type: String,
    description:
      'Your language, a BCP 47 tag of one Parley speaks (en, de, fr, es, ja, ar; de-AT is stored as de): pages and emails are in it. null clears the choice (pages then follow the browser)',
  })
  @ValidateIf((dto: UpdateProfileDto) => dto.locale !== null && dto.locale !== undefined)
  @Transform(trim)
  @MaxLength(35)
  @IsString()
  locale?: string | null;
}

/** `PUT /users/:id` (admin): a person's language, set for them (null clears it). */
export class AdminUpdateUserDto {
  @ApiPropertyOptional({ example: 'ja', nullable: true, type: String, description: 'As in PUT /me' })
  @ValidateIf((dto: AdminUpdateUserDto) => dto.locale !== null && dto.locale !== undefined)
  @Transform(trim)
  @MaxLength(35)
  @IsString()
  locale?: string | null;
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
  @ApiPropertyOptional({
    description: 'The IANA time zone the user chose for showing times (PUT /me); absent until chosen',
  })
  timeZone?: string;
  @ApiProperty({
    example: 'en',
    description:
      "The language pages and emails are in for this user: the one chosen (PUT /me), else the marketplace's default",
  })
  locale: string;
  @ApiProperty({
    description: 'Whether the user chose the language (false: the default applies, and pages follow the browser)',
  })
  localeChosen: boolean;
  @ApiPropertyOptional({ type: SellerCalendarView }) seller?: SellerCalendarView;
}
