import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { integer } from '../../lib/transforms.js';

export class AuditQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ example: 'user.disabled' })
  @IsOptional()
  @Matches(/^[a-z_.]{1,64}$/, { message: 'action must be an action name such as user.disabled' })
  action?: string;
  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'subjectType must be a subject type such as user' })
  subjectType?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(100) @IsString() subjectId?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  to?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Transform(integer)
  @Max(100)
  @Min(1)
  @IsInt()
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @MaxLength(500) @IsString() cursor?: string;
}

export class AuditView {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ description: "The actor's role, or `api_key` for an entry of the marketplace's systems" })
  actorRole: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The API key that acted (`actorRole` is then `api_key` and `actorId` null)',
  })
  actorKeyId: string | null;
  @ApiProperty({ example: 'user.disabled' }) action: string;
  @ApiProperty({ example: 'user' }) subjectType: string;
  @ApiProperty({ nullable: true, type: String }) subjectId: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ nullable: true, type: Object }) before: unknown;
  @ApiProperty({ nullable: true, type: Object }) after: unknown;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditView] }) items: AuditView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
