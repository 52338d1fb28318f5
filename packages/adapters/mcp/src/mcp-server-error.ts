import { AgentchartError } from '@agentchart/core';

/**
 * What went wrong with an MCP server:
 * - `mcp.connect_failed`: the process did not start, the URL did not answer, or the
 *   handshake or tool listing failed (thrown by `connectMcpServer`);
 * - `mcp.tool_error`: the tool ran and answered with `isError: true`;
 * - `mcp.request_failed`: the server refused the request (a JSON-RPC error: unknown tool,
 *   invalid parameters, an exception in its handler);
 * - `mcp.timeout`: the server did not answer within the tool's time;
 * - `mcp.connection_lost`: the process exited or the HTTP session ended while connected,
 *   during the call or before it;
 * - `mcp.transport_failed`: the transport broke under the call without closing (a stdio
 *   server wrote something to stdout that is not an MCP message, or a message past the read
 *   bound; an HTTP answer broke off mid-stream), or broke the connection before it;
 * - `mcp.closed`: the call came after `close()`;
 * - `mcp.output_too_large`: the result is over `maxOutputBytes`.
 */
export type McpServerErrorCode =
  | 'mcp.connect_failed'
  | 'mcp.tool_error'
  | 'mcp.request_failed'
  | 'mcp.timeout'
  | 'mcp.connection_lost'
  | 'mcp.transport_failed'
  | 'mcp.closed'
  | 'mcp.output_too_large';

/** Options of {@link McpServerError}. */
export interface McpServerErrorOptions {
  message: string;
  cause?: unknown | undefined;
  /** Facts for the reader: the server, the tool, the JSON-RPC error code, the server's stderr. */
  details?: Record<string, unknown> | undefined;
}

/**
 * An MCP server failed, refused or went away. During a run the harness reports it as
 * `tool.failed` with this error as its `cause`, so the chart (or the model, in a tool loop)
 * sees the message and code.
 */
export class McpServerError extends AgentchartError<McpServerErrorCode> {
  readonly details: Record<string, unknown>;

  constructor(code: McpServerErrorCode, { message, cause, details = {} }: McpServerErrorOptions) {
    super(code, { message, cause });
    this.details = details;
  }

  override toJSON() {
    return { ...super.toJSON(), details: this.details };
  }
}
