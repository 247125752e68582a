import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { trim } from '../../lib/transforms.js';
import { SingleLine } from '../common/validators.js';

export class CategoryPreference {
  @ApiProperty() email: boolean;
  @ApiProperty({ description: 'True when the category cannot be switched off' }) locked: boolean;
}

export class EmailPreferencesView {
  @ApiProperty({
    example: { promotions: { email: false, locked: false }, seller_messages: { email: true, locked: true } },
  })
  categories: Record<string, CategoryPreference>;
}

export class UpdateEmailPreferencesDto {
  @ApiProperty({
    example: { promotions: { email: false } },
    description: 'Categories to change; others stay as they are',
  })
  // The keys as sent: class-transformer would drop ones like `toString`, which must be refused as unknown categories, not ignored.
  @Transform(({ obj }: { obj: { categories?: unknown } }) => obj.categories, { toClassOnly: true })
  @IsObject()
  categories: Record<string, { email?: unknown; locked?: unknown }>;
}

export class BroadcastDto {
  @ApiProperty({ enum: ['promotions', 'notices'] }) @IsIn(['promotions', 'notices']) category: 'promotions' | 'notices';
  @ApiProperty({ maxLength: 200 })
  @Transform(trim)
  @SingleLine()
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  subject: string;
  @ApiProperty({ maxLength: 20_000 })
  @Matches(/\S/, { message: 'body must not be empty' })
  @MaxLength(20_000)
  @IsString()
  body: string;
  @ApiProperty({ enum: ['all', 'buyers', 'sellers'] }) @IsIn(['all', 'buyers', 'sellers']) audience:
    'all' | 'buyers' | 'sellers';
}

export class BroadcastView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description: 'Users of the audience: each finds the item in its Message Center (made when that user next looks)',
  })
  recipients: number;
  @ApiProperty({ description: 'Of those, the users who get it by email too (they accept the category)' })
  emails: number;
}

export class OutboxQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'sent', 'failed', 'skipped'], default: 'failed' })
  @IsOptional()
  @IsIn(['pending', 'sending', 'sent', 'failed', 'skipped'])
  status?: string;
}

export class OutboxItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() kind: string;
  @ApiProperty() category: string;
  @ApiProperty({ format: 'uuid' }) recipientId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId: string | null;
  @ApiProperty() status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class UnsubscribeBodyDto {
  @ApiPropertyOptional({ example: 'One-Click' }) @IsOptional() @IsString() 'List-Unsubscribe'?: string;
}
