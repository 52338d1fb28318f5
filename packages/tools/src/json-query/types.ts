/** What the JSON query worker is asked to evaluate. */
export interface JsonQueryRequest {
  query: string;
  /** The document as JSON text (from the model) or as a value (from the tool's `data`). */
  document: { text: string } | { value: unknown };
  maxOutputChars: number;
}

/** Why a JSON query was refused or failed. */
export type JsonQueryErrorCode =
  | 'json_query.invalid_query'
  | 'json_query.invalid_document'
  | 'json_query.failed'
  | 'json_query.too_much_memory';

/** What the worker answers. */
export type JsonQueryResponse =
  | { ok: true; json: string; truncated: boolean }
  | { ok: false; code: JsonQueryErrorCode; message: string };

/** Options of {@link jsonQueryTool}. */
export interface JsonQueryToolOptions {
  /** The tool's name as the model sees it. Default `json_query`. */
  name?: string | undefined;
  /**
   * The document the model queries: a JSON value, or a function returning one (called for
   * each query, so it can read fresh data). Without it, the model passes the document as
   * JSON text in each call. A value JSON cannot write (a cycle, a bigint) is refused when the
   * tool is made; a function's answer is checked at each call.
   */
  data?: unknown | undefined;
  /** What the document holds, for the model. Appended to the description. */
  dataHint?: string | undefined;
  /** Longest document the model may pass, in characters. Default 1,000,000. */
  maxDocumentChars?: number | undefined;
  /** Longest query, in characters. Default 1,000. */
  maxQueryLength?: number | undefined;
  /** Longest result returned, in characters of JSON; the rest is cut and `truncated` set. Default 100,000. */
  maxOutputChars?: number | undefined;
  /**
   * The evaluation is stopped after this long and fails with `RunError` `tool.timeout`
   * (`details.tool`, `details.timeoutMs`), in an agent or called directly. Default 2 s.
   */
  timeoutMs?: number | undefined;
  /** Heap limit of the worker that evaluates queries, in MiB: 8 or more. Default 128. */
  maxMemoryMb?: number | undefined;
}
