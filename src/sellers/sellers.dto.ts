import { ApiProperty } from '@nestjs/swagger';

export const STANDINGS = ['good', 'at_risk', 'flagged'] as const;
export type Standing = (typeof STANDINGS)[number];

export class ResponseBucketView {
  @ApiProperty({ description: 'Business hours from (inclusive)' }) fromHours: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Business hours to (exclusive); null: no upper end' })
  toHours: number | null;
  @ApiProperty({ description: 'Reply cycles answered in that time' }) replies: number;
}

export class PerformanceWindowView {
  @ApiProperty({ example: 30 }) days: number;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Buyer messages at least 24 h old (no-response-needed excluded)' }) buyerMessages: number;
  @ApiProperty() answeredWithin24h: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'answeredWithin24h ÷ buyerMessages; null without messages',
  })
  responseWithin24hRate: number | null;
  @ApiProperty({
    description: 'Reply cycles opened in the window and decided: onTimeReplies + lateReplies + missedReplies',
  })
  replyCycles: number;
  @ApiProperty() onTimeReplies: number;
  @ApiProperty({ nullable: true, type: Number }) onTimeReplyRate: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Business hours from the buyer message to the reply' })
  medianResponseBusinessHours: number | null;
  @ApiProperty({ nullable: true, type: Number }) p90ResponseBusinessHours: number | null;
  @ApiProperty({
    type: [ResponseBucketView],
    description: 'Answered reply cycles by business hours to the reply: under 1, 1–4, 4–8, 8–24, 24–48, 48 and more',
  })
  responseTimeDistribution: ResponseBucketView[];
  @ApiProperty({ description: 'Reply cycles answered, but at or after their deadline (dueAt)' }) lateReplies: number;
  @ApiProperty({
    description:
      'Reply cycles past their deadline without an answer: still open, or closed by a resolution, support or a claim after it',
  })
  missedReplies: number;
  @ApiProperty({
    description: 'Escalations from missed windows and buyer requests, on reply cycles opened in the window',
  })
  escalations: number;
  @ApiProperty({
    description:
      'Seller flags on reply cycles opened in the window: the sweep raises one when a cycle passes its deadline unanswered, so flags ≤ lateReplies + missedReplies',
  })
  flags: number;
}

export class ClaimRateView {
  @ApiProperty({ example: 60, description: 'The defect window, in days' }) days: number;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Orders placed in the window' }) orders: number;
  @ApiProperty({ description: 'Claims filed in the window, except those denied or withdrawn (open ones count)' })
  claims: number;
  @ApiProperty({ nullable: true, type: Number, description: 'claims ÷ orders; null without orders' }) claimRate:
    number | null;
  @ApiProperty({ description: 'Orders placed in the window with at least one such claim' }) defectiveOrders: number;
  @ApiProperty({ nullable: true, type: Number, description: 'defectiveOrders ÷ orders' }) orderDefectRate:
    number | null;
}

/** The figures a standing rule looks at. */
export const STANDING_METRICS = ['onTimeReplyRate', 'claimRate', 'orderDefectRate', 'responseWithin24hRate'] as const;
export type StandingMetric = (typeof STANDING_METRICS)[number];

export class StandingReasonView {
  @ApiProperty({ enum: STANDING_METRICS }) metric: StandingMetric;
  @ApiProperty({ description: 'The figure, over the window its rule looks at' }) value: number;
  @ApiProperty({ description: 'The threshold it crossed' }) threshold: number;
  @ApiProperty({ description: 'The window the rule looks at, in days' }) days: number;
}

export class PerformanceView {
  @ApiProperty({ format: 'uuid' }) sellerId: string;
  @ApiProperty({
    enum: STANDINGS,
    description:
      'flagged below the on-time threshold (30 days) or at or above the claim threshold (defect window); at_risk below the 24-hour threshold',
  })
  standing: Standing;
  @ApiProperty({ example: 30, description: 'The window, in days, whose reply figures the standing is judged on' })
  standingWindowDays: number;
  @ApiProperty({
    type: [StandingReasonView],
    description: 'The figures that set the standing, each with its threshold; empty when the standing is good',
  })
  standingReasons: StandingReasonView[];
  @ApiProperty() thresholds: { responseWithin24hRate: number; onTimeReplyRate: number; orderDefectRate: number };
  @ApiProperty({ type: [PerformanceWindowView] }) windows: PerformanceWindowView[];
  @ApiProperty({
    type: ClaimRateView,
    description: "Claim rate and order defect rate over the claim policy's defect window",
  })
  claims: ClaimRateView;
}
