import { PageCursors, PageQuery } from '../common/page-cursors.dto.js';
import { HELD_REASONS, type HeldReason } from '../conversations/message-view.js';
import { AttachmentView } from '../attachments/attachments.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
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
  ValidateNested,
} from 'class-validator';
import { MASKED_KINDS } from '../conversations/content-policy.js';
import { integer } from '../../lib/transforms.js';
import { MoneyDto } from '../orders/orders.dto.js';
import { ROLES } from '../users/user.entity.js';
import type { Role } from '../users/user.entity.js';
import { CLAIM_ALLOWED_ACTIONS } from './claim-actions.js';
import type { ClaimAllowedAction } from './claim-actions.js';
import { CLAIM_STATUSES } from './claim-status.js';
import type { ClaimStatus } from './claim-status.js';
import { CLAIM_FLAGS, CLAIM_REASONS } from './claim.entity.js';
import type { ClaimFlag, ClaimOutcome, ClaimReason, Funding } from './claim.entity.js';
import { ELIGIBILITY_CODES, ELIGIBILITY_RULES } from './eligibility.js';
import type { EligibilityCode, EligibilityRule } from './eligibility.js';
import { CLAIM_DEADLINES } from './running-deadline.js';
import type { ClaimDeadline } from './running-deadline.js';

const NOT_BLANK = /\S/;
const FUNDING = ['seller', 'marketplace'] as const;

export class EligibilityQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
}

export class ReasonEligibilityView {
  @ApiProperty({ enum: CLAIM_REASONS }) reason: ClaimReason;
  @ApiProperty() eligible: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Not yet eligible: the earliest instant a claim may be filed',
  })
  eligibleAt?: string;
  @ApiPropertyOptional({ enum: ELIGIBILITY_RULES, description: 'The rule that holds the claim back' })
  rule?: EligibilityRule;
  @ApiProperty({
    enum: ELIGIBILITY_CODES,
    description:
      'Where the buyer stands now, finer than `rule`: can_claim; refunded; open_claim; window_closed (the filing window has ended); ' +
      'window_closes_first (it ends before a claim would be possible); contact_seller (no case with the seller yet); ' +
      'seller_answering (the seller still has time to answer the case, until eligibleAt); not_late_yet (item not received: from eligibleAt)',
  })
  code: EligibilityCode;
  @ApiProperty({ format: 'date-time', description: 'The end of the filing window for this order' })
  windowClosesAt: string;
  @ApiProperty({ description: 'The rule in words (English, times in UTC); a client shows its own text from `code`' })
  detail: string;
}

/** A policy duration: exactly one of the three. */
export class PolicyDurationView {
  @ApiPropertyOptional() hours?: number;
  @ApiPropertyOptional() days?: number;
  @ApiPropertyOptional() businessDays?: number;
}

export class EligibilityView {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ format: 'date-time', description: 'The instant the answer is for' }) at: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the buyer first opened a case about the order with the seller; null when never',
  })
  contactedAt: string | null;
  @ApiProperty({
    type: PolicyDurationView,
    description: "The seller's time to answer that case before a claim is possible (on the seller's calendar)",
  })
  sellerAnswerTime: PolicyDurationView;
  @ApiProperty({ type: [ReasonEligibilityView] }) reasons: ReasonEligibilityView[];
}

export class FileClaimDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
  @ApiProperty({ enum: CLAIM_REASONS }) @IsIn(CLAIM_REASONS) reason: ClaimReason;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The case about this order the claim grows from; default: your latest case about it',
  })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ type: MoneyDto, description: 'Default and maximum: the order total, in its currency' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount?: MoneyDto;

  @ApiProperty({ maxLength: 10_000, description: 'What went wrong, for the seller and our team' })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;
}

/** An agent opens a claim for the buyer of an escalated case. */
export class FileForBuyerDto {
  @ApiProperty({ enum: CLAIM_REASONS }) @IsIn(CLAIM_REASONS) reason: ClaimReason;
  @ApiPropertyOptional({ type: MoneyDto }) @IsOptional() @ValidateNested() @Type(() => MoneyDto) amount?: MoneyDto;
  @ApiProperty({ maxLength: 10_000 })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;
}

