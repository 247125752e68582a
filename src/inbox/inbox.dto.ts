import { AttachmentView } from '../attachments/attachments.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import type { ValidationOptions } from 'class-validator';
import { boolean, integer } from '../../lib/transforms.js';
import { CATEGORIES } from '../notifications/categories.js';
import type { Category } from '../notifications/categories.js';
import { parseSearch, SEARCH_LIMITS } from './inbox.queries.js';

/** The Message Center's folders: what reached the user, what the user put in Trash, and what the user wrote (Sent). */
export const FOLDERS = ['inbox', 'trash', 'sent'] as const;
export type Folder = (typeof FOLDERS)[number];
export const SENDER_KINDS = ['marketplace', 'seller', 'buyer', 'support'] as const;
export type SenderKindName = (typeof SENDER_KINDS)[number];
const UUID_OR_MARKETPLACE = /^(marketplace|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
export const BULK_IDS_MAX = 1000;

/** A search within SEARCH_LIMITS; the message says which limit a refused one passed, in words a person understands. */
function Search(options?: ValidationOptions) {
  const refusal = (value: unknown) => {
    const parsed = typeof value === 'string' ? parseSearch(value) : undefined;
    return parsed && 'refused' in parsed ? parsed.refused : undefined;
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'search',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => refusal(value) === undefined,
        defaultMessage: (args) => refusal(args?.value) ?? '',
      },
    });
}

/** The filters of the Message Center list; bulk actions take the same. */
export class InboxFilterDto {
  @ApiPropertyOptional({ enum: CATEGORIES }) @IsOptional() @IsIn(CATEGORIES) category?: Category;
  @ApiPropertyOptional({ description: 'true: unread items only' })
  @IsOptional()
  @Transform(boolean)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({
    description: `Full-text search, web-search syntax: words, "a phrase", -excluded, or. Accents do not matter. At most ${SEARCH_LIMITS.characters} characters, ${SEARCH_LIMITS.terms} words or phrases, ${SEARCH_LIMITS.wordsPerTerm} words in a phrase.`,
    maxLength: SEARCH_LIMITS.characters,
  })
  @IsOptional()
  @Search()
  @IsString()
  q?: string;

  @ApiPropertyOptional({ description: 'A user id, or `marketplace`' })
  @IsOptional()
  @Matches(UUID_OR_MARKETPLACE, { message: 'sender must be a user id or marketplace' })
  @IsString()
  sender?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Items created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Items created before' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  to?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() caseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional({
    enum: FOLDERS,
    description:
      'Default: inbox (bulk restore: trash). `sent`: the case and claim messages you wrote, newest first (`SentPageView`); it takes no other filter, and bulk actions refuse it',
  })
  @IsOptional()
  @IsIn(FOLDERS)
  in?: Folder;
}

export class ListInboxQueryDto extends InboxFilterDto {
  @ApiPropertyOptional({ maximum: 100, default: 50 })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional({
    description: 'A page’s `nextCursor` (older items) or `prevCursor` (newer items), for the same folder and filters',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** A bulk action on a list of items or on every item matching a filter (exactly one of the two). */
export class BulkDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: BULK_IDS_MAX })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMaxSize(BULK_IDS_MAX)
  @ArrayMinSize(1)
  @IsArray()
  ids?: string[];

  @ApiPropertyOptional({ type: InboxFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboxFilterDto)
  filter?: InboxFilterDto;
}

export class ReportDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'What looked wrong' })
  @IsOptional()
  @MaxLength(2000)
  @IsString()
  reason?: string;
}

export class ReportsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'confirmed', 'dismissed'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'confirmed', 'dismissed'])
  status?: 'open' | 'confirmed' | 'dismissed';
}

export class DecideReportDto {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @MaxLength(2000) @IsString() note?: string;
}

export class SenderView {
  @ApiProperty({ enum: SENDER_KINDS }) kind: SenderKindName;
  @ApiPropertyOptional({ format: 'uuid', description: 'A buyer or seller; absent for the marketplace and support' })
  id?: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The marketplace itself (and its support team): a look-alike never is' })
  verified: boolean;
}

export class InboxItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CATEGORIES }) category: Category;
  @ApiProperty({ type: SenderView }) sender: SenderView;
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'The start of the body; with q, the passage that matched, matches between « and »' })
  snippet: string;
  @ApiPropertyOptional({ format: 'uuid' }) caseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) orderId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) claimId?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deletedAt: string | null;
}

export class InboxItemDetailView extends InboxItemView {
  @ApiProperty() body: string;
  @ApiProperty({ description: 'The live stream sequence number of the item (SSE id)' }) seq: number;
  @ApiProperty({ type: [AttachmentView], description: 'The files of the message the item shows' })
  attachments: AttachmentView[];
}

export class InboxPageView {
  @ApiProperty({ type: [InboxItemView] }) items: InboxItemView[];
  @ApiProperty({ nullable: true, type: String, description: 'The next page: older items; null on the last page' })
  nextCursor: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The previous page: newer items; null on the first page',
  })
  prevCursor: string | null;
}

export const SENT_KINDS = ['case', 'claim'] as const;
export const RECIPIENT_ROLES = ['buyer', 'seller'] as const;

export class RecipientView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RECIPIENT_ROLES }) role: (typeof RECIPIENT_ROLES)[number];
}

/** A message the caller wrote, as the Sent folder lists it. */
export class SentItemView {
  @ApiProperty({ format: 'uuid', description: 'The message' }) id: string;
  @ApiProperty({ enum: SENT_KINDS, description: 'A message on a case or on a claim' })
  kind: (typeof SENT_KINDS)[number];
  @ApiProperty({ format: 'uuid', description: 'The case (a claim’s case for a claim message)' }) caseId: string;
  @ApiPropertyOptional({ format: 'uuid' }) claimId?: string;
  @ApiProperty({ description: 'The subject of the case the conversation is about' }) subject: string;
  @ApiProperty({ type: [RecipientView], description: 'The other parties of the conversation (support sees it too)' })
  to: RecipientView[];
  @ApiProperty({ description: 'The first line of what you wrote' }) snippet: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    description: 'Held back by the content policy or after a confirmed report: the other party does not see it',
  })
  held: boolean;
}

export class SentPageView {
  @ApiProperty({ type: [SentItemView] }) items: SentItemView[];
  @ApiProperty({ nullable: true, type: String, description: 'Older messages; null on the last page' })
  nextCursor: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Newer messages; null on the first page' })
  prevCursor: string | null;
}

export class UnreadCountsView {
  @ApiProperty() order_updates: number;
  @ApiProperty() seller_messages: number;
  @ApiProperty() buyer_messages: number;
  @ApiProperty() customer_service: number;
  @ApiProperty() promotions: number;
  @ApiProperty() notices: number;
  @ApiProperty() total: number;
}

export class InboxCountsView {
  @ApiProperty({ type: UnreadCountsView }) unread: UnreadCountsView;
  @ApiProperty({ description: 'Items in Trash' }) trash: number;
}

export class BulkResultView {
  @ApiProperty({ description: 'Items whose state changed' }) updated: number;
  @ApiProperty({
    type: [String],
    description: 'Given ids that are not yours or do not exist; nothing was done to them',
  })
  notFound: string[];
}

export class ReportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) itemId: string | null;
  @ApiProperty({ format: 'uuid' }) reporterId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) senderId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) escalationId: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ enum: ['open', 'confirmed', 'dismissed'] }) status: 'open' | 'confirmed' | 'dismissed';
  @ApiProperty({ description: 'The reported item as its recipient saw it' }) subject: string;
  @ApiProperty() body: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
