import { PageCursors, PageQuery } from '../common/page-cursors.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ESCALATION_PRIORITIES, ESCALATION_REASONS, ESCALATION_STATUSES } from '../escalations/escalation.entity.js';
import type { EscalationPriority, EscalationReason, EscalationStatus } from '../escalations/escalation.entity.js';
import { integer } from '../../lib/transforms.js';
import type { Party } from '../notifications/categories.js';

export const ESCALATION_OUTCOMES = ['returned_to_seller', 'answered_by_support', 'case_resolved'] as const;
export type EscalationOutcome = (typeof ESCALATION_OUTCOMES)[number];

export class ListEscalationsQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: ESCALATION_STATUSES })
  @IsOptional()
  @IsIn(ESCALATION_STATUSES)
  status?: EscalationStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'Escalations of one case' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
  @ApiPropertyOptional({ enum: ESCALATION_REASONS }) @IsOptional() @IsIn(ESCALATION_REASONS) reason?: EscalationReason;
  @ApiPropertyOptional({ format: 'uuid', description: 'Assigned to this agent' })
  @IsOptional()
  @IsUUID()
  assignee?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(integer)
  @Max(500)
  @Min(1)
  @IsInt()
  limit?: number;
}

export class AssignDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the caller' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
  @ApiPropertyOptional({
    description:
      'Take it from the agent who holds it (recorded); without it, an escalation held by someone else is 409',
  })
  @IsOptional()
  @IsBoolean()
  reassign?: boolean;
}

export class WaitDto {
  @ApiProperty({
    enum: ['buyer', 'seller'],
    description: 'The party support is waiting on; the support deadline stops until it writes on the case',
  })
  @IsIn(['buyer', 'seller'])
  on: Party;
}

export class ResolveEscalationDto {
  @ApiProperty({
    enum: ESCALATION_OUTCOMES,
    description:
      'returned_to_seller: the seller owes a reply; answered_by_support: support answered the buyer; case_resolved: the case is resolved',
  })
  @IsIn(ESCALATION_OUTCOMES)
  outcome: EscalationOutcome;

  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @MaxLength(2000) @IsString() note?: string;
}

export class EscalationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null for a report about a marketplace notice',
  })
  caseId: string | null;
  @ApiProperty({ enum: ESCALATION_REASONS }) reason: EscalationReason;
  @ApiProperty({ enum: ESCALATION_PRIORITIES }) priority: EscalationPriority;
  @ApiProperty({ enum: ESCALATION_STATUSES }) status: EscalationStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'The support deadline; null while support waits on a party',
  })
  dueAt: string | null;
  @ApiProperty({ enum: ['buyer', 'seller'], nullable: true, type: String }) waitingOn: Party | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) outcome?: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) messageId?: string | null;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The claim a `claim` escalation is about',
  })
  claimId?: string | null;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The phishing report a `phishing_report` escalation is about',
  })
  reportId?: string | null;
}

export class EscalationPageView extends PageCursors {
  @ApiProperty({ type: [EscalationView] }) items: EscalationView[];
}
