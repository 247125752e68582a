import { ApiProperty, ApiPropertyOptional, OmitType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { trim } from '../../lib/transforms.js';
import { CalendarSettingsDto } from '../calendar/calendar.dto.js';
import { UpsertOrderDto } from '../orders/orders.dto.js';
import { CreateUserDto, UserView } from '../users/users.dto.js';

/** The roles the marketplace's systems give people: buyers and sellers (agents and admins are Parley's own). */
export const INTEGRATION_ROLES = ['buyer', 'seller'] as const;
export type IntegrationRole = (typeof INTEGRATION_ROLES)[number];

/** `PUT /integration/users/:externalId`: a buyer or seller as the marketplace knows them (email and name as in POST /users). */
export class UpsertIntegrationUserDto extends PickType(CreateUserDto, ['email', 'displayName'] as const) {
  @ApiProperty({ enum: INTEGRATION_ROLES })
  @IsIn(INTEGRATION_ROLES)
  role: IntegrationRole;

  @ApiPropertyOptional({
    example: 'de',
    nullable: true,
    type: String,
    description: 'As in PUT /me: a language Parley speaks (null or absent: the browser’s, then the default)',
  })
  @ValidateIf((dto: UpsertIntegrationUserDto) => dto.locale !== null && dto.locale !== undefined)
  @Transform(trim)
  @MaxLength(35)
  @IsString()
  locale?: string | null;

  @ApiPropertyOptional({
    type: CalendarSettingsDto,
    description:
      "A seller's business calendar: required to make a seller, optional after (a change is a new version in force from now); refused for a buyer",
  })
  @ValidateIf((dto: UpsertIntegrationUserDto) => dto.seller !== undefined)
  @ValidateNested()
  @Type(() => CalendarSettingsDto)
  @IsDefined()
  seller?: CalendarSettingsDto;
}

/** A person as the marketplace's systems see them: Parley's view with the marketplace's id. */
export class IntegrationUserView extends UserView {
  @ApiProperty({ example: 'user-8841', description: "The marketplace's own id of the person" })
  externalId: string;
}

/** `PUT /integration/orders/:externalId`: an order between people named by the marketplace's ids. */
export class UpsertIntegrationOrderDto extends OmitType(UpsertOrderDto, [
  'externalId',
  'buyerId',
  'sellerId',
] as const) {
  @ApiProperty({ example: 'user-8841', description: "The buyer's externalId (PUT /integration/users)" })
  @Transform(trim)
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  buyerExternalId: string;

  @ApiProperty({ example: 'seller-17', description: "The seller's externalId" })
  @Transform(trim)
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  sellerExternalId: string;
}
