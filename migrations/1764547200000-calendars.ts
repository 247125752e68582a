import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendars become their own versioned records: a seller's calendar (moved
 * out of seller_profiles) and the marketplace calendar. A version is an
 * immutable definition with the instant it takes effect.
 */
export class Calendars1764547200000 implements MigrationInterface {
  name = 'Calendars1764547200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE calendars (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind       text NOT NULL CHECK (kind IN ('seller', 'marketplace')),
        seller_id  uuid UNIQUE REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        CHECK ((kind = 'seller') = (seller_id IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX calendars_one_marketplace ON calendars (kind) WHERE kind = 'marketplace'`);
    await db.query(`
      CREATE TABLE calendar_versions (
        calendar_id    uuid NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
        version        integer NOT NULL CHECK (version > 0),
        effective_from timestamptz NOT NULL,
        definition     jsonb NOT NULL,
        note           text NOT NULL,
        created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at     timestamptz NOT NULL,
        PRIMARY KEY (calendar_id, version)
      )`);
    await db.query(`
      INSERT INTO calendars (kind, seller_id, created_at)
      SELECT 'seller', p.user_id, u.created_at FROM seller_profiles p JOIN users u ON u.id = p.user_id`);
    await db.query(`
      INSERT INTO calendar_versions (calendar_id, version, effective_from, definition, note, created_at)
      SELECT c.id, 1, c.created_at,
             jsonb_build_object(
               'timeZone', p.time_zone,
               'workingDays', to_jsonb(p.working_days),
               'holidays', jsonb_build_object('country', p.holiday_country, 'subdivision', p.holiday_subdivision),
               'closures', '[]'::jsonb),
             'created', c.created_at
        FROM seller_profiles p JOIN calendars c ON c.seller_id = p.user_id`);
    await db.query(`DROP TABLE seller_profiles`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE seller_profiles (
        user_id             uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        time_zone           text NOT NULL,
        holiday_country     text NOT NULL,
        holiday_subdivision text,
        working_days        smallint[] NOT NULL CHECK (working_days <@ ARRAY[1,2,3,4,5,6,7]::smallint[] AND cardinality(working_days) > 0)
      )`);
    await db.query(`
      INSERT INTO seller_profiles (user_id, time_zone, holiday_country, holiday_subdivision, working_days)
      SELECT c.seller_id, v.definition->>'timeZone', v.definition->'holidays'->>'country', v.definition->'holidays'->>'subdivision',
             ARRAY(SELECT jsonb_array_elements_text(v.definition->'workingDays')::smallint)
        FROM calendars c
        JOIN LATERAL (SELECT definition FROM calendar_versions WHERE calendar_id = c.id ORDER BY version DESC LIMIT 1) v ON true
       WHERE c.kind = 'seller'`);
    await db.query(`DROP TABLE calendar_versions`);
    await db.query(`DROP TABLE calendars`);
  }
}
