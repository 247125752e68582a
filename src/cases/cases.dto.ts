import { PageCursors, PageQuery } from '../common/page-cursors.dto.js';
import { AttachmentView } from '../attachments/attachments.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { EXCLUSION_REASONS } from '../calendar/business-calendar.js';
import { SegmentView } from '../calendar/calendar.dto.js';
import { ROLES } from '../users/user.entity.js';
import type { Role } from '../users/user.entity.js';
import { CASE_ALLOWED_ACTIONS } from './case-actions.js';
import type { CaseAllowedAction } from './case-actions.js';
import { CASE_STATUSES } from './case-status.js';
import type { CaseStatus } from './case-status.js';
import { TOPICS } from './case.entity.js';
import type { Topic } from './case.entity.js';
import { MASKED_KINDS } from '../conversations/content-policy.js';
import { HELD_REASONS, type HeldReason } from '../conversations/message-view.js';
import { integer, trim, visible } from '../../lib/transforms.js';
import { SingleLine } from '../common/validators.js';

export const SLA_STATES = ['on_track', 'at_risk', 'late', 'escalated', 'stopped'] as const;
export type SlaState = (typeof SLA_STATES)[number];

const NOT_BLANK = /\S/;

export class OpenCaseDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  sellerId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'One of your orders; or give listingRef for a question before buying',
  })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({
    example: 'listing-84512',
    description: "The marketplace's listing reference; invisible and direction-changing characters are dropped",
  })
  @IsOptional()
  @Transform(visible)
  @SingleLine()
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  listingRef?: string;

  @ApiProperty({ enum: TOPICS })
  @IsIn(TOPICS)
  topic: Topic;

  @ApiProperty({ maxLength: 200, example: 'Does it fit a 15-inch laptop?' })
  @Transform(trim)
  @SingleLine()
  @MaxLength(200)
  @MinLength(1, { message: 'subject must not be empty' })
  @IsString()
  subject: string;

  @ApiProperty({ maxLength: 10_000 })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;
}

export class PostMessageDto {
  @ApiProperty({ maxLength: 10_000 })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;

  @ApiPropertyOptional({ description: 'Support only: an internal note that buyers and sellers never see' })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
}

export class ListCasesQueryDto extends PageQuery {
  @ApiPropertyOptional({
    enum: CASE_STATUSES,
    description: 'Default for sellers: the open ones (awaiting_seller, awaiting_buyer, escalated)',
  })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: SLA_STATES })
  @IsOptional()
  @IsIn(SLA_STATES)
  slaState?: SlaState;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(integer)
  @Max(100)
  @Min(1)
  @IsInt()
  limit?: number;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'MKT-1001',
    description:
      'Only cases whose subject, listing reference or order reference contains this text (case-insensitive); blank means no search',
  })
  @IsOptional()
  @Transform(visible)
  @SingleLine()
  @MaxLength(200)
  @IsString()
  q?: string;
}

export class SlaView {
  @ApiProperty({ enum: SLA_STATES }) state: SlaState;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) clockStartedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) warnAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) dueAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) escalateAt: string | null;
}

export class CaseView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) buyerId: string;
  @ApiProperty({ format: 'uuid' }) sellerId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) orderId: string | null;
  @ApiProperty({ nullable: true, type: String }) listingRef: string | null;
  @ApiProperty({ enum: TOPICS }) topic: Topic;
  @ApiProperty() subject: string;
  @ApiProperty({ enum: CASE_STATUSES }) status: CaseStatus;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The claim filed from this case; the reply clock no longer runs on it',
  })
  claimId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: SlaView }) sla: SlaView;
}

/** One case as `GET /cases/:id` answers it: with what the caller may do to it now. */
export class CaseDetailView extends CaseView {
  @ApiProperty({
    enum: CASE_ALLOWED_ACTIONS,
    isArray: true,
    description:
      'What the caller may do now, from its role, the state machine and the deadlines: message (POST /cases/:id/messages), note (the same, internal: true), ' +
      'noResponseNeeded, resolve, reopen (within the policy’s days of the resolution), escalate (once the seller is late). Each listed action succeeds if taken now; any other is refused (403 or 409).',
  })
  allowedActions: CaseAllowedAction[];
}

export class CasePageView extends PageCursors {
  @ApiProperty({ type: [CaseView] }) items: CaseView[];
}

export class MessageView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ enum: ROLES }) authorRole: Role;
  @ApiProperty({ description: 'As the caller may see it: masked for the other party' }) body: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ enum: MASKED_KINDS, isArray: true, description: 'What was masked for the other party' })
  masked: string[];
  @ApiPropertyOptional({ description: 'Held back from the recipient; shown to the author and support' })
  quarantined?: boolean;
  @ApiPropertyOptional({
    enum: HELD_REASONS,
    isArray: true,
    description: 'Why a held message is held (its author and support only), so that its author knows what to change',
  })
  heldFor?: HeldReason[];
  @ApiPropertyOptional({ description: 'Support only' }) internal?: boolean;
  @ApiPropertyOptional({ description: 'Support only: what the other party sees' }) visibleBody?: string;
  @ApiProperty({ type: [AttachmentView] }) attachments: AttachmentView[];
}

export class TimelineEventView {
  @ApiProperty() type: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ enum: [...ROLES, 'system'] }) actorRole: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() data: Record<string, unknown>;
}

export class SlaDetailView extends SlaView {
  @ApiPropertyOptional({ description: 'The calendar and policy the open cycle runs on' })
  basis?: { calendarId: string; calendarVersion: number; timeZone: string; policyVersion: number; openedAt: string };
  @ApiProperty({
    description: `Segments from the cycle's start to escalateAt; reasons: ${EXCLUSION_REASONS.join(', ')}`,
  })
  explanation: { segments: SegmentView[] };
  @ApiPropertyOptional({
    description:
      "Where the calendar's public holidays come from (date-holidays country and subdivision), so that a holiday can be named in the reader's language; null when it closes for none",
    nullable: true,
  })
  holidayRegion?: { country: string; subdivision: string | null } | null;
}
