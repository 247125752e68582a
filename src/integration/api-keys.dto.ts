import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
import { trim, visible } from '../../lib/transforms.js';
import { SingleLine } from '../common/validators.js';
import { API_SCOPES, type ApiScope } from './api-keys.js';

export class CreateApiKeyDto {
  @ApiProperty({
    example: 'Order sync (production)',
    description: 'What the key is for, to recognise it in lists and the audit log',
  })
  @Transform(visible)
  @SingleLine()
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name: string;

  @ApiProperty({
    enum: API_SCOPES,
    isArray: true,
    description: 'What the key may do: each scope opens its routes (docs/integration.md)',
  })
  @IsIn(API_SCOPES, { each: true, message: `each value in scopes must be one of: ${API_SCOPES.join(', ')}` })
  @ArrayUnique()
  @ArrayMaxSize(API_SCOPES.length)
  @ArrayMinSize(1)
  @IsArray()
  scopes: ApiScope[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the key stops working (in the future); without it, when revoked',
  })
  @Transform(trim)
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsOptional()
  expiresAt?: string;
}

export class ApiKeysQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @Type(() => Number)
  @Max(100)
  @Min(1)
  @IsInt()
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the page before' })
  @MaxLength(500)
  @IsString()
  @IsOptional()
  cursor?: string;
}

/** A key as lists show it: never the key itself. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: API_SCOPES, isArray: true }) scopes: ApiScope[];
  @ApiProperty({ example: 'pk_4f9Qz1xA', description: "The key's first characters, to recognise it in lists and logs" })
  prefix: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The admin who made it' })
  createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the key was last used, to the minute (null: never)',
  })
  lastUsedAt: string | null;
}

/** A key just made: the only answer that ever holds the key. */
export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    example: 'pk_4f9Qz1xA…',
    description: 'The key, shown this once: only its hash is kept. Send it as `Authorization: Bearer <key>`',
  })
  key: string;
}

export class ApiKeyPageView {
  @ApiProperty({ type: [ApiKeyView] }) items: ApiKeyView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
