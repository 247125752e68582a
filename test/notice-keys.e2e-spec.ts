import fc from 'fast-check';
import pg from 'pg';
import { slaNoticeKey, slaNoticeKeySql } from '../src/notifications/outbox.service.js';
import { createTestDatabase, TestDatabase } from './support/database.js';

// The SLA sweep writes a reply-window notice's dedupe key in SQL, the buyer's escalation in TypeScript: for a notice to go out once
// whoever acts first, PostgreSQL must compute exactly the key TypeScript does.
describe('the reply-window notice key in SQL', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('is the key slaNoticeKey makes, for every level and party', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uuid(),
        fc.constantFrom('at_risk' as const, 'late' as const, 'escalated' as const),
        fc.constantFrom('buyer' as const, 'seller' as const),
        async (cycleId, level, party) => {
          const { rows } = await client.query(`SELECT ${slaNoticeKeySql('$1::uuid', '$2::text', '$3::text')} AS key`, [
            cycleId,
            level,
            party,
          ]);
          expect(rows[0].key).toBe(slaNoticeKey(cycleId, level, party));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the format rows already sent carry', () => {
    expect(slaNoticeKey('0b9e6a52-4c1f-4d8e-9a53-2f1c8e7d6b5a', 'late', 'buyer')).toBe(
      '0b9e6a52-4c1f-4d8e-9a53-2f1c8e7d6b5a:late:buyer',
    );
  });
});
