import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The SLA sweep's bookkeeping: levels applied per cycle, seller flags, the notification outbox, failures. */
export class SlaSweep1764720000000 implements MigrationInterface {
  name = 'SlaSweep1764720000000';

  async up(db: QueryRunner): Promise<void> {
    // The last level applied to the open cycle (0 none, 1 at_risk, 2 late, 3 escalated) and when the next one is due.
    await db.query(
      `ALTER TABLE cases ADD COLUMN sla_level smallint NOT NULL DEFAULT 0, ADD COLUMN next_action_at timestamptz`,
    );
    await db.query(`UPDATE cases SET next_action_at = warn_at WHERE cycle_id IS NOT NULL`);
    await db.query(`CREATE INDEX cases_next_action_idx ON cases (next_action_at) WHERE next_action_at IS NOT NULL`);
    await db.query(`ALTER TABLE reply_cycles ADD COLUMN response_business_minutes numeric`);
    await db.query(`ALTER TABLE reply_cycles DROP CONSTRAINT reply_cycles_outcome_check`);
    await db.query(
      `ALTER TABLE reply_cycles ADD CONSTRAINT reply_cycles_outcome_check CHECK (outcome IN ('answered', 'no_response_needed', 'resolved', 'handled_by_support'))`,
    );
    await db.query(`CREATE INDEX reply_cycles_calendar_open_idx ON reply_cycles (calendar_id) WHERE closed_at IS NULL`);
    await db.query(`
      CREATE TABLE sla_actions (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id      uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        cycle_id     uuid NOT NULL REFERENCES reply_cycles (id) ON DELETE CASCADE,
        level        text NOT NULL CHECK (level IN ('at_risk', 'late', 'escalated')),
        threshold_at timestamptz NOT NULL,
        acted_at     timestamptz NOT NULL,
        UNIQUE (cycle_id, level)
      )`);
    await db.query(`
      CREATE TABLE seller_flags (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id  uuid NOT NULL REFERENCES users (id),
        case_id    uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        cycle_id   uuid NOT NULL UNIQUE REFERENCES reply_cycles (id) ON DELETE CASCADE,
        reason     text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX seller_flags_seller_idx ON seller_flags (seller_id, created_at)`);
    await db.query(`
      CREATE TABLE outbox (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind            text NOT NULL,
        recipient_id    uuid NOT NULL REFERENCES users (id),
        case_id         uuid REFERENCES cases (id) ON DELETE SET NULL,
        dedupe_key      text NOT NULL UNIQUE,
        payload         jsonb NOT NULL DEFAULT '{}',
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error      text,
        sent_at         timestamptz,
        created_at      timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE status = 'pending'`);
    await db.query(`
      CREATE TABLE sla_sweep_failures (
        id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        error   text NOT NULL,
        at      timestamptz NOT NULL
      )`);
    await db.query(
      `ALTER TABLE escalations ADD COLUMN cycle_id uuid REFERENCES reply_cycles (id) ON DELETE SET NULL, ADD COLUMN priority_raised_at timestamptz, ADD COLUMN first_action_at timestamptz`,
    );
    await db.query(
      `CREATE INDEX escalations_overdue_idx ON escalations (due_at) WHERE status <> 'resolved' AND priority <> 'urgent'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX escalations_overdue_idx`);
    await db.query(
      `ALTER TABLE escalations DROP COLUMN cycle_id, DROP COLUMN priority_raised_at, DROP COLUMN first_action_at`,
    );
    await db.query(`DROP TABLE sla_sweep_failures`);
    await db.query(`DROP TABLE outbox`);
    await db.query(`DROP TABLE seller_flags`);
    await db.query(`DROP TABLE sla_actions`);
    await db.query(`DROP INDEX reply_cycles_calendar_open_idx`);
    await db.query(`UPDATE reply_cycles SET outcome = 'resolved' WHERE outcome = 'handled_by_support'`);
    await db.query(`ALTER TABLE reply_cycles DROP CONSTRAINT reply_cycles_outcome_check`);
    await db.query(
      `ALTER TABLE reply_cycles ADD CONSTRAINT reply_cycles_outcome_check CHECK (outcome IN ('answered', 'no_response_needed', 'resolved'))`,
    );
    await db.query(`ALTER TABLE reply_cycles DROP COLUMN response_business_minutes`);
    await db.query(`DROP INDEX cases_next_action_idx`);
    await db.query(`ALTER TABLE cases DROP COLUMN sla_level, DROP COLUMN next_action_at`);
  }
}
