/** The statements of phishing reports (InboxReportsService). */

/** A report with the item it was made from, if the item is still there. */
const REPORT = `SELECT r.*, i.subject, i.body, i.kind FROM inbox_reports r LEFT JOIN inbox_items i ON i.id = r.item_id`;

export const REPORT_BY_ID = `${REPORT} WHERE r.id = $1`;

export const REPORT_LOCKED = `${REPORT} WHERE r.id = $1 FOR UPDATE OF r`;

/** Reports with a status ($1), newest first, for support. */
export const REPORTS_WITH_STATUS = `${REPORT} WHERE r.status = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT 500`;

/** An item of the reporter's ($1 item, $2 reporter) still in view, locked: what a report is made from. */
export const REPORTABLE_ITEM = `SELECT id, kind, sender_id, message_id, case_id, claim_id FROM inbox_items WHERE id = $1 AND user_id = $2 AND hidden_at IS NULL FOR UPDATE`;

/** A new open report: $1 id, $2 item, $3 reporter, $4 sender, $5 message, $6 its kind (case or claim), $7 case, $8 claim, $9 reason, $10 when. */
export const INSERT_REPORT = `INSERT INTO inbox_reports (id, item_id, reporter_id, sender_id, message_id, message_kind, case_id, claim_id, reason, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10)`;

export const LINK_REPORT_ESCALATION = `UPDATE inbox_reports SET escalation_id = $2 WHERE id = $1`;

/** Support's verdict: $1 report, $2 confirmed or dismissed, $3 agent, $4 when. */
export const DECIDE_REPORT = `UPDATE inbox_reports SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1`;

/** Which conversation a message ($1) is in, from the message tables: 'case', 'claim' or null. */
export const MESSAGE_KIND = `SELECT CASE WHEN EXISTS (SELECT 1 FROM messages WHERE id = $1) THEN 'case'
  WHEN EXISTS (SELECT 1 FROM claim_messages WHERE id = $1) THEN 'claim' END AS kind`;
