/** Level $3 of cycle $2 (case $1, threshold $4) acted on at $5, unless it already was (once per cycle and level): a row only when marked now. */
export const MARK_LEVEL = `INSERT INTO sla_actions (case_id, cycle_id, level, threshold_at, acted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cycle_id, level) DO NOTHING RETURNING 1`;

/** The open reply cycles on calendar $1 at a version before $2, with what recomputing their deadlines needs. */
export const CYCLES_TO_REBASE = `
SELECT id, case_id, opened_at, warn_at, due_at, escalate_at, calendar_version, policy_version
  FROM reply_cycles WHERE calendar_id = $1 AND closed_at IS NULL AND calendar_version < $2`;
