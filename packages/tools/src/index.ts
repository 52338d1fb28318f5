/**
 * @module @agentchart/tools
 * Standard tools with zod contracts and safety policies: a calculator with its own parser
 * (no `eval`), file-system tools confined to a sandbox root, an HTTP tool safe against
 * server-side request forgery, read-only SQL over SQLite, JMESPath queries over JSON, and
 * keyword and vector retrieval.
 */
export { CalculatorError } from './calculator/calculator-error';
export {
  type CalculatorTool,
  type CalculatorToolOptions,
  calculatorTool,
} from './calculator/calculator-tool';
export {
  defaultMaxExpressionDepth,
  defaultMaxExpressionLength,
  evaluateExpression,
} from './calculator/evaluate-expression';
export type { ExpressionLimits } from './calculator/types';
export { type FileSystemTools, fileSystemTools } from './file-system/file-system-tools';
export { type ListDirectoryTool, listDirectoryTool } from './file-system/list-directory-tool';
export { type ReadFileTool, readFileTool } from './file-system/read-file-tool';
export { SandboxError, type SandboxErrorReason } from './file-system/sandbox-error';
export { defaultMaxBytes, defaultMaxEntries } from './file-system/sandbox-options';
export type {
  DirectoryEntry,
  FileSystemToolsOptions,
  SandboxOptions,
} from './file-system/types';
export { type WriteFileTool, writeFileTool } from './file-system/write-file-tool';
export {
  type AddressPolicy,
  type AddressVerdict,
  createAddressPolicy,
} from './http/address-policy';
export {
  defaultMaxRedirects,
  defaultMaxRequestBytes,
  defaultMaxResponseBytes,
  type HttpTool,
  type HttpToolInput,
  httpTool,
} from './http/http-tool';
export { HttpToolError, type HttpToolErrorCode } from './http/http-tool-error';
export type {
  HostResolver,
  HttpMethod,
  HttpToolOptions,
  ResolvedAddress,
} from './http/types';
export { JsonQueryError } from './json-query/json-query-error';
export {
  type JsonQueryTool,
  type JsonQueryToolInput,
  jsonQueryTool,
} from './json-query/json-query-tool';
export type { JsonQueryErrorCode, JsonQueryToolOptions } from './json-query/types';
export { RetrievalError, type RetrievalErrorCode } from './retrieval/retrieval-error';
export {
  type RetrievalTool,
  type RetrievalToolInput,
  retrievalTool,
} from './retrieval/retrieval-tool';
export type {
  Embedder,
  RetrievalDocument,
  RetrievalMode,
  RetrievalToolOptions,
} from './retrieval/types';
export { SqlQueryError, type SqlQueryErrorCode } from './sql-query/sql-query-error';
export {
  defaultMaxResultBytes,
  defaultMaxRows,
  type SqlQueryTool,
  sqlQueryTool,
} from './sql-query/sql-query-tool';
export type {
  SqlCell,
  SqlParameter,
  SqlQueryFailureCode,
  SqlQueryToolOptions,
} from './sql-query/types';
