import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { McpServerError } from './mcp-server-error';
import type { McpConnectionStatus } from './types';

/** What the failed call was and where the connection stood when it failed. */
export interface FailedCall {
  server: string;
  tool: string;
  timeoutMs: number;
  status: McpConnectionStatus;
  stderrTail: string;
}

/** A failure of `tools/call` as an {@link McpServerError} whose message says what to do. */
export function toMcpServerError(error: unknown, call: FailedCall): McpServerError {
  const { server, tool, status } = call;
  const details: Record<string, unknown> = { server, tool };
  if (status === 'closed') {
    return new McpServerError('mcp.closed', {
      message: `MCP tool "${tool}" was called after the connection to server "${server}" was closed. Connect again (connectMcpServer) before running agents that use it.`,
      cause: error,
      details,
    });
  }
  if (status === 'lost' || isConnectionClosed(error)) {
    if (call.stderrTail) details.stderr = call.stderrTail;
    return new McpServerError('mcp.connection_lost', {
      message:
        `MCP server "${server}" went away during or before the call to "${tool}" ` +
        `(${reasonOf(error)}); the call may or may not have run. Its tools fail until you ` +
        'connect again; check the server (details.stderr holds the end of its log).',
      cause: error,
      details,
    });
  }
  if (isNetworkFailure(error)) {
    return new McpServerError('mcp.connection_lost', {
      message:
        `MCP server "${server}" could not be reached, or dropped the connection, during the ` +
        `call to "${tool}" (${reasonOf(error)}); the call may or may not have run. Check that ` +
        'the server is up.',
      cause: error,
      details,
    });
  }
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new McpServerError('mcp.timeout', {
      message: `MCP tool "${tool}" of server "${server}" did not answer within ${call.timeoutMs} ms; the request was cancelled. Raise timeoutMs in connectMcpServer if the tool needs longer.`,
      cause: error,
      details,
    });
  }
  if (error instanceof McpError) details.rpcCode = error.code;
  return new McpServerError('mcp.request_failed', {
    message: `MCP server "${server}" refused the call to "${tool}": ${reasonOf(error)}.`,
    cause: error,
    details,
  });
}

/** True when the error says the session or the process is gone. */
export function isConnectionClosed(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  // A 404 on a session request: the server forgot the session (restarted or expired it).
  return error instanceof StreamableHTTPError && error.code === 404;
}

/**
 * True for a request that never got an answer over HTTP (refused, reset, closed mid-answer):
 * Node's fetch reports all of them as a `TypeError('fetch failed')` with the socket error as
 * its cause. The session may still exist, so the connection stays open for the next call.
 */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

function reasonOf(error: unknown): string {
  if (error === undefined) return 'it had already gone';
  return error instanceof Error ? error.message : String(error);
}
