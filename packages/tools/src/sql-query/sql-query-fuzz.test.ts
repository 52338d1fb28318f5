import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTally, fuzzToolInput, toolInputArbitrary } from '../shared/fuzz-tool-input';
import { sqlQueryTool } from './sql-query-tool';
import { createTestDatabase, type TestDatabase } from './test-database';

const statements = fc.constantFrom(
  'SELECT name FROM users WHERE id = ?',
  'SELECT * FROM users WHERE name = :name',
  "INSERT INTO users (name) VALUES ('x')",
  'DELETE FROM users',
  'DROP TABLE users',
  "ATTACH 'x.sqlite' AS x",
  'PRAGMA writable_schema = 1',
  'SELECT 1; DELETE FROM users',
  "VACUUM INTO 'copy.sqlite'",
  'SELECT count(*) FROM users',
);

describe('sqlQueryTool fuzzing', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.remove());

  it('validates or refuses every generated call before running it, and never writes', async ({
    annotate,
  }) => {
    const before = await database.fingerprint();
    const tool = sqlQueryTool({ path: database.path, timeoutMs: 5_000 });
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.constant(null),
      fc.double(),
      fc.boolean(),
      fc.object({ maxDepth: 1 }),
    );
    const tally = await fuzzToolInput(
      tool,
      toolInputArbitrary({
        sql: fc.oneof(statements, fc.string({ maxLength: 40 })),
        parameters: fc.oneof(
          fc.array(value, { maxLength: 3 }),
          fc.dictionary(fc.constantFrom('name', ':name', 'a b', '$x'), value),
        ),
      }),
      {
        numRuns: 30,
        afterEach: async () => expect(await database.fingerprint()).toBe(before),
      },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.executed).toBeGreaterThan(0);
    await annotate(describeTally(tally));
  });
});