export class ClaimMessageDto {
  @ApiProperty({ maxLength: 10_000 })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;

  @ApiPropertyOptional({ description: 'Support only: an internal note' }) @IsOptional() @IsBoolean() internal?: boolean;
}

export class BodyDto {
  @ApiProperty({ maxLength: 10_000 })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;
}

export class RefundDto {
  @ApiProperty({ type: MoneyDto, description: 'What the seller refunded; at most the order total, in its currency' })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;
}

export class RequestInfoDto {
  @ApiProperty({ enum: ['buyer', 'seller'] }) @IsIn(['buyer', 'seller']) from: 'buyer' | 'seller';
  @ApiProperty({ maxLength: 10_000 })
  @Matches(NOT_BLANK, { message: 'body must not be empty or only white space' })
  @MaxLength(10_000)
  @IsString()
  body: string;
}

export class DecideDto {
  @ApiProperty({ enum: ['granted', 'denied'] }) @IsIn(['granted', 'denied']) outcome: 'granted' | 'denied';
  @ApiPropertyOptional({ enum: FUNDING, description: 'Granted only (required): who funds the refund' })
  @IsOptional()
  @IsIn(FUNDING)
  funding?: Funding;
  @ApiPropertyOptional({
    type: MoneyDto,
    description: 'Granted only: the refund; default the claimed amount; at most the order total',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  refund?: MoneyDto;
  @ApiProperty({ maxLength: 5_000 })
  @Matches(NOT_BLANK, { message: 'note must not be empty or only white space' })
  @MaxLength(5_000)
  @IsString()
  note: string;
}

export class DecideAppealDto {
  @ApiProperty({ enum: ['upheld', 'reversed'] }) @IsIn(['upheld', 'reversed']) outcome: 'upheld' | 'reversed';
  @ApiPropertyOptional({
    enum: FUNDING,
    description: 'Reversing a denial only: who funds the refund (default the seller)',
  })
  @IsOptional()
  @IsIn(FUNDING)
  funding?: Funding;
  @ApiPropertyOptional({
    type: MoneyDto,
    description: 'Reversing a denial only: the refund (default the claimed amount)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  refund?: MoneyDto;
  @ApiProperty({ maxLength: 5_000 })
  @Matches(NOT_BLANK, { message: 'note must not be empty or only white space' })
  @MaxLength(5_000)
  @IsString()
  note: string;
}

/** The portal's orders page: a buyer's orders, searched and paged both ways. */
export class BuyerOrdersQueryDto {
  @IsOptional() @IsString() @MaxLength(200, { message: 'The search can be at most 200 characters' }) q?: string;
  @IsOptional() @IsString() @MaxLength(500) after?: string;
  @IsOptional() @IsString() @MaxLength(500) before?: string;
}

export class ListClaimsQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: CLAIM_STATUSES }) @IsOptional() @IsIn(CLAIM_STATUSES) status?: ClaimStatus;
  @ApiPropertyOptional({ enum: CLAIM_REASONS }) @IsOptional() @IsIn(CLAIM_REASONS) reason?: ClaimReason;
  @ApiPropertyOptional({ maximum: 100, default: 50 })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class MoneyView {
  @ApiProperty() amount: number;
  @ApiProperty() currency: string;
}

export class DecisionView {
  @ApiProperty({ enum: ['granted', 'denied'] }) outcome: 'granted' | 'denied';
  @ApiProperty({ enum: FUNDING, nullable: true, type: String }) funding: Funding | null;
  @ApiProperty({ type: MoneyView, nullable: true }) refund: MoneyView | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null when granted by policy for no seller response',
  })
  decidedBy: string | null;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
}

export class AppealView {
  @ApiProperty({ format: 'uuid' }) by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['upheld', 'reversed'], nullable: true, type: String }) outcome: 'upheld' | 'reversed' | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiPropertyOptional({ enum: FUNDING, description: 'A reversed denial: who funds the refund' }) funding?: Funding;
  @ApiPropertyOptional({ type: MoneyView, nullable: true, description: 'A reversed denial: the refund' })
  refund?: MoneyView | null;
}

