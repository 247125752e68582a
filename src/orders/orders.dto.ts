import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../calendar/calendar.validators.js';
import { ORDER_EVENT_TYPES } from './order.entity.js';
import type { OrderEventType } from './order.entity.js';
import { trim } from '../../lib/transforms.js';
import { SingleLine } from '../common/validators.js';

export class MoneyDto {
  @ApiProperty({ description: 'Integer minor units', example: 2599 })
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(0)
  @IsInt()
  amount: number;

  @ApiProperty({ example: 'USD' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  @IsString()
  currency: string;
}

export class OrderItemDto {
  @ApiProperty() @Transform(trim) @SingleLine() @MaxLength(300) @MinLength(1) @IsString() title: string;
  @ApiProperty() @Max(100_000) @Min(1) @IsInt() quantity: number;
}

export class UpsertOrderDto {
  @ApiProperty({ description: "The marketplace's own order id", example: 'MKT-1001' })
  @Transform(trim)
  @SingleLine()
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  externalId: string;

  @ApiProperty({ format: 'uuid' }) @IsUUID() buyerId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() sellerId: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true, strictSeparator: true })
  placedAt: string;

  @ApiProperty({ example: '2026-03-10', description: 'Latest estimated delivery date' })
  @IsCalendarDate()
  maxDeliveryDate: string;

  @ApiProperty({ type: MoneyDto })
  @ValidateNested()
  @Type(() => MoneyDto)
  total: MoneyDto;

  @ApiPropertyOptional({ type: [OrderItemDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  @ArrayMaxSize(500)
  @IsArray()
  items?: OrderItemDto[];
}

export class OrderEventDto {
  @ApiProperty({ enum: ORDER_EVENT_TYPES }) @IsIn(ORDER_EVENT_TYPES) type: OrderEventType;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true, strictSeparator: true }) at: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(2000) @IsString() note?: string;
}

export class MoneyView {
  @ApiProperty() amount: number;
  @ApiProperty() currency: string;
}

export class OrderEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES }) type: OrderEventType;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
}

export class OrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() externalId: string;
  @ApiProperty({ format: 'uuid' }) buyerId: string;
  @ApiProperty({ format: 'uuid' }) sellerId: string;
  @ApiProperty({ format: 'date-time' }) placedAt: string;
  @ApiProperty({ example: '2026-03-10' }) maxDeliveryDate: string;
  @ApiProperty({ type: MoneyView }) total: MoneyView;
  @ApiProperty({ type: [OrderItemDto] }) items: { title: string; quantity: number }[];
  @ApiProperty({ type: [OrderEventView] }) events: OrderEventView[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
