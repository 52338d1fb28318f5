import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { TransportFailure } from './created-transport';
import { McpServerError } from './mcp-server-error';
import type { McpConnectionStatus } from './types';

/** What the failed call was and where the connection stood when it failed. */
export interface FailedCall {
  server: string;
  tool: string;
  timeoutMs: number;
  status: McpConnectionStatus;
  /** False when the call was refused before anything was sent to the server. */
  sent: boolean;
  /** The transport failure that ended the call, or that broke the connection before it. */
  broken?: TransportFailure | undefined;
  stderrTail: string;
}

/**
 * A failure of `tools/call` as an {@link McpServerError} whose message says what to do.
 * `details.mayHaveRun` is true when the request reached (or may have reached) the server and
 * no answer came back: the tool may have acted.
 */
export function toMcpServerError(error: unknown, call: FailedCall): McpServerError {
  const { server, tool, status, sent } = call;
  const details: Record<string, unknown> = { server, tool, mayHaveRun: false };
  const unanswered = (
    code: 'mcp.closed' | 'mcp.connection_lost' | 'mcp.timeout',
    message: string,
  ) => {
    details.mayHaveRun = sent;
    if (call.stderrTail && code === 'mcp.connection_lost') details.stderr = call.stderrTail;
    return new McpServerError(code, { message, cause: error, details });
  };
  const outcome = sent ? 'the call may or may not have run' : 'the call was not sent';
  if (status === 'closed') {
    return unanswered(
      'mcp.closed',
      `MCP tool "${tool}" of server "${server}" was called after the connection was closed, or during close(); ${outcome}. Connect again (connectMcpServer) before running agents that use it.`,
    );
  }
  if (call.broken) return brokenTransport(error, call, details);
  if (status === 'lost' || isConnectionClosed(error)) {
    return unanswered(
      'mcp.connection_lost',
      `MCP server "${server}" went away ${sent ? 'during' : 'before'} the call to "${tool}"; ` +
        `${outcome}. Its tools fail until you connect again; check the server ` +
        '(details.stderr holds the end of its log).',
    );
  }
  if (isNetworkFailure(error)) {
    return unanswered(
      'mcp.connection_lost',
      `MCP server "${server}" could not be reached, or dropped the connection, during the ` +
        `call to "${tool}" (${reasonOf(error)}); ${outcome}. Check that the server is up.`,
    );
  }
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return unanswered(
      'mcp.timeout',
      `MCP tool "${tool}" of server "${server}" did not answer within ${call.timeoutMs} ms; the request was cancelled and ${outcome}. Raise timeoutMs in connectMcpServer if the tool needs longer.`,
    );
  }
  if (error instanceof McpError) details.rpcCode = error.code;
  if (brokeOutputSchema(error)) {
    // Checked by the client once the answer arrived: the tool ran on the server.
    details.answered = true;
    return new McpServerError('mcp.request_failed', {
      message: `MCP tool "${tool}" of server "${server}" ran, but its answer breaks the tool's own output schema: ${reasonOf(error)}. The server must fix the tool or its outputSchema.`,
      cause: error,
      details,
    });
  }
  if (sent && answerUnreadable(error)) {
    // The client could not read an answer that came (a content block the protocol does not
    // know, a result of the wrong shape): the tool ran. Called "refused", an unsafe one was
    // retried by the model and acted twice.
    details.answered = true;
    return new McpServerError('mcp.request_failed', {
      message: `MCP tool "${tool}" of server "${server}" ran, but its answer is not a tool result the protocol allows: ${reasonOf(error)}. The server must fix the tool's answer.`,
      cause: error,
      details,
    });
  }
  if (sent && error instanceof StreamableHTTPError && mayHaveRunAfter(error.code)) {
    // A server error for the call: the server may have run the tool before failing. A 4xx
    // (unauthorised, a bad request, rate limited) refused it before it ran, and stays a
    // refusal; a 408 timed out, maybe mid-call.
    return unanswered(
      'mcp.connection_lost',
      `MCP server "${server}" answered the call to "${tool}" with an HTTP error (${reasonOf(error)}); ${outcome}. Check the server.`,
    );
  }
  return new McpServerError('mcp.request_failed', {
    message: `MCP server "${server}" refused the call to "${tool}": ${reasonOf(error)}.`,
    cause: error,
    details,
  });
}

/**
 * A call the transport failed under (sent), or refused because it had (not sent). Sent, the
 * request reached the server or may have (a stdio request is written before its answer is
 * awaited; an HTTP answer that broke off had begun), so the tool may have acted.
 */
function brokenTransport(
  error: unknown,
  { server, tool, sent, broken, stderrTail }: FailedCall,
  details: Record<string, unknown>,
): McpServerError {
  const { scope, reason, advice, cause } = broken!;
  details.mayHaveRun = sent;
  if (stderrTail && scope === 'connection') details.stderr = stderrTail;
  const lost = scope === 'connection' ? ' Its tools fail until you connect again.' : '';
  const message = sent
    ? `The connection to MCP server "${server}" broke during the call to "${tool}": ${reason}. The call may or may not have run.${lost} ${advice}`
    : `The connection to MCP server "${server}" broke before the call to "${tool}" (${reason}); the call was not sent.${lost} ${advice}`;
  return new McpServerError('mcp.transport_failed', { message, cause: cause ?? error, details });
}

/**
 * True for a check of the answer's shape made after the tool ran: the client's (a zod error:
 * the SDK parses every result against the protocol's schema once it arrived), or the server
 * SDK's own check of what its handler returned ("Invalid tools/call result"). Unlike any other
 * JSON-RPC error the server sends, which says it refused the call.
 */
function answerUnreadable(error: unknown): boolean {
  if (error instanceof McpError) return /Invalid tools\/call result/.test(error.message);
  return (
    error instanceof Error &&
    (error.name === 'ZodError' || Array.isArray((error as { issues?: unknown }).issues))
  );
}

/**
 * True when the error says the HTTP session is gone: a 404 on a session request, the server
 * forgot the session (restarted or expired it). Not an McpError's code: the SDK's own
 * "Connection closed" has the code -32000, which JSON-RPC leaves to servers for their errors
 * ("Server error") and many answer a refusal with. A transport that did close has made the
 * session `lost` before its calls fail (the client's `onclose` runs first), so the status
 * says it.
 */
export function isConnectionClosed(error: unknown): boolean {
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
  return error instanceof Error ? error.message : String(error);
}

/**
 * True for the MCP SDK client's own check of an answer's `structuredContent` against the
 * tool's `outputSchema` (it throws an McpError after the answer arrived): unlike a JSON-RPC
 * error from the server, the tool did run.
 */
function brokeOutputSchema(error: unknown): boolean {
  return (
    error instanceof McpError &&
    /Structured content does not match the tool's output schema|Failed to validate structured content|has an output schema but did not return structured content/.test(
      error.message,
    )
  );
}

/** Whether an HTTP status for a call leaves open that the tool ran: 5xx and 408, or none. */
function mayHaveRunAfter(status: number | undefined): boolean {
  return status === undefined || status >= 500 || status === 408;
}