export class ClaimDeadlinesView {
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sellerResponseDueAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) infoDueAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) appealUntil: string | null;
}

export class RunningDeadlineView {
  @ApiProperty({
    enum: CLAIM_DEADLINES,
    description:
      "seller_response (awaiting_seller), info_request (info_requested: infoFrom's answer), appeal_window (granted or denied)",
  })
  deadline: ClaimDeadline;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}

export class ClaimView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) buyerId: string;
  @ApiProperty({ format: 'uuid' }) sellerId: string;
  @ApiProperty({ enum: CLAIM_REASONS }) reason: ClaimReason;
  @ApiProperty({ enum: CLAIM_STATUSES }) status: ClaimStatus;
  @ApiProperty({
    enum: ['granted', 'denied', 'withdrawn', 'refunded_by_seller'],
    nullable: true,
    type: String,
    description: 'What the claim came to, after any appeal',
  })
  outcome: ClaimOutcome | null;
  @ApiProperty({ type: MoneyView }) amount: MoneyView;
  @ApiProperty({ enum: CLAIM_FLAGS, isArray: true }) flags: ClaimFlag[];
  @ApiProperty({
    enum: ['buyer', 'seller'],
    nullable: true,
    type: String,
    description: 'While info_requested: the party asked',
  })
  infoFrom: 'buyer' | 'seller' | null;
  @ApiProperty({
    type: ClaimDeadlinesView,
    description: 'Every deadline the claim was given, including ones that no longer apply; see runningDeadline',
  })
  deadlines: ClaimDeadlinesView;
  @ApiProperty({
    type: RunningDeadlineView,
    nullable: true,
    description:
      'The one deadline the claim is waiting on in its state; null when none runs (under review, appealed, closed). ' +
      'It may lie a moment in the past until the claims sweep acts on it.',
  })
  runningDeadline: RunningDeadlineView | null;
  @ApiProperty({ type: DecisionView, nullable: true }) decision: DecisionView | null;
  @ApiProperty({ type: AppealView, nullable: true }) appeal: AppealView | null;
  @ApiProperty({ type: MoneyView, nullable: true, description: 'The refund the seller made, when it did' })
  sellerRefund: MoneyView | null;
  @ApiProperty({ description: 'The claim policy version it runs on' }) policyVersion: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the claim closed' })
  closedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** One claim as `GET /claims/:id` answers it: with what the caller may do to it now. */
export class ClaimDetailView extends ClaimView {
  @ApiProperty({
    enum: CLAIM_ALLOWED_ACTIONS,
    isArray: true,
    description:
      'What the caller may do now, from its role, the state machine and the deadlines: message (POST /claims/:id/messages; not on a closed claim), ' +
      'provideInfo (a message from the party infoFrom names, which answers the information request), note (internal: true, support), respond, refund, requestInfo, decide, withdraw, ' +
      'appeal (the party the decision went against, before appealUntil), decideAppeal (support other than the first decider). Each listed action succeeds if taken now; any other is refused (403 or 409).',
  })
  allowedActions: ClaimAllowedAction[];
}

export class ClaimPageView extends PageCursors {
  @ApiProperty({ type: [ClaimView] }) items: ClaimView[];
}

export class ClaimMessageView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) claimId: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ enum: ROLES }) authorRole: Role;
  @ApiProperty() body: string;
  @ApiProperty() internal: boolean;
  @ApiProperty({ enum: MASKED_KINDS, isArray: true }) masked: string[];
  @ApiPropertyOptional({ description: 'Support and the author: held back from the other party' }) quarantined?: boolean;
  @ApiPropertyOptional({
    enum: HELD_REASONS,
    isArray: true,
    description: 'Why a held message is held (its author and support only), so that its author knows what to change',
  })
  heldFor?: HeldReason[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [AttachmentView] }) attachments: AttachmentView[];
}

export class ClaimEventView {
  @ApiProperty() type: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty() actorRole: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
}
