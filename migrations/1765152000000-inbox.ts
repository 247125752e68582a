import type { MigrationInterface, QueryRunner } from 'typeorm';

const CATEGORIES = `('order_updates', 'seller_messages', 'buyer_messages', 'customer_service', 'promotions', 'notices')`;
const OLD_CATEGORIES = `('order_updates', 'seller_messages', 'customer_service', 'promotions', 'notices')`;

/**
 * The Message Center (docs/inbox.md): one item per recipient and notice, its
 * per-user counters (unread per category, trash, the last item sequence), and
 * phishing reports. Full-text search uses `parley_search`: the `simple`
 * configuration (no stemming, no stop words: it treats every language alike)
 * with accents removed (`unaccent`), so "café" finds "cafe" and the reverse.
 * A seller's conversations with buyers get their own category,
 * `buyer_messages`.
 */
export class Inbox1765152000000 implements MigrationInterface {
  name = 'Inbox1765152000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await db.query(`CREATE TEXT SEARCH CONFIGURATION parley_search (COPY = simple)`);
    await db.query(
      `ALTER TEXT SEARCH CONFIGURATION parley_search ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple`,
    );

    for (const [table, constraint] of [
      ['outbox', 'outbox_category_check'],
      ['email_preferences', 'email_preferences_category_check'],
    ]) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} CHECK (category IN ${CATEGORIES})`);
    }
    // A seller's side of its conversations moves to its own category.
    await db.query(
      `UPDATE outbox o SET category = 'buyer_messages' FROM users u WHERE u.id = o.recipient_id AND u.role = 'seller' AND o.category = 'seller_messages'`,
    );
    await db.query(
      `INSERT INTO email_preferences (user_id, category, email, updated_at) SELECT p.user_id, 'buyer_messages', p.email, p.updated_at FROM email_preferences p WHERE p.category = 'seller_messages' ON CONFLICT DO NOTHING`,
    );

    await db.query(`
      CREATE TABLE inbox_items (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        seq         bigint NOT NULL,
        outbox_id   uuid UNIQUE REFERENCES outbox (id) ON DELETE SET NULL,
        category    text NOT NULL CHECK (category IN ${CATEGORIES}),
        kind        text NOT NULL,
        sender_kind text NOT NULL CHECK (sender_kind IN ('marketplace', 'seller', 'buyer', 'support')),
        sender_id   uuid REFERENCES users (id) ON DELETE SET NULL,
        sender_name text NOT NULL,
        subject     text NOT NULL,
        body        text NOT NULL,
        case_id     uuid REFERENCES cases (id) ON DELETE CASCADE,
        order_id    uuid REFERENCES orders (id) ON DELETE CASCADE,
        claim_id    uuid REFERENCES claims (id) ON DELETE CASCADE,
        message_id  uuid,
        created_at  timestamptz NOT NULL,
        read_at     timestamptz,
        deleted_at  timestamptz,
        hidden_at   timestamptz,
        -- Written with the item (searchVectorSql), not a generated column: PostgreSQL recomputes those on every update, and items are updated often (read, Trash).
        search      tsvector NOT NULL,
        UNIQUE (user_id, seq)
      ) WITH (fillfactor = 80)`);
    // No index mentions read_at or deleted_at, and pages keep free space (fillfactor 80): marking read and Trash change
    // only those columns, so PostgreSQL updates the row in place (HOT) without touching any index: a bulk change of 50,000
    // items costs no index writes. Lists filter those states while they walk a user's items newest first. hidden_at is in
    // the predicate of the partial index inbox_items_hidden_idx (migration 1765497600000-inbox-hidden-items), through
    // which the Trash purge finds hidden items: hiding and showing (rare) are not HOT updates.
    await db.query(`CREATE INDEX inbox_items_list_idx ON inbox_items (user_id, created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX inbox_items_category_idx ON inbox_items (user_id, category, created_at DESC, id DESC)`,
    );
    // Search within one user's items: btree_gin lets the GIN index hold the user id beside the words.
    await db.query(`CREATE INDEX inbox_items_search_idx ON inbox_items USING gin (user_id, search)`);
    await db.query(`CREATE INDEX inbox_items_message_idx ON inbox_items (message_id) WHERE message_id IS NOT NULL`);
    await db.query(`CREATE INDEX inbox_items_case_idx ON inbox_items (user_id, case_id) WHERE case_id IS NOT NULL`);
    await db.query(`CREATE INDEX inbox_items_order_idx ON inbox_items (user_id, order_id) WHERE order_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE inbox_counters (
        user_id                 uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        seq                     bigint NOT NULL DEFAULT 0,
        unread_order_updates    integer NOT NULL DEFAULT 0 CHECK (unread_order_updates >= 0),
        unread_seller_messages  integer NOT NULL DEFAULT 0 CHECK (unread_seller_messages >= 0),
        unread_buyer_messages   integer NOT NULL DEFAULT 0 CHECK (unread_buyer_messages >= 0),
        unread_customer_service integer NOT NULL DEFAULT 0 CHECK (unread_customer_service >= 0),
        unread_promotions       integer NOT NULL DEFAULT 0 CHECK (unread_promotions >= 0),
        unread_notices          integer NOT NULL DEFAULT 0 CHECK (unread_notices >= 0),
        trash                   integer NOT NULL DEFAULT 0 CHECK (trash >= 0)
      )`);
    await db.query(`
      CREATE TABLE inbox_reports (
        id            uuid PRIMARY KEY,
        item_id       uuid REFERENCES inbox_items (id) ON DELETE SET NULL,
        reporter_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        sender_id     uuid REFERENCES users (id) ON DELETE SET NULL,
        message_id    uuid,
        case_id       uuid REFERENCES cases (id) ON DELETE SET NULL,
        claim_id      uuid REFERENCES claims (id) ON DELETE SET NULL,
        escalation_id uuid REFERENCES escalations (id) ON DELETE SET NULL,
        reason        text,
        status        text NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
        decided_by    uuid REFERENCES users (id) ON DELETE SET NULL,
        decided_at    timestamptz,
        created_at    timestamptz NOT NULL,
        UNIQUE (item_id, reporter_id)
      )`);
    // A phishing report may be about a marketplace item that has no case.
    await db.query(`ALTER TABLE escalations ALTER COLUMN case_id DROP NOT NULL`);
    await db.query(
      `ALTER TABLE escalations ADD COLUMN report_id uuid REFERENCES inbox_reports (id) ON DELETE SET NULL`,
    );
    // A confirmed report is a violation of its sender, whether the message was on a case or a claim.
    await db.query(
      `ALTER TABLE content_violations ALTER COLUMN case_id DROP NOT NULL, ALTER COLUMN message_id DROP NOT NULL, ADD COLUMN claim_message_id uuid REFERENCES claim_messages (id) ON DELETE CASCADE`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM content_violations WHERE message_id IS NULL`);
    await db.query(`ALTER TABLE content_violations DROP COLUMN claim_message_id, ALTER COLUMN message_id SET NOT NULL`);
    await db.query(`DELETE FROM content_violations WHERE case_id IS NULL`);
    await db.query(`ALTER TABLE content_violations ALTER COLUMN case_id SET NOT NULL`);
    await db.query(`ALTER TABLE escalations DROP COLUMN report_id`);
    await db.query(`DELETE FROM escalations WHERE case_id IS NULL`);
    await db.query(`ALTER TABLE escalations ALTER COLUMN case_id SET NOT NULL`);
    await db.query(`DROP TABLE inbox_reports`);
    await db.query(`DROP TABLE inbox_counters`);
    await db.query(`DROP TABLE inbox_items`);
    await db.query(`DELETE FROM email_preferences WHERE category = 'buyer_messages'`);
    await db.query(`UPDATE outbox SET category = 'seller_messages' WHERE category = 'buyer_messages'`);
    for (const [table, constraint] of [
      ['outbox', 'outbox_category_check'],
      ['email_preferences', 'email_preferences_category_check'],
    ]) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} CHECK (category IN ${OLD_CATEGORIES})`);
    }
    await db.query(`DROP TEXT SEARCH CONFIGURATION parley_search`);
  }
}
