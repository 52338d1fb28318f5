import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SqlCell, SqlQueryFailureCode, SqlQueryRequest, SqlQueryResponse } from './types';

// This file is the query process's entry: Node runs it directly (from `src` by stripping
// types, from `dist` as built), so it imports only Node built-ins and types, never a
// relative module at run time.

/** The authorizer's answers, as SQLite defines them. */
const SQLITE_OK = 0;
const SQLITE_DENY = 1;
/** SQLITE_RANGE: a parameter index or name the statement does not have. */
const sqliteRange = 25;

/** Functions refused although they only read: they reach outside the database. */
const refusedFunctions = new Set([
  'load_extension',
  'fts3_tokenizer',
  'readfile',
  'writefile',
  'edit',
]);

/** The names the schema table answers to, any of which in `tables` makes it readable. */
const schemaTableNames = new Set(['sqlite_schema', 'sqlite_master']);

/**
 * The authorizer of the read-only connection: SQLite calls it for every action a statement
 * would take while the statement is being compiled, and a statement with one refused action
 * does not compile at all. Allowed: SELECT, reading columns (of `tables` only, when given:
 * the schema table `sqlite_schema` only when `tables` names it), recursive CTEs and functions other than those reaching outside. Refused: every write and
 * schema change, ATTACH and DETACH, PRAGMA (table-valued `pragma_*` functions included),
 * transactions and savepoints, and anything SQLite adds later.
 */
export function createReadOnlyAuthorizer(
  constants: Record<string, number>,
  tables: readonly string[] | undefined,
  refusals: string[],
): (action: number, arg1: string | null, arg2: string | null, database: string | null) => number {
  const names = new Map(Object.entries(constants).map(([name, value]) => [value, name]));
  // SQLite reports a read of the schema table, by any of its names, as `sqlite_master`.
  // It holds every table's, view's and trigger's SQL (and the literals in them), so with an
  // allowlist it is readable only when the allowlist names it.
  const allowedTables =
    tables &&
    new Set(
      tables.some((table) => schemaTableNames.has(table)) ? [...tables, 'sqlite_master'] : tables,
    );
  return (action, arg1, arg2, database) => {
    const refuse = (why: string) => {
      refusals.push(why);
      return SQLITE_DENY;
    };
    switch (names.get(action)) {
      case 'SQLITE_SELECT':
      case 'SQLITE_RECURSIVE':
        return SQLITE_OK;
      case 'SQLITE_READ':
        if (database !== 'main' && database !== null)
          return refuse(`reading the "${database}" database`);
        if (arg1?.startsWith('pragma_')) return refuse(`the pragma function ${arg1}()`);
        if (allowedTables && !allowedTables.has(arg1 ?? '')) {
          return refuse(
            arg1 === 'sqlite_master'
              ? "reading the schema table sqlite_schema (it would show tables outside those allowed; see an allowed table's columns with SELECT * FROM <table> LIMIT 0)"
              : `reading the table "${arg1}"`,
          );
        }
        return SQLITE_OK;
      case 'SQLITE_FUNCTION':
        return refusedFunctions.has((arg2 ?? '').toLowerCase())
          ? refuse(`the function ${arg2}()`)
          : SQLITE_OK;
      case 'SQLITE_PRAGMA':
        return refuse(`PRAGMA ${arg1 ?? ''}`);
      case 'SQLITE_ATTACH':
        return refuse('ATTACH');
      default:
        return refuse(describeAction(names.get(action), arg1));
    }
  };
}

function describeAction(name: string | undefined, arg1: string | null): string {
  // CREATE, DROP and ALTER show up first as a change to the schema table itself.
  if (arg1 && /^sqlite_(temp_)?(master|schema)$/.test(arg1)) return 'changing the schema';
  const verb = (name ?? 'an unknown action').replace(/^SQLITE_/, '').replace(/_/g, ' ');
  return arg1 ? `${verb} ${arg1}` : verb;
}

/**
 * Runs one read-only query: the database opened read-only with extensions off and ATTACH
 * limited to zero databases, the authorizer above installed before anything is compiled,
 * exactly one statement, parameters bound (never spliced into the SQL), rows read until
 * `maxRows` or `maxResultBytes`.
 */
