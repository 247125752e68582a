import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sellerStandingPolicyAt } from '../../config/policies.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { ClaimPolicies } from '../claims/claim-policies.js';
import { CLAIM_RATE, PERFORMANCE, RESPONSE_BUCKET_HOURS } from './sellers.queries.js';
import { ClaimRateView, PerformanceView, PerformanceWindowView, Standing, StandingReasonView } from './sellers.dto.js';

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const hours = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 100) / 100);

@Injectable()
export class SellersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly claimPolicies: ClaimPolicies,
    private readonly clock: Clock,
  ) {}

  /** For the seller itself, agents and admins; anyone else gets 404. */
  async performance(caller: Caller, sellerId: string): Promise<PerformanceView> {
    await this.access.requireSellerPerformance(caller, sellerId);
    const now = await this.clock.now();
    const policy = sellerStandingPolicyAt(now);
    const rows: Record<string, number | string | Date | number[] | null>[] = await this.db.query(PERFORMANCE, [
      sellerId,
      now,
      policy.windowsDays,
      RESPONSE_BUCKET_HOURS.map((hours) => hours * 60),
    ]);
    const windows: PerformanceWindowView[] = rows.map((row) => ({
      days: row.days as number,
      from: (row.since as Date).toISOString(),
      to: now.toISOString(),
      buyerMessages: row.buyer_messages as number,
      answeredWithin24h: row.answered_within_24h as number,
      responseWithin24hRate: rate(row.answered_within_24h as number, row.buyer_messages as number),
      replyCycles: row.reply_cycles as number,
      onTimeReplies: row.on_time as number,
      onTimeReplyRate: rate(row.on_time as number, row.reply_cycles as number),
      medianResponseBusinessHours: hours(row.median_hours as number | null),
      p90ResponseBusinessHours: hours(row.p90_hours as number | null),
      responseTimeDistribution: (row.distribution as number[]).map((replies, i) => ({
        fromHours: i === 0 ? 0 : RESPONSE_BUCKET_HOURS[i - 1],
        toHours: i < RESPONSE_BUCKET_HOURS.length ? RESPONSE_BUCKET_HOURS[i] : null,
        replies,
      })),
      lateReplies: row.late_replies as number,
      missedReplies: row.missed_replies as number,
      escalations: row.escalations as number,
      flags: row.flags as number,
    }));
    const judged = windows.find((window) => window.days === policy.standingWindowDays)!;
    const defectDays = this.claimPolicies.at(now).defectWindowDays;
    const since = new Date(now.getTime() - defectDays * 86_400_000);
    const [counts]: { orders: number; claims: number; defective_orders: number }[] = await this.db.query(CLAIM_RATE, [
      sellerId,
      since,
    ]);
    const claims: ClaimRateView = {
      days: defectDays,
      from: since.toISOString(),
      to: now.toISOString(),
      orders: counts.orders,
      claims: counts.claims,
      claimRate: rate(counts.claims, counts.orders),
      defectiveOrders: counts.defective_orders,
      orderDefectRate: rate(counts.defective_orders, counts.orders),
    };
    const thresholds = {
      responseWithin24hRate: policy.responseWithin24hRate,
      onTimeReplyRate: policy.onTimeReplyRate,
      orderDefectRate: policy.orderDefectRate,
    };
    const judgedDays = policy.standingWindowDays;
    const flaggedBy: StandingReasonView[] = [
      ...(judged.onTimeReplyRate !== null && judged.onTimeReplyRate < thresholds.onTimeReplyRate
        ? [
            {
              metric: 'onTimeReplyRate' as const,
              value: judged.onTimeReplyRate,
              threshold: thresholds.onTimeReplyRate,
              days: judgedDays,
            },
          ]
        : []),
      ...(['claimRate', 'orderDefectRate'] as const).flatMap((metric) => {
        const share = claims[metric];
        return share !== null && share >= thresholds.orderDefectRate
          ? [{ metric, value: share, threshold: thresholds.orderDefectRate, days: defectDays }]
          : [];
      }),
    ];
    const atRiskBy: StandingReasonView[] =
      judged.responseWithin24hRate !== null && judged.responseWithin24hRate < thresholds.responseWithin24hRate
        ? [
            {
              metric: 'responseWithin24hRate',
              value: judged.responseWithin24hRate,
              threshold: thresholds.responseWithin24hRate,
              days: judgedDays,
            },
          ]
        : [];
    const standing: Standing = flaggedBy.length > 0 ? 'flagged' : atRiskBy.length > 0 ? 'at_risk' : 'good';
    const standingReasons = standing === 'flagged' ? flaggedBy : atRiskBy;
    return { sellerId, standing, standingWindowDays: judgedDays, standingReasons, thresholds, windows, claims };
  }
}
