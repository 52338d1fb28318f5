import { resolve } from 'node:path';
import { DefinitionError, defineTool, type Tool } from '@agentchart/core';
import { checkOptionNames, describeValue, optionNamesOf } from '@agentchart/core/internal';
import { z } from 'zod';
import { requirePositiveInteger } from '../shared/validate-option';
import { checkDatabaseFile } from './check-database-file';
import { runQueryProcess } from './spawn-query-process';
import { SqlQueryError } from './sql-query-error';
import type { SqlQueryToolOptions } from './types';

/** Default for {@link SqlQueryToolOptions.maxRows}. */
export const defaultMaxRows = 200;
/** Default for {@link SqlQueryToolOptions.maxResultBytes}: 256 KiB. */
export const defaultMaxResultBytes = 256 * 1024;

const parameterValue = z.union([z.string().max(10_000), z.number(), z.null()]);
const parameterName = /^[:@$]?[A-Za-z_][A-Za-z0-9_]*$/;

const sqlQueryInput = (maxSqlLength: number) =>
  z.strictObject({
    sql: z
      .string()
      .min(1)
      .max(maxSqlLength)
      .describe(
        'One read-only SQLite SELECT (or WITH … SELECT). Put values in parameters, as ? or :name, never in the SQL text.',
      ),
    parameters: z
      .union([
        z.array(parameterValue).max(100),
        z.record(z.string().regex(parameterName), parameterValue),
      ])
      .optional()
      .describe('Values for the ? placeholders in order, or for :name placeholders by name.'),
  });

const sqlQueryOutput = z.object({
  columns: z.array(z.string()),
  rows: z.array(
    z.array(z.union([z.string(), z.number(), z.null(), z.object({ blobBytes: z.number() })])),
  ),
  /** True when more rows matched than were returned (maxRows or maxResultBytes). */
  truncated: z.boolean(),
});

/** The SQL query tool's type. */
export type SqlQueryTool = Tool<ReturnType<typeof sqlQueryInput>, typeof sqlQueryOutput>;

/** Every option of {@link sqlQueryTool}, checked against its type by the compiler. */
const sqlQueryToolOptionNames = optionNamesOf<SqlQueryToolOptions>({
  name: true,
  path: true,
  schemaHint: true,
  tables: true,
  maxRows: true,
  maxResultBytes: true,
  maxSqlLength: true,
  timeoutMs: true,
});

/**
 * A tool that runs read-only SQL over an SQLite file, with parameters. Read-only is enforced
 * by SQLite, not by looking at the SQL: the file is opened read-only, and an authorizer —
 * consulted by SQLite for every action while a statement is compiled — refuses writes, schema
 * changes, ATTACH, PRAGMA, transactions and extension loading, so such a statement never
 * compiles. One statement per call; values are bound as parameters, never spliced in. Each
 * query runs in a process of its own, killed at `timeoutMs` (it then fails with `RunError`
 * `tool.timeout`, whether the agent's timer or the tool's own stops it), and returns at most
 * `maxRows` rows and `maxResultBytes` bytes.
 *
 * With `tables`, the model reads those tables only: the schema table `sqlite_schema`, which
 * holds every table's, view's and trigger's SQL, is refused unless `tables` names it, so the
 * model sees the allowed tables' columns (`SELECT * FROM orders LIMIT 0`), what `schemaHint`
 * says, and nothing of the other tables, not even their names.
 *
 * Reading is `pure`. Needs Node.js 24 (`node:sqlite` with `setAuthorizer`).
 *
 * @example
 * ```ts
 * const orders = sqlQueryTool({
 *   path: './data/shop.sqlite',
 *   schemaHint: 'orders(id, customer_id, total_cents, created_at); customers(id, name, country)',
 * });
 * ```
 */
export function sqlQueryTool(options: SqlQueryToolOptions): SqlQueryTool {
  checkOptionNames('sqlQueryTool', options, sqlQueryToolOptionNames);
  const {
    name = 'sql_query',
    path,
    schemaHint,
    tables,
    maxRows = defaultMaxRows,
    maxResultBytes = defaultMaxResultBytes,
    maxSqlLength = 10_000,
    timeoutMs = 5_000,
  } = options;
  const owner = 'sqlQueryTool';
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: path must be the path of an SQLite file, got ${JSON.stringify(path)}.`,
    );
  }
  const sqlite = process.getBuiltinModule?.('node:sqlite');
  if (typeof sqlite?.DatabaseSync?.prototype?.setAuthorizer !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: this Node.js (${process.version}) has no node:sqlite authorizer (DatabaseSync.setAuthorizer), which read-only enforcement needs. Run on Node.js 24 or newer.`,
    );
  }
  requirePositiveInteger(owner, 'maxRows', maxRows);
  requirePositiveInteger(owner, 'maxResultBytes', maxResultBytes);
  requirePositiveInteger(owner, 'maxSqlLength', maxSqlLength);
  requirePositiveInteger(owner, 'timeoutMs', timeoutMs);
  // A string was spread into its characters, each taken for a table name.
  if (
    tables !== undefined &&
    (!Array.isArray(tables) ||
      tables.length === 0 ||
      !tables.every((table) => typeof table === 'string' && table.trim() !== ''))
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: tables is ${describeValue(tables)}. Give the names of the tables the model may read, such as ['orders', 'customers'], or leave it out for every table.`,
    );
  }
  if (schemaHint !== undefined && typeof schemaHint !== 'string') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: schemaHint is ${describeValue(schemaHint)}. Give a sentence on the tables, for the model.`,
    );
  }
  const file = resolve(path);
  const tableList = tables && [...tables];
  checkDatabaseFile(owner, file, tableList);
  const schemaReadable =
    tableList === undefined ||
    tableList.some((table) => table === 'sqlite_schema' || table === 'sqlite_master');
  return defineTool({
    name,
    description: `Runs one read-only SQLite query (SELECT or WITH … SELECT) and returns the columns and at most ${maxRows} rows. Writes, schema changes, ATTACH and PRAGMA are refused. Pass values as parameters (? or :name). ${schemaReadable ? 'Read table definitions with: SELECT sql FROM sqlite_schema.' : "Read a table's columns with: SELECT * FROM <table> LIMIT 0."}${tableList ? ` Tables: ${tableList.join(', ')}.` : ''}${schemaHint ? ` ${schemaHint}` : ''}`,
    input: sqlQueryInput(maxSqlLength),
    output: sqlQueryOutput,
    effect: 'pure',
    timeoutMs,
    execute: async ({ sql, parameters }, { signal }) => {
      const response = await runQueryProcess(
        { path: file, sql, parameters, tables: tableList, maxRows, maxResultBytes },
        { tool: name, timeoutMs, signal },
      );
      if (!response.ok) throw new SqlQueryError(response.code, response.message);
      return { columns: response.columns, rows: response.rows, truncated: response.truncated };
    },
  });
}