export function runReadOnlyQuery(request: SqlQueryRequest): SqlQueryResponse {
  const sqlite = process.getBuiltinModule('node:sqlite');
  const fail = (code: SqlQueryFailureCode, message: string): SqlQueryResponse => ({
    ok: false,
    code,
    message,
  });
  let db: DatabaseSync;
  try {
    db = new sqlite.DatabaseSync(request.path, {
      readOnly: true,
      allowExtension: false,
      // Strings and blobs past this size make the query fail instead of filling memory.
      limits: { attach: 0, length: Math.max(request.maxResultBytes, 1_000_000) },
    } as ConstructorParameters<typeof sqlite.DatabaseSync>[1]);
  } catch (error) {
    return fail(
      'sql.database_unavailable',
      `The database could not be opened read-only (${(error as Error).message}).`,
    );
  }
  try {
    db.enableDefensive?.(true);
    const refusals: string[] = [];
    db.setAuthorizer(
      createReadOnlyAuthorizer(
        sqlite.constants as unknown as Record<string, number>,
        request.tables,
        refusals,
      ),
    );
    let statement: StatementSync;
    try {
      statement = db.prepare(request.sql);
    } catch (error) {
      if (refusals.length > 0) {
        return fail(
          'sql.not_authorized',
          `The query was refused: ${[...new Set(refusals)].join(', ')} is not allowed. This tool runs one read-only SELECT (WITH … SELECT) at a time.`,
        );
      }
      return fail('sql.invalid', `The query could not be compiled: ${(error as Error).message}.`);
    }
    const rest = request.sql.slice(statement.sourceSQL.length);
    if (hasAnotherStatement(db, rest)) {
      return fail(
        'sql.multiple_statements',
        `The SQL holds more than one statement (another follows at character ${statement.sourceSQL.length}); nothing was run. Send one statement per call.`,
      );
    }
    // A query returns columns; REINDEX and VACUUM compile to statements that return none,
    // and SQLite does not consult the authorizer for all of their work.
    if (statement.columns().length === 0) {
      return fail(
        'sql.not_authorized',
        'The statement returns no rows, so it is not a query (e.g. REINDEX, VACUUM); nothing was run. This tool runs one read-only SELECT (WITH … SELECT) at a time.',
      );
    }
    try {
      return readRows(statement, request);
    } catch (error) {
      if (refusals.length > 0) {
        return fail(
          'sql.not_authorized',
          `The query was refused while running: ${[...new Set(refusals)].join(', ')} is not allowed.`,
        );
      }
      const { code, errcode } = error as { code?: string; errcode?: number };
      if (code === 'ERR_INVALID_ARG_TYPE' || errcode === sqliteRange) {
        return fail(
          'sql.parameters',
          `The parameters do not fit the query (${(error as Error).message}): give one value per ? in order, or an object with one entry per :name.`,
        );
      }
      return fail('sql.failed', `The query failed: ${(error as Error).message}.`);
    }
  } finally {
    db.close();
  }
}

/**
 * True when text after the first statement holds another one. SQLite compiles only the first
 * statement and reports where it ended; what follows must be empty, comments or semicolons,
 * which SQLite itself reports as "no statements" (the authorizer still guards the attempt).
 */
function hasAnotherStatement(db: DatabaseSync, rest: string): boolean {
  if (rest.trim() === '') return false;
  try {
    db.prepare(rest);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== 'ERR_INVALID_ARG_VALUE';
  }
}

function readRows(statement: StatementSync, request: SqlQueryRequest): SqlQueryResponse {
  statement.setReturnArrays(true);
  const columns = statement.columns().map((column) => column.name);
  const rows: SqlCell[][] = [];
  let bytes = JSON.stringify(columns).length;
  let truncated = false;
  const { parameters } = request;
  const iterator = Array.isArray(parameters)
    ? statement.iterate(...parameters)
    : parameters === undefined
      ? statement.iterate()
      : statement.iterate(parameters);
  for (const raw of iterator as Iterable<unknown[]>) {
    const row = raw.map(toCell);
    const size = JSON.stringify(row).length + 1;
    if (rows.length >= request.maxRows || bytes + size > request.maxResultBytes) {
      truncated = true;
      break;
    }
    rows.push(row);
    bytes += size;
  }
  return { ok: true, columns, rows, truncated };
}

function toCell(value: unknown): SqlCell {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return { blobBytes: value.byteLength };
  return String(value);
}

/** The argument that makes this file run as the query process. */
export const queryProcessFlag = '--agentchart-sql-query';

/** The query process: one request as JSON on stdin, one response as JSON on stdout. */
async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  let response: SqlQueryResponse;
  try {
    response = runReadOnlyQuery(
      JSON.parse(Buffer.concat(chunks).toString('utf8')) as SqlQueryRequest,
    );
  } catch (error) {
    response = {
      ok: false,
      code: 'sql.failed',
      message: `The query process failed: ${(error as Error).message}.`,
    };
  }
  process.stdout.write(JSON.stringify(response));
}

if (process.argv[2] === queryProcessFlag) {
  void main();
}
