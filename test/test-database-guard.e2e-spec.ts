import { createTestDatabase, dropOwnDatabase, onServer } from './support/database.js';

describe('the test database guard', () => {
  it('drops a database this run created, and refuses one it did not, even with a test-like name', async () => {
    const foreign = `parley_test_foreign_${Date.now()}`;
    await onServer((client) => client.query(`CREATE DATABASE ${foreign}`));
    try {
      await expect(
        onServer((client) => dropOwnDatabase(client, foreign, process.env.PARLEY_TEST_RUN_ID!)),
      ).rejects.toThrow(/did not create it/);
      const own = await createTestDatabase({ empty: true });
      await own.drop();
      const left = await onServer((client) =>
        client.query('SELECT datname FROM pg_database WHERE datname IN ($1, $2) ORDER BY 1', [foreign, own.name]),
      );
      expect(left.rows).toEqual([{ datname: foreign }]);
    } finally {
      await onServer((client) => client.query(`DROP DATABASE ${foreign}`));
    }
  });
});
