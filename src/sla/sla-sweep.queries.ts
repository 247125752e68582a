import { transitionSql } from '../cases/case-status.js';
import { advanceSlaLevelsSql } from '../cases/case.queries.js';
import { inboxNotifySql } from '../inbox/inbox.queries.js';
import type { Party } from '../notifications/categories.js';
import { noticesInsertFrom } from '../notifications/outbox.queries.js';
import { slaNoticeKeySql } from '../notifications/outbox.service.js';
import type { I18n } from '../i18n/i18n.service.js';
import { noticeTexts } from '../notifications/templates.js';
import { escalationsInsertFrom } from '../escalations/escalations.queries.js';
import { sqlIso, timelineInsertFrom } from '../timeline/timeline.js';
import { webhookEventsInsertFrom } from '../webhooks/webhooks.js';

const escalateFrom = (status: string) => transitionSql('escalate', status);
const LEVEL_NUMBER = (level: string) => `CASE ${level} WHEN 'at_risk' THEN 1 WHEN 'late' THEN 2 ELSE 3 END`;

/**
 * One batch of the SLA sweep as a single statement. It claims due cases with
 * FOR UPDATE SKIP LOCKED (so instances sweeping at once never take the same
 * case), works out every level each one has passed and not yet had (a case
 * several levels behind gets each, in order), and writes the level marks
 * (unique per cycle and level: exactly once, whoever acts first), seller
 * flags, escalations, timeline events, outbox rows, Message Center items and webhook events, and advances the case,
 * all in one transaction. Rows of other features' tables are written with
 * their owners' SQL; the status change comes from the case state machine.
 *
 * $1 now, $2 batch size, $3 due date of new escalations, $4 only this case
 * (or null), $5 cases to leave out (failed earlier in this sweep), $6 the
 * Message Center title and text of each notice kind and party
 * (`slaNoticeTexts`).
 */
