/** Where the response-time distribution's bars start, in business hours (the last bar is everything from 48 h on). */
export const RESPONSE_BUCKET_HOURS = [1, 4, 8, 24, 48] as const;

/**
 * "Seller performance" (docs/domain.md), in SQL over the stored facts (messages,
 * reply cycles with their business-time response, escalations, flags), for
 * 7, 30 and 90 days in one statement ($4: the distribution's bucket starts, in minutes). A buyer message counts in the window it
 * was sent in, a cycle (and the flag and escalations raised on it) in the window it opened in, whenever the answer came, so
 * the figures of one window agree: every decided cycle is exactly one of on time, answered late or missed
 * (past its deadline with no answer: still open, or closed by a resolution, support or a claim), and a flag
 * is raised on a cycle the sweep found past its deadline unanswered (answered late or missed since).
 */
export const PERFORMANCE = `
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
         ((y.closed_at IS NULL AND y.due_at <= $2) OR (y.outcome IN ('resolved', 'handled_by_support', 'claim_filed', 'no_response_needed') AND y.closed_at >= y.due_at)) AS missed
    FROM reply_cycles y JOIN seller_cases c ON c.id = y.case_id
   -- "No response needed" takes a cycle out of the metrics, unless the seller had already been flagged for it: a flag stands.
   WHERE y.outcome IS DISTINCT FROM 'no_response_needed'
      OR EXISTS (SELECT 1 FROM seller_flags f WHERE f.cycle_id = y.id)
),
flagged_cycles AS (
  SELECT y.opened_at FROM seller_flags f JOIN reply_cycles y ON y.id = f.cycle_id
   WHERE f.seller_id = $1
)
SELECT w.days, w.since,
       (SELECT count(*) FROM buyer_messages b WHERE b.created_at >= w.since)::int AS buyer_messages,
       (SELECT count(*) FROM buyer_messages b WHERE b.created_at >= w.since AND b.within_24h)::int AS answered_within_24h,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND (y.on_time OR y.late_reply OR y.missed))::int AS reply_cycles,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND y.on_time)::int AS on_time,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND y.late_reply)::int AS late_replies,
       (SELECT count(*) FROM cycles y WHERE y.opened_at >= w.since AND y.missed)::int AS missed_replies,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y.response_business_minutes) / 60 FROM cycles y WHERE y.opened_at >= w.since AND y.response_business_minutes IS NOT NULL) AS median_hours,
       (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY y.response_business_minutes) / 60 FROM cycles y WHERE y.opened_at >= w.since AND y.response_business_minutes IS NOT NULL) AS p90_hours,
       (SELECT array_agg(COALESCE(h.n, 0) ORDER BY b.i) FROM generate_series(0, ${RESPONSE_BUCKET_HOURS.length}) b(i)
          LEFT JOIN (SELECT width_bucket(y.response_business_minutes, $4::int[]) AS i, count(*)::int AS n FROM cycles y
                      WHERE y.opened_at >= w.since AND y.response_business_minutes IS NOT NULL GROUP BY 1) h ON h.i = b.i) AS distribution,
       (SELECT count(*) FROM escalations e JOIN seller_cases c ON c.id = e.case_id LEFT JOIN reply_cycles y ON y.id = e.cycle_id
         WHERE e.reason IN ('missed_reply_window', 'buyer_request') AND COALESCE(y.opened_at, e.created_at) >= w.since)::int AS escalations,
       (SELECT count(*) FROM flagged_cycles f WHERE f.opened_at >= w.since)::int AS flags
  FROM windows w ORDER BY w.days`;

/**
 * Claims in seller performance (docs/claims.md): over the defect window, the
 * orders placed, the claims filed that count against the seller (all but
 * denied and withdrawn, after appeals; open ones count), and the orders with
 * at least one such claim. $1 seller, $2 window start.
 */
export const CLAIM_RATE = `
SELECT (SELECT count(*) FROM orders WHERE seller_id = $1 AND placed_at >= $2)::int AS orders,
       (SELECT count(*) FROM claims WHERE seller_id = $1 AND created_at >= $2 AND outcome IS DISTINCT FROM 'denied' AND outcome IS DISTINCT FROM 'withdrawn')::int AS claims,
       (SELECT count(DISTINCT c.order_id) FROM claims c JOIN orders o ON o.id = c.order_id
         WHERE c.seller_id = $1 AND o.placed_at >= $2 AND c.outcome IS DISTINCT FROM 'denied' AND c.outcome IS DISTINCT FROM 'withdrawn')::int AS defective_orders`;
