/** A value bound to a `?` or named parameter. */
export type SqlParameter = string | number | null;

/** One cell of a result row; a blob is reported by its size, not its bytes. */
export type SqlCell = string | number | null | { blobBytes: number };

/** What the query process is asked to run. */
export interface SqlQueryRequest {
  path: string;
  sql: string;
  parameters: SqlParameter[] | Record<string, SqlParameter> | undefined;
  /** Tables the query may read; `undefined` for every table. */
  tables: string[] | undefined;
  maxRows: number;
  maxResultBytes: number;
}

/** Why a query was refused or failed, as the query process reports it. */
export type SqlQueryFailureCode =
  | 'sql.not_authorized'
  | 'sql.multiple_statements'
  | 'sql.invalid'
  | 'sql.parameters'
  | 'sql.database_unavailable'
  | 'sql.failed';

/** What the query process answers. */
export type SqlQueryResponse =
  | {
      ok: true;
      columns: string[];
      rows: SqlCell[][];
      /** True when rows beyond maxRows or maxResultBytes were left out. */
      truncated: boolean;
    }
  | { ok: false; code: SqlQueryFailureCode; message: string };

/** Options of {@link sqlQueryTool}. */
export interface SqlQueryToolOptions {
  /** The tool's name as the model sees it. Default `sql_query`. */
  name?: string | undefined;
  /**
   * The SQLite database file. It is opened read-only, for each query. A path that exists when
   * the tool is made must be an SQLite file (it may also be made later, before the first call).
   */
  path: string;
  /**
   * What the database holds, for the model (tables and what their rows mean). Appended to the
   * tool's description; the model can also read the schema from `sqlite_schema`, unless
   * `tables` leaves it out.
   */
  schemaHint?: string | undefined;
  /**
   * Tables the model may read. Default: every table, and `sqlite_schema` (every table's,
   * view's and trigger's SQL). Given, only these: `sqlite_schema` is readable only when
   * listed (as `sqlite_schema` or `sqlite_master`), since it would show the definitions and
   * names of the tables left out; the model can still see an allowed table's columns with
   * `SELECT * FROM orders LIMIT 0`. When the file exists as the tool is made, a name it has
   * no table or view of is refused then.
   */
  tables?: readonly string[] | undefined;
  /** Most rows returned; the rest are left out and `truncated` set. Default 200. */
  maxRows?: number | undefined;
  /** Most bytes of rows returned (as JSON). Default 256 KiB. */
  maxResultBytes?: number | undefined;
  /** Longest SQL text accepted, in characters. Default 10,000. */
  maxSqlLength?: number | undefined;
  /**
   * The query process is killed after this long, and the call fails with `RunError`
   * `tool.timeout` (`details.tool`, `details.timeoutMs`), in an agent or called directly.
   * Default 5 s.
   */
  timeoutMs?: number | undefined;
}
