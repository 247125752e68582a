import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { PerformanceView, PerformanceWindowView, Standing } from './sellers.dto.js';

const WINDOWS = [7, 30, 90];
const THRESHOLDS = { responseWithin24hRate: 0.9, onTimeReplyRate: 0.95 };

/**
 * DOMAIN.md "Seller performance", in SQL over the stored facts (messages,
 * reply cycles with their business-time response, escalations, flags), for
 * 7, 30 and 90 days in one statement. A buyer message counts in the window it
 * was sent in, a cycle in the window it opened in, whenever the answer came.
 */
const PERFORMANCE = `
WITH windows AS (SELECT d AS days, $2::timestamptz - make_interval(days => d) AS since FROM unnest($3::int[]) d),
seller_cases AS (SELECT id FROM cases WHERE seller_id = $1),
buyer_messages AS (
  SELECT m.created_at,
         EXISTS (SELECT 1 FROM messages r WHERE r.case_id = m.case_id AND r.author_role = 'seller' AND NOT r.internal AND NOT r.quarantined
                    AND r.created_at > m.created_at AND r.created_at <= m.created_at + interval '24 hours') AS within_24h
    FROM messages m JOIN seller_cases c ON c.id = m.case_id
   WHERE m.author_role = 'buyer' AND NOT m.internal AND NOT m.quarantined
     AND m.created_at <= $2::timestamptz - interval '24 hours'
     AND NOT EXISTS (SELECT 1 FROM reply_cycles y WHERE y.case_id = m.case_id AND y.outcome = 'no_response_needed'
                        AND y.opened_at <= m.created_at AND m.created_at <= y.closed_at)
),
cycles AS (
  SELECT y.opened_at, y.response_business_minutes,
         (y.outcome = 'answered' AND y.closed_at < y.due_at) AS on_time,
         (y.outcome = 'answered' AND y.closed_at >= y.due_at) AS late_reply,
         ((y.closed_at IS NULL AND y.due_at <= $2) OR (y.outcome IN ('answered', 'resolved', 'handled_by_support') AND y.closed_at >= y.due_at)) AS late
    FROM reply_cycles y JOIN seller_cases c ON c.id = y.case_id
   WHERE y.outcome IS DISTINCT FROM 'no_response_needed'
)
SELECT w.days, w.since,
       (SELECT count(*) FROM buyer_messages b WHERE b.created_at >= w.since)::int AS buyer_messages,
       (SELECT count(*) FROM buyer_messages b WHERE b.created_at >= w.since AND b.within_24h)::int AS answered_within_24h,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND (y.on_time OR y.late))::int AS reply_cycles,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND y.on_time)::int AS on_time,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND y.late_reply)::int AS late_replies,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y.response_business_minutes) / 60 FROM cycles y WHERE y.opened_at >= w.since AND y.response_business_minutes IS NOT NULL) AS median_hours,
       (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY y.response_business_minutes) / 60 FROM cycles y WHERE y.opened_at >= w.since AND y.response_business_minutes IS NOT NULL) AS p90_hours,
       (SELECT count(*) FROM escalations e JOIN seller_cases c ON c.id = e.case_id WHERE e.reason IN ('missed_reply_window', 'buyer_request') AND e.created_at >= w.since)::int AS escalations,
       (SELECT count(*) FROM seller_flags f WHERE f.seller_id = $1 AND f.created_at >= w.since)::int AS flags
  FROM windows w ORDER BY w.days`;

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const hours = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 100) / 100);

@Injectable()
export class SellersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** For the seller itself, agents and admins; anyone else gets 404. */
  async performance(caller: Caller, sellerId: string): Promise<PerformanceView> {
    const mayRead = caller.role === 'agent' || caller.role === 'admin' || caller.id === sellerId;
    const [seller] = mayRead && isUuid(sellerId) ? await this.db.query(`SELECT id FROM users WHERE id = $1 AND role = 'seller'`, [sellerId]) : [];
    if (!seller) throw DomainError.notFound('Seller');
    const now = await this.clock.now();
    const rows = await this.db.query(PERFORMANCE, [sellerId, now, WINDOWS]);
    const windows: PerformanceWindowView[] = rows.map((row: Record<string, number | string | Date | null>) => ({
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
      lateReplies: row.late_replies as number,
      escalations: row.escalations as number,
      flags: row.flags as number,
    }));
    const month = windows.find((window) => window.days === 30)!;
    let standing: Standing = 'good';
    if (month.onTimeReplyRate !== null && month.onTimeReplyRate < THRESHOLDS.onTimeReplyRate) standing = 'flagged';
    else if (month.responseWithin24hRate !== null && month.responseWithin24hRate < THRESHOLDS.responseWithin24hRate) standing = 'at_risk';
    return { sellerId, standing, thresholds: THRESHOLDS, windows };
  }
}
