import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadOnlyQuery } from './sql-query-process';
import { createTestDatabase, type TestDatabase } from './test-database';
import type { SqlQueryRequest } from './types';

describe('runReadOnlyQuery', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.remove());

  const run = (sql: string, options: Partial<SqlQueryRequest> = {}) =>
    runReadOnlyQuery({
      path: database.path,
      sql,
      parameters: undefined,
      tables: undefined,
      maxRows: 100,
      maxResultBytes: 100_000,
      ...options,
    });

  it('returns columns and rows as arrays, blobs by their size', () => {
    expect(
      run('SELECT id, name FROM users WHERE id <= ? ORDER BY id', { parameters: [2] }),
    ).toEqual({
      ok: true,
      columns: ['id', 'name'],
      rows: [
        [1, 'ann'],
        [2, 'bob'],
      ],
      truncated: false,
    });
    expect(run('SELECT value, data FROM secrets')).toMatchObject({
      rows: [['s3cr3t', { blobBytes: 4 }]],
    });
  });

  it('binds named parameters', () => {
    expect(
      run('SELECT name FROM users WHERE email = :email', {
        parameters: { email: 'bob@example.com' },
      }),
    ).toMatchObject({
      rows: [['bob']],
    });
  });

  it('allows reading the schema and recursive CTEs', () => {
    expect(run("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")).toMatchObject({
      rows: [['secrets'], ['users']],
    });
    expect(
      run(
        'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n',
      ),
    ).toMatchObject({ rows: [[1], [2], [3]] });
  });

  it('stops at maxRows and maxResultBytes and says so', () => {
    expect(run('SELECT name FROM users ORDER BY id', { maxRows: 2 })).toMatchObject({
      rows: [['ann'], ['bob']],
      truncated: true,
    });
    expect(run('SELECT name FROM users ORDER BY id', { maxResultBytes: 20 })).toMatchObject({
      rows: [['ann']],
      truncated: true,
    });
  });

  it('reads only the tables it is given', () => {
    expect(run('SELECT value FROM secrets', { tables: ['users'] })).toEqual({
      ok: false,
      code: 'sql.not_authorized',
      message:
        'The query was refused: reading the table "secrets" is not allowed. This tool runs one read-only SELECT (WITH … SELECT) at a time.',
    });
    expect(run('SELECT name FROM users', { tables: ['users'] })).toMatchObject({ ok: true });
  });

  it('keeps the schema table closed under a tables allowlist unless it names it (sqlite_schema showed the DDL of every table)', () => {
    // Before, `tables: ['users']` still let the model read the schema table, which holds every
    // table's definition and the literals in view and trigger bodies.
    for (const sql of [
      'SELECT sql FROM sqlite_schema',
      "SELECT name FROM sqlite_master WHERE type = 'table'",
      'SELECT sql FROM main.sqlite_schema',
      'SELECT (SELECT group_concat(sql) FROM sqlite_schema) FROM users',
      'SELECT sql FROM sqlite_temp_schema',
    ]) {
      expect(run(sql, { tables: ['users'] })).toMatchObject({
        ok: false,
        code: 'sql.not_authorized',
        message: expect.stringMatching(/reading the (schema table sqlite_schema|"temp" database)/),
      });
    }
    // What the model can still see: an allowed table's columns.
    expect(run('SELECT * FROM users LIMIT 0', { tables: ['users'] })).toEqual({
      ok: true,
      columns: ['id', 'name', 'email'],
      rows: [],
      truncated: false,
    });
    // Named (by either of its names), the schema table is readable, as without an allowlist.
    for (const tables of [['users', 'sqlite_schema'], ['users', 'sqlite_master'], undefined]) {
      expect(
        run("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", { tables }),
      ).toMatchObject({ ok: true, rows: [['secrets'], ['users']] });
    }
  });

  it('says what is wrong with a query that does not compile', () => {
    expect(run('SELEC 1')).toMatchObject({ ok: false, code: 'sql.invalid' });
    expect(run('SELECT nope FROM users')).toMatchObject({
      ok: false,
      code: 'sql.invalid',
      message: expect.stringContaining('no such column: nope'),
    });
  });

  it('accepts a trailing semicolon and comment, which are not a second statement', () => {
    expect(run('SELECT 1; -- done\n;')).toMatchObject({ ok: true, rows: [[1]] });
  });
});
