import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders, cases with their reply cycles, messages, the append-only timeline, idempotency keys, violations and escalations. */
export class Cases1764633600000 implements MigrationInterface {
  name = 'Cases1764633600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id       text NOT NULL UNIQUE,
        buyer_id          uuid NOT NULL REFERENCES users (id),
        seller_id         uuid NOT NULL REFERENCES users (id),
        placed_at         timestamptz NOT NULL,
        max_delivery_date date NOT NULL,
        total_amount      bigint NOT NULL CHECK (total_amount >= 0),
        currency          char(3) NOT NULL,
        items             jsonb NOT NULL DEFAULT '[]',
        created_at        timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX orders_buyer_idx ON orders (buyer_id)`);
    await db.query(`CREATE INDEX orders_seller_idx ON orders (seller_id)`);
    await db.query(`
      CREATE TABLE order_events (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id   uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        type       text NOT NULL CHECK (type IN ('shipped', 'delivered', 'return_received', 'refunded')),
        at         timestamptz NOT NULL,
        note       text,
        created_at timestamptz NOT NULL,
        UNIQUE (order_id, type, at)
      )`);

    await db.query(`
      CREATE TABLE cases (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        buyer_id         uuid NOT NULL REFERENCES users (id),
        seller_id        uuid NOT NULL REFERENCES users (id),
        order_id         uuid REFERENCES orders (id),
        listing_ref      text,
        topic            text NOT NULL CHECK (topic IN ('question', 'item_not_received', 'damaged_or_defective', 'not_as_described', 'return_request', 'refund_not_received', 'other')),
        subject          text NOT NULL,
        status           text NOT NULL CHECK (status IN ('awaiting_seller', 'awaiting_buyer', 'escalated', 'resolved', 'closed')),
        cycle_id         uuid,
        clock_started_at timestamptz,
        warn_at          timestamptz,
        due_at           timestamptz,
        escalate_at      timestamptz,
        resolved_at      timestamptz,
        closed_at        timestamptz,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL,
        CHECK (order_id IS NOT NULL OR listing_ref IS NOT NULL),
        CHECK ((cycle_id IS NULL) = (due_at IS NULL))
      )`);
    // A seller's open cases, nearest deadline first (no open cycle: last), keyset-paginated.
    await db.query(
      `CREATE INDEX cases_seller_deadline_idx ON cases (seller_id, (COALESCE(due_at, 'infinity'::timestamptz)), id)`,
    );
    await db.query(`CREATE INDEX cases_buyer_created_idx ON cases (buyer_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX cases_created_idx ON cases (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX cases_resolved_idx ON cases (resolved_at) WHERE status = 'resolved'`);

    await db.query(`
      CREATE TABLE reply_cycles (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id           uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        seq               integer NOT NULL,
        opened_at         timestamptz NOT NULL,
        opened_by         uuid,
        clock_started_at  timestamptz NOT NULL,
        warn_at           timestamptz NOT NULL,
        due_at            timestamptz NOT NULL,
        escalate_at       timestamptz NOT NULL,
        calendar_id       uuid NOT NULL REFERENCES calendars (id),
        calendar_version  integer NOT NULL,
        policy_version    integer NOT NULL,
        closed_at         timestamptz,
        outcome           text CHECK (outcome IN ('answered', 'no_response_needed', 'resolved')),
        answered_by       uuid,
        UNIQUE (case_id, seq),
        CHECK ((closed_at IS NULL) = (outcome IS NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX reply_cycles_one_open ON reply_cycles (case_id) WHERE closed_at IS NULL`);
    await db.query(
      `ALTER TABLE cases ADD CONSTRAINT cases_cycle_fk FOREIGN KEY (cycle_id) REFERENCES reply_cycles (id) DEFERRABLE INITIALLY DEFERRED`,
    );

    await db.query(`
      CREATE TABLE messages (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        case_id      uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        author_id    uuid NOT NULL REFERENCES users (id),
        author_role  user_role NOT NULL,
        internal     boolean NOT NULL DEFAULT false,
        body         text NOT NULL,
        visible_body text NOT NULL,
        masked       text[] NOT NULL DEFAULT '{}',
        quarantined  boolean NOT NULL DEFAULT false,
        created_at   timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX messages_case_idx ON messages (case_id, seq)`);

    await db.query(`
      CREATE TABLE case_events (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id    uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        type       text NOT NULL,
        actor_id   uuid,
        actor_role text NOT NULL,
        internal   boolean NOT NULL DEFAULT false,
        at         timestamptz NOT NULL,
        data       jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX case_events_case_idx ON case_events (case_id, id)`);
    await db.query(`
      CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is append-only';
      END $$`);
    await db.query(
      `CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`,
    );

    await db.query(`
      CREATE TABLE idempotency_keys (
        user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key          text NOT NULL,
        request_hash text NOT NULL,
        case_id      uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        created_at   timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);

    await db.query(`
      CREATE TABLE content_violations (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id    uuid NOT NULL REFERENCES users (id),
        case_id    uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        kinds      text[] NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX content_violations_user_idx ON content_violations (user_id, created_at)`);

    await db.query(`
      CREATE TABLE escalations (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
        reason      text NOT NULL CHECK (reason IN ('missed_reply_window', 'buyer_request', 'claim', 'quarantined_message', 'phishing_report')),
        priority    text NOT NULL CHECK (priority IN ('normal', 'high', 'urgent')),
        status      text NOT NULL CHECK (status IN ('open', 'assigned', 'resolved')),
        assignee_id uuid REFERENCES users (id),
        due_at      timestamptz NOT NULL,
        outcome     text,
        note        text,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        resolved_at timestamptz
      )`);
    await db.query(`CREATE INDEX escalations_queue_idx ON escalations (status, due_at, id)`);
    await db.query(`CREATE INDEX escalations_case_idx ON escalations (case_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE escalations`);
    await db.query(`DROP TABLE content_violations`);
    await db.query(`DROP TABLE idempotency_keys`);
    await db.query(`DROP TABLE case_events`);
    await db.query(`DROP FUNCTION case_events_append_only()`);
    await db.query(`DROP TABLE messages`);
    await db.query(`ALTER TABLE cases DROP CONSTRAINT cases_cycle_fk`);
    await db.query(`DROP TABLE reply_cycles`);
    await db.query(`DROP TABLE cases`);
    await db.query(`DROP TABLE order_events`);
    await db.query(`DROP TABLE orders`);
  }
}
