/** Attachments from `rows` (a VALUES list) of: id, message_id, claim_message_id, name, content_type, size, storage_key, uploaded_by, created_at, position. */
export function attachmentsInsertSql(rows: string): string {
  return `INSERT INTO attachments (id, message_id, claim_message_id, name, content_type, size, storage_key, uploaded_by, created_at, position)
       ${rows}`;
}

/** The attachments of the messages $1 (case messages, or claim messages with `claim`), in the order they were attached. */
export function attachmentsOfSql(claim: boolean): string {
  return `SELECT * FROM attachments WHERE ${claim ? 'claim_message_id' : 'message_id'} = ANY ($1::uuid[]) ORDER BY created_at, position`;
}

/** Attachment $1 with what deciding who may download it needs: its message's case or claim, author, and whether it is internal or quarantined. */
export const DOWNLOADABLE = `
SELECT a.*, COALESCE(m.case_id, NULL) AS case_id, cm.claim_id, COALESCE(m.author_id, cm.author_id) AS author_id,
       COALESCE(m.internal, cm.internal) AS internal, COALESCE(m.quarantined, cm.quarantined) AS quarantined
  FROM attachments a LEFT JOIN messages m ON m.id = a.message_id LEFT JOIN claim_messages cm ON cm.id = a.claim_message_id
 WHERE a.id = $1`;

/** Which of the stored files $1 an attachment owns. */
export const OWNED_KEYS = `SELECT storage_key FROM attachments WHERE storage_key = ANY ($1::text[])`;
