import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Buyer-protection claims (docs/claims.md): the claim with its deadlines and
 * policy version, its messages and timeline, the deadline marks that make the
 * claims sweep act once per deadline, claim escalations, and the webhook
 * outbox (events, endpoints, deliveries) that tells the marketplace what to do.
 */
export class Claims1765065600000 implements MigrationInterface {
  name = 'Claims1765065600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE claims (
        id                     uuid PRIMARY KEY,
        order_id               uuid NOT NULL REFERENCES orders (id),
        order_external_id      text NOT NULL,
        case_id                uuid NOT NULL REFERENCES cases (id),
        buyer_id               uuid NOT NULL REFERENCES users (id),
        seller_id              uuid NOT NULL REFERENCES users (id),
        filed_by               uuid NOT NULL REFERENCES users (id),
        reason                 text NOT NULL CHECK (reason IN ('item_not_received', 'damaged_or_defective', 'not_as_described', 'return_not_refunded')),
        status                 text NOT NULL CHECK (status IN ('filed', 'awaiting_seller', 'under_review', 'info_requested', 'granted', 'denied', 'withdrawn',
                                                               'refunded_by_seller', 'appealed', 'appeal_upheld', 'appeal_reversed', 'closed')),
        outcome                text CHECK (outcome IN ('granted', 'denied', 'withdrawn', 'refunded_by_seller')),
        amount                 bigint NOT NULL CHECK (amount > 0),
        currency               char(3) NOT NULL,
        flags                  text[] NOT NULL DEFAULT '{}',
        policy_version         integer NOT NULL,
        seller_response_due_at timestamptz,
        info_due_at            timestamptz,
        info_from              text CHECK (info_from IN ('buyer', 'seller')),
        appeal_until           timestamptz,
        next_deadline_at       timestamptz,
        decision_outcome       text CHECK (decision_outcome IN ('granted', 'denied')),
        decision_funding       text CHECK (decision_funding IN ('seller', 'marketplace')),
        decision_refund        bigint CHECK (decision_refund >= 0),
        decided_by             uuid REFERENCES users (id),
        decided_at             timestamptz,
        decision_note          text,
        appeal_by              uuid REFERENCES users (id),
        appeal_at              timestamptz,
        appeal_outcome         text CHECK (appeal_outcome IN ('upheld', 'reversed')),
        appeal_decided_by      uuid REFERENCES users (id),
        appeal_decided_at      timestamptz,
        appeal_note            text,
        appeal_funding         text CHECK (appeal_funding IN ('seller', 'marketplace')),
        appeal_refund          bigint CHECK (appeal_refund >= 0),
        seller_refund          bigint CHECK (seller_refund > 0),
        closed_at              timestamptz,
        created_at             timestamptz NOT NULL,
        updated_at             timestamptz NOT NULL
      )`);
    // One open claim per order: the database holds the rule even against two filings at once.
    await db.query(`
      CREATE UNIQUE INDEX claims_one_open_per_order ON claims (order_id)
       WHERE status IN ('filed', 'awaiting_seller', 'under_review', 'info_requested', 'granted', 'denied', 'appealed')`);
    await db.query(`CREATE INDEX claims_due_idx ON claims (next_deadline_at) WHERE next_deadline_at IS NOT NULL`);
    await db.query(`CREATE INDEX claims_buyer_idx ON claims (buyer_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX claims_seller_idx ON claims (seller_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX claims_created_idx ON claims (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX claims_order_idx ON claims (order_id)`);
    // Orders in a seller's defect window.
    await db.query(`CREATE INDEX orders_seller_placed_idx ON orders (seller_id, placed_at)`);
    await db.query(`
      CREATE TABLE claim_messages (
        id           uuid PRIMARY KEY,
        claim_id     uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
        author_id    uuid NOT NULL REFERENCES users (id),
        author_role  text NOT NULL,
        internal     boolean NOT NULL,
        body         text NOT NULL,
        visible_body text NOT NULL,
        masked       text[] NOT NULL DEFAULT '{}',
        quarantined  boolean NOT NULL DEFAULT false,
        created_at   timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX claim_messages_claim_idx ON claim_messages (claim_id, created_at, id)`);
    await db.query(`
      CREATE TABLE claim_events (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        claim_id   uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
        type       text NOT NULL,
        actor_id   uuid,
        actor_role text NOT NULL,
        internal   boolean NOT NULL DEFAULT false,
        at         timestamptz NOT NULL,
        data       jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, id)`);
    await db.query(`
      CREATE FUNCTION claim_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'claim_events is append-only';
      END $$`);
    await db.query(
      `CREATE TRIGGER claim_events_append_only BEFORE UPDATE OR DELETE ON claim_events FOR EACH ROW EXECUTE FUNCTION claim_events_append_only()`,
    );
    // A passed deadline is acted on once: whoever marks it first (one sweep instance, or a person acting at the same moment) does it.
    await db.query(`
      CREATE TABLE claim_deadline_actions (
        claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
        deadline text NOT NULL CHECK (deadline IN ('seller_response', 'info_request', 'appeal_window')),
        due_at   timestamptz NOT NULL,
        acted_at timestamptz NOT NULL,
        PRIMARY KEY (claim_id, deadline, due_at)
      )`);
    await db.query(`
      CREATE TABLE claim_idempotency_keys (
        user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key          text NOT NULL,
        request_hash text NOT NULL,
        claim_id     uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        created_at   timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);
    await db.query(`ALTER TABLE cases ADD COLUMN claim_id uuid REFERENCES claims (id) DEFERRABLE INITIALLY DEFERRED`);
    await db.query(`ALTER TABLE escalations ADD COLUMN claim_id uuid REFERENCES claims (id) ON DELETE CASCADE`);
    await db.query(
      `CREATE INDEX escalations_claim_open_idx ON escalations (claim_id) WHERE status <> 'resolved' AND claim_id IS NOT NULL`,
    );
    await db.query(`ALTER TABLE reply_cycles DROP CONSTRAINT reply_cycles_outcome_check`);
    await db.query(
      `ALTER TABLE reply_cycles ADD CONSTRAINT reply_cycles_outcome_check CHECK (outcome IN ('answered', 'no_response_needed', 'resolved', 'handled_by_support', 'claim_filed'))`,
    );
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id         uuid PRIMARY KEY,
        url        text NOT NULL,
        events     text[] NOT NULL,
        secret     text NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL,
        deleted_at timestamptz
      )`);
    // Written in the transaction of the change; fanned out to the endpoints subscribed at that moment.
    await db.query(`
      CREATE TABLE webhook_events (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type          text NOT NULL,
        data          jsonb NOT NULL,
        created_at    timestamptz NOT NULL,
        fanned_out_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX webhook_events_fan_out_idx ON webhook_events (created_at) WHERE fanned_out_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id         uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
        endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL,
        lease_until      timestamptz,
        last_status_code integer,
        last_error       text,
        delivered_at     timestamptz,
        created_at       timestamptz NOT NULL,
        UNIQUE (event_id, endpoint_id)
      )`);
    await db.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await db.query(
      `CREATE INDEX webhook_deliveries_lease_idx ON webhook_deliveries (lease_until) WHERE status = 'sending'`,
    );
    await db.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_events`);
    await db.query(`DROP TABLE webhook_endpoints`);
    await db.query(`UPDATE reply_cycles SET outcome = 'handled_by_support' WHERE outcome = 'claim_filed'`);
    await db.query(`ALTER TABLE reply_cycles DROP CONSTRAINT reply_cycles_outcome_check`);
    await db.query(
      `ALTER TABLE reply_cycles ADD CONSTRAINT reply_cycles_outcome_check CHECK (outcome IN ('answered', 'no_response_needed', 'resolved', 'handled_by_support'))`,
    );
    await db.query(`ALTER TABLE escalations DROP COLUMN claim_id`);
    await db.query(`ALTER TABLE cases DROP COLUMN claim_id`);
    await db.query(`DROP TABLE claim_idempotency_keys`);
    await db.query(`DROP TABLE claim_deadline_actions`);
    await db.query(`DROP TABLE claim_events`);
    await db.query(`DROP FUNCTION claim_events_append_only()`);
    await db.query(`DROP TABLE claim_messages`);
    await db.query(`DROP TABLE claims`);
    await db.query(`DROP INDEX orders_seller_placed_idx`);
  }
}