export const SWEEP_BATCH = `
WITH claimed AS (
  SELECT id, cycle_id, sla_level, warn_at, due_at, escalate_at, buyer_id, seller_id, status
    FROM cases
   WHERE next_action_at <= $1
     AND ($4::uuid IS NULL OR id = $4::uuid)
     AND id <> ALL ($5::uuid[])
   ORDER BY next_action_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED
),
levels AS (
  SELECT c.id AS case_id, c.cycle_id, c.buyer_id, c.seller_id, c.status, l.n, l.level, l.at
    FROM claimed c
   CROSS JOIN LATERAL (VALUES (1, 'at_risk', c.warn_at), (2, 'late', c.due_at), (3, 'escalated', c.escalate_at)) AS l (n, level, at)
   WHERE l.n > c.sla_level AND l.at <= $1
),
marked AS (
  INSERT INTO sla_actions (case_id, cycle_id, level, threshold_at, acted_at)
  SELECT case_id, cycle_id, level, at, $1 FROM levels ORDER BY case_id, n
  ON CONFLICT (cycle_id, level) DO NOTHING
  RETURNING case_id, cycle_id, level, threshold_at
),
acted AS (
  SELECT m.case_id, m.cycle_id, c.buyer_id, c.seller_id, c.status, ${LEVEL_NUMBER('m.level')} AS n, m.level, m.threshold_at AS at,
         CASE WHEN m.level = 'escalated' AND ${escalateFrom('c.status').allowed} THEN gen_random_uuid() END AS escalation_id
    FROM marked m JOIN cases c ON c.id = m.case_id
   -- In level order, whatever the join: the notices are written in this order, and a case's go out in it.
   ORDER BY m.case_id, n
),
flagged AS (
  INSERT INTO seller_flags (seller_id, case_id, cycle_id, reason, created_at)
  SELECT seller_id, case_id, cycle_id, 'late_reply', $1 FROM acted WHERE level = 'late'
  ON CONFLICT (cycle_id) DO NOTHING
  RETURNING seller_id, case_id, cycle_id
),
escalated AS (
  ${escalationsInsertFrom(`SELECT a.escalation_id, a.case_id, a.cycle_id, 'missed_reply_window', 'normal', $3::timestamptz, $1::timestamptz FROM acted a WHERE a.escalation_id IS NOT NULL`, { ids: true })}
  RETURNING id, case_id
),
events AS (
  ${timelineInsertFrom(`
    SELECT a.case_id, 'sla_' || a.level, NULL::uuid, 'system', false, $1::timestamptz,
           jsonb_build_object('cycleId', a.cycle_id, 'level', a.level, 'thresholdAt', ${sqlIso('a.at')})
             || CASE WHEN a.escalation_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('escalationId', a.escalation_id, 'from', a.status, 'to', ${escalateFrom('a.status').next}) END
      FROM acted a
     ORDER BY a.case_id, a.n`)}
  RETURNING 1
),
${noticesInsertFrom(`
    SELECT r.kind, r.party, r.recipient, a.case_id, ${slaNoticeKeySql('a.cycle_id', 'a.level', 'r.party')},
           jsonb_build_object('caseId', a.case_id, 'level', a.level, 'thresholdAt', ${sqlIso('a.at')}, 'role', r.party), $1::timestamptz,
           'marketplace', NULL::uuid, $6::jsonb -> (r.kind || ':' || r.party) -> 'titles', $6::jsonb -> (r.kind || ':' || r.party) -> 'texts'
      FROM acted a
     CROSS JOIN LATERAL (VALUES
       ('at_risk', 'reply_window_at_risk', 'seller', a.seller_id),
       ('late', 'reply_window_late', 'seller', a.seller_id),
       ('late', 'reply_window_late', 'buyer', a.buyer_id),
       ('escalated', 'case_escalated', 'seller', a.seller_id),
       ('escalated', 'case_escalated', 'buyer', a.buyer_id)) AS r (level, kind, party, recipient)
     WHERE r.level = a.level`)},
hooks AS (
  ${webhookEventsInsertFrom(`
    SELECT 'case.escalated', jsonb_build_object('caseId', e.case_id, 'escalationId', e.id, 'reason', 'missed_reply_window'), $1::timestamptz FROM escalated e
    UNION ALL
    SELECT 'seller.flagged', jsonb_build_object('sellerId', f.seller_id, 'caseId', f.case_id, 'cycleId', f.cycle_id, 'reason', 'late_reply'), $1::timestamptz FROM flagged f`)}
  RETURNING 1
),
advanced AS (
  ${advanceSlaLevelsSql(
    `SELECT c.id, GREATEST(c.sla_level, CASE WHEN c.escalate_at <= $1 THEN 3 WHEN c.due_at <= $1 THEN 2 WHEN c.warn_at <= $1 THEN 1 ELSE 0 END),
            (c.id IN (SELECT case_id FROM acted WHERE level = 'escalated')) IS TRUE
       FROM claimed c`,
    '$1',
  )}
  RETURNING 1
)
SELECT (SELECT count(*) FROM claimed)::int AS claimed,
       (SELECT count(*) FROM acted WHERE level = 'at_risk')::int AS at_risk,
       (SELECT count(*) FROM acted WHERE level = 'late')::int AS late,
       (SELECT count(*) FROM acted WHERE level = 'escalated')::int AS escalated,
       (SELECT count(*) FROM flagged)::int AS flagged,
       (SELECT count(*) FROM events)::int AS events,
       (SELECT count(*) FROM notified)::int AS notified,
       ${inboxNotifySql()} AS notified_users,
       (SELECT count(*) FROM hooks)::int AS hooks,
       (SELECT count(*) FROM advanced)::int AS advanced`;

/**
 * A row if any case is due ($1 now), from the first entry of the index on
 * next_action_at. The ORDER BY keeps it on the index: without it, statistics
 * from before a sweep (a tenth of the cases due) make a sequential scan that
 * stops at the first due row look cheaper, and with nothing due it read all
 * 1,000,000 cases (200 ms).
 */
export const ANY_DUE = `SELECT 1 FROM cases WHERE next_action_at <= $1 ORDER BY next_action_at LIMIT 1`;

/** Candidates for taking a failed batch one case at a time. */
export const SWEEP_CANDIDATES = `SELECT id FROM cases WHERE next_action_at <= $1 AND id <> ALL ($3::uuid[]) ORDER BY next_action_at LIMIT $2`;

/** The Message Center titles and texts of each notice the sweep sends in every language, by `kind:party`, from the same templates as the emails ($6 of SWEEP_BATCH). */
export function slaNoticeTexts(now: Date, i18n: I18n): string {
  const kinds: [string, Party][] = [
    ['reply_window_at_risk', 'seller'],
    ['reply_window_late', 'seller'],
    ['reply_window_late', 'buyer'],
    ['case_escalated', 'seller'],
    ['case_escalated', 'buyer'],
  ];
  return JSON.stringify(
    Object.fromEntries(
      kinds.map(([kind, party]) => [`${kind}:${party}`, noticeTexts(kind, { role: party }, now, true, i18n)]),
    ),
  );
}

/** A case the SLA sweep could not process ($1 the case, $2 why, $3 when), for operators. */
export const RECORD_SWEEP_FAILURE = `INSERT INTO sla_sweep_failures (case_id, error, at) VALUES ($1, $2, $3)`;
