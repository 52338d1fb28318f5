import { rm, writeFile } from 'node:fs/promises';
import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlQueryError, type SqlQueryErrorCode } from './sql-query-error';
import { runReadOnlyQuery } from './sql-query-process';
import { sqlQueryTool } from './sql-query-tool';
import { createTestDatabase, type TestDatabase } from './test-database';

const context = { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' };

/**
 * Each attack runs against a database whose files are fingerprinted before and after: a
 * refused query must leave every byte as it was. The table runs the query process's own
 * function in this process (the same code, without a process start per case); the tests
 * after it go through the tool and its process as a model's call would.
 */
describe('sqlQueryTool security', () => {
  let database: TestDatabase;
  let before: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    before = await database.fingerprint();
  });
  afterAll(() => database.remove());

  const refusal = async (sql: string, parameters?: unknown[]) => {
    const response = runReadOnlyQuery({
      path: database.path,
      sql,
      parameters: parameters as string[] | undefined,
      tables: undefined,
      maxRows: 100,
      maxResultBytes: 100_000,
    });
    expect(response.ok).toBe(false);
    expect(await database.fingerprint()).toBe(before);
    return response as { ok: false; code: SqlQueryErrorCode; message: string };
  };

  it.each<[string, string, SqlQueryErrorCode, string]>([
    ['INSERT', "INSERT INTO users (name) VALUES ('eve')", 'sql.not_authorized', 'INSERT users'],
    ['UPDATE', "UPDATE users SET name = 'eve'", 'sql.not_authorized', 'UPDATE users'],
    ['DELETE', 'DELETE FROM users', 'sql.not_authorized', 'DELETE users'],
    [
      'REPLACE',
      "REPLACE INTO users (id, name) VALUES (1, 'eve')",
      'sql.not_authorized',
      'INSERT users',
    ],
    [
      'a write in a CTE',
      "WITH x AS (SELECT 1) INSERT INTO users (name) SELECT 'eve' FROM x",
      'sql.not_authorized',
      'INSERT users',
    ],
    ['DROP TABLE', 'DROP TABLE users', 'sql.not_authorized', 'changing the schema'],
    ['CREATE TABLE', 'CREATE TABLE t (x)', 'sql.not_authorized', 'changing the schema'],
    ['CREATE TEMP TABLE', 'CREATE TEMP TABLE t (x)', 'sql.not_authorized', 'changing the schema'],
    [
      'CREATE TRIGGER',
      'CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END',
      'sql.not_authorized',
      'CREATE TRIGGER t',
    ],
    [
      'CREATE VIEW',
      'CREATE VIEW v AS SELECT * FROM users',
      'sql.not_authorized',
      'changing the schema',
    ],
    ['ALTER TABLE', 'ALTER TABLE users ADD COLUMN x', 'sql.not_authorized', 'ALTER TABLE main'],
    ['VACUUM', 'VACUUM', 'sql.not_authorized', 'not a query'],
    [
      'VACUUM INTO',
      "VACUUM INTO '/tmp/agentchart-stolen.sqlite'",
      'sql.not_authorized',
      'not a query',
    ],
    [
      'ATTACH',
      "ATTACH DATABASE '/tmp/agentchart-evil.sqlite' AS evil",
      'sql.not_authorized',
      'ATTACH',
    ],
    ['ATTACH in memory', "ATTACH ':memory:' AS m", 'sql.not_authorized', 'ATTACH'],
    ['DETACH', 'DETACH DATABASE main', 'sql.not_authorized', 'DETACH main'],
    [
      'PRAGMA writable_schema',
      'PRAGMA writable_schema = 1',
      'sql.not_authorized',
      'PRAGMA writable_schema',
    ],
    [
      'PRAGMA journal_mode',
      'PRAGMA journal_mode = DELETE',
      'sql.not_authorized',
      'PRAGMA journal_mode',
    ],
    ['PRAGMA table_info', 'PRAGMA table_info(users)', 'sql.not_authorized', 'PRAGMA table_info'],
    [
      'a pragma function',
      "SELECT * FROM pragma_table_info('users')",
      'sql.not_authorized',
      'the pragma function pragma_table_info()',
    ],
    [
      'a pragma function for the database list',
      'SELECT * FROM pragma_database_list',
      'sql.not_authorized',
      'the pragma function pragma_database_list()',
    ],
    ['BEGIN', 'BEGIN IMMEDIATE', 'sql.not_authorized', 'TRANSACTION BEGIN'],
    ['SAVEPOINT', 'SAVEPOINT s', 'sql.not_authorized', 'SAVEPOINT BEGIN'],
    ['ANALYZE', 'ANALYZE', 'sql.not_authorized', 'changing the schema'],
    ['REINDEX', 'REINDEX', 'sql.not_authorized', 'not a query'],
    ['REINDEX a table', 'REINDEX users', 'sql.not_authorized', 'not a query'],
    [
      'load_extension',
      "SELECT load_extension('/tmp/evil.so')",
      'sql.not_authorized',
      'the function load_extension()',
    ],
    [
      'a virtual table',
      'CREATE VIRTUAL TABLE v USING fts5(x)',
      'sql.not_authorized',
      'changing the schema',
    ],
    [
      'a read then a write',
      'SELECT 1; DELETE FROM users',
      'sql.multiple_statements',
      'more than one statement',
    ],
    [
      'a read then a read',
      'SELECT 1; SELECT 2',
      'sql.multiple_statements',
      'more than one statement',
    ],
    [
      'a write hidden after a comment',
      'SELECT 1 /* x */; DROP TABLE users --',
      'sql.multiple_statements',
      'more than one statement',
    ],
    [
      'a stacked ATTACH',
      "SELECT 1;ATTACH 'x' AS y",
      'sql.multiple_statements',
      'more than one statement',
    ],
  ])('refuses %s and leaves the database untouched', async (_name, sql, code, what) => {
    const error = await refusal(sql);
    expect(error.code).toBe(code);
    expect(error.message).toContain(what);
  });

  it('refuses a tables option that is not a list of names: a string became one table per character', () => {
    for (const tables of ['orders', [], [''], [42]]) {
      expect(() => sqlQueryTool({ path: database.path, tables: tables as never })).toThrow(
        /sqlQueryTool: tables is .*Give the names of the tables the model may read/,
      );
    }
    expect(() => sqlQueryTool({ path: database.path, schemaHint: 42 as never })).toThrow(
      /schemaHint is the number 42/,
    );
  });

  it('refuses a tables option naming a table the database does not have, and a path that is no SQLite file', async () => {
    // Before, ['user'] was accepted and every query on users refused as "not allowed".
    expect(() => sqlQueryTool({ path: database.path, tables: ['user'] })).toThrow(
      'sqlQueryTool: tables names "user", which the database has no table of; did you mean "users"?',
    );
    expect(() => sqlQueryTool({ path: database.path, tables: ['users', 'nosuch'] })).toThrow(
      /"nosuch".*Its tables: users, secrets\./,
    );
    // A view is allowed by the tables it reads, so naming it alone allowed nothing.
    const withView = await createTestDatabase();
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
    const db = new DatabaseSync(withView.path);
    db.exec('CREATE VIEW named AS SELECT name FROM users');
    db.close();
    expect(() => sqlQueryTool({ path: withView.path, tables: ['named'] })).toThrow(
      'sqlQueryTool: tables names "named", a view.',
    );
    await withView.remove();
    // The schema table is not in the schema, but naming it (to make it readable) is fine.
    expect(sqlQueryTool({ path: database.path, tables: ['users', 'sqlite_schema'] }).name).toBe(
      'sql_query',
    );
    expect(() => sqlQueryTool({ path: database.dir })).toThrow('sqlQueryTool: path is not a file');
    const text = `${database.dir}/notes.txt`;
    await writeFile(text, 'not a database, just text that is long enough to have a header page');
    expect(() => sqlQueryTool({ path: text })).toThrow(
      'sqlQueryTool: path is a file that is not an SQLite database.',
    );
    await rm(text);
    // A file made after the tool is defined is checked by the call, as before.
    expect(sqlQueryTool({ path: `${database.dir}/later.sqlite`, tables: ['users'] }).name).toBe(
      'sql_query',
    );
  });

  it('binds injected parameters as values, never as SQL', async () => {
    const tool = sqlQueryTool({ path: database.path });
    for (const payload of [
      "' OR '1'='1",
      "'; DROP TABLE users; --",
      'ann" OR 1=1 --',
      "x' UNION SELECT value FROM secrets --",
    ]) {
      await expect(
        tool.execute(
          { sql: 'SELECT name FROM users WHERE name = ?', parameters: [payload] },
          context,
        ),
      ).resolves.toEqual({ columns: ['name'], rows: [], truncated: false });
    }
    await expect(
      tool.execute(
        { sql: 'SELECT ? AS echoed', parameters: ["'); DELETE FROM users; --"] },
        context,
      ),
    ).resolves.toMatchObject({ rows: [["'); DELETE FROM users; --"]] });
    expect(await database.fingerprint()).toBe(before);
  });

  it('refuses parameters that do not fit the query', async () => {
    const error = await refusal('SELECT name FROM users WHERE id = :id', ['1', '2']);
    expect(error.code).toBe('sql.parameters');
  });

  it('refuses through the tool and its process as it does in the table', async () => {
    const tool = sqlQueryTool({ path: database.path });
    for (const [sql, code] of [
      ['DELETE FROM users', 'sql.not_authorized'],
      ["ATTACH 'x.sqlite' AS x", 'sql.not_authorized'],
      ['PRAGMA writable_schema = 1', 'sql.not_authorized'],
      ['SELECT 1; DROP TABLE users', 'sql.multiple_statements'],
    ] as const) {
      const error = await tool.execute({ sql }, context).catch((thrown: unknown) => thrown);
      expect(SqlQueryError.isInstance(error) && error.code).toBe(code);
    }
    expect(await database.fingerprint()).toBe(before);
  });

  it('refuses parameter shapes beyond the contract before running', () => {
    const tool = sqlQueryTool({ path: database.path });
    const parse = (input: unknown) => tool.input.safeParse(input).success;
    expect(parse({ sql: 'SELECT 1', parameters: [{ toString: 'x' }] })).toBe(false);
    expect(parse({ sql: 'SELECT 1', parameters: { 'a; DROP': 1 } })).toBe(false);
    expect(parse({ sql: 'SELECT 1', readOnly: false })).toBe(false);
    expect(parse({ sql: '' })).toBe(false);
  });

  /** A query that never ends: it counts for ever. */
  const endless =
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n';

  it('stops a runaway query at its timeout, killing its process, with tool.timeout (it gave sql.timeout)', async () => {
    const tool = sqlQueryTool({ path: database.path, timeoutMs: 300 });
    const error = await tool.execute({ sql: endless }, context).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      name: 'RunError',
      code: 'tool.timeout',
      details: { tool: 'sql_query', timeoutMs: 300 },
    });
  });

  it("times out as tool.timeout in a chart whichever deadline fires first: its own gave tool.failed (sql.timeout), the agent's tool.timeout", async () => {
    // Both deadlines fall at timeoutMs; tiny ones make each fire first in some of the runs.
    for (let attempt = 0; attempt < 24; attempt++) {
      const timeoutMs = 1 + (attempt % 6);
      const tool = sqlQueryTool({ path: database.path, timeoutMs });
      const { error } = await runEffect(toolCall(tool), { sql: endless });
      expect(error).toMatchObject({
        code: 'tool.timeout',
        details: { tool: 'sql_query', timeoutMs },
      });
    }
  });

  it('reports a missing database without its host path', async () => {
    const tool = sqlQueryTool({ path: `${database.dir}/missing.sqlite` });
    const error = await tool.execute({ sql: 'SELECT 1' }, context).catch((thrown: Error) => thrown);
    expect(error).toMatchObject({ code: 'sql.database_unavailable' });
    expect((error as Error).message).not.toContain(database.dir);
  });

  it('shows nothing of the tables outside the allowlist, not even through the schema table', async () => {
    const withView = await createTestDatabase();
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
    const db = new DatabaseSync(withView.path);
    db.exec(`
      CREATE VIEW leaky AS SELECT name, 'view-literal-s3cr3t' AS hint FROM users;
      CREATE TRIGGER wipe AFTER UPDATE ON users BEGIN DELETE FROM secrets WHERE value = 'trigger-literal-s3cr3t'; END;
    `);
    db.close();
    const tool = sqlQueryTool({ path: withView.path, tables: ['users'] });
    expect(tool.description).toContain(
      "Read a table's columns with: SELECT * FROM <table> LIMIT 0.",
    );
    expect(tool.description).not.toContain('sqlite_schema');
    const error = await tool
      .execute({ sql: 'SELECT type, name, sql FROM sqlite_schema' }, context)
      .catch((thrown: unknown) => thrown);
    expect(SqlQueryError.isInstance(error) && error.code).toBe('sql.not_authorized');
    expect(String((error as Error).message)).not.toMatch(/secrets|s3cr3t/);
    await expect(
      tool.execute({ sql: 'SELECT name FROM users ORDER BY id LIMIT 1' }, context),
    ).resolves.toMatchObject({ rows: [['ann']] });
    // Listing the schema table opens it, and the description says so.
    const open = sqlQueryTool({ path: withView.path, tables: ['users', 'sqlite_schema'] });
    expect(open.description).toContain('SELECT sql FROM sqlite_schema');
    await expect(
      open.execute({ sql: "SELECT name FROM sqlite_schema WHERE type = 'view'" }, context),
    ).resolves.toMatchObject({ rows: [['leaky']] });
    await withView.remove();
  });

  it('answers a read through its process', async () => {
    const tool = sqlQueryTool({ path: database.path, maxRows: 2 });
    expect(tool.effect).toBe('pure');
    await expect(
      tool.execute({ sql: 'SELECT name FROM users ORDER BY id' }, context),
    ).resolves.toEqual({
      columns: ['name'],
      rows: [['ann'], ['bob']],
      truncated: true,
    });
  });
});
