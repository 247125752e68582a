import type { KindTables } from './conversation.js';

/** A message of one kind, locked, with its conversation and author: $1 the message. */
export function lockMessageSql(tables: KindTables): string {
  return `SELECT ${tables.parent} AS conversation_id, author_id FROM ${tables.messages} WHERE id = $1 FOR UPDATE`;
}

/**
 * A reported message quarantined and counted against its author, in one
 * statement: $1 the message, $2 its author, $3 the case (case messages),
 * $4 the violation's kinds, $5 the instant.
 */
export function quarantineReportedSql(tables: KindTables): string {
  return `WITH quarantined AS (UPDATE ${tables.messages} SET quarantined = true WHERE id = $1::uuid)
INSERT INTO content_violations (user_id, case_id, ${tables.messageColumn}, kinds, created_at) VALUES ($2::uuid, $3::uuid, $1::uuid, $4::text[], $5::timestamptz)`;
}
