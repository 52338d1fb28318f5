import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type McpConnectionEvent, nextConnectionStatus } from './connection-status';
import type { CreatedTransport, TransportFailure } from './created-transport';
import { idempotencyKeyMeta, inFlightCalls, serverIdempotencyKey } from './in-flight-calls';
import { quotedStderr } from './quoted-stderr';
import { isConnectionClosed, toMcpServerError } from './to-mcp-server-error';
import type { CallToolAnswer } from './tool-result';
import type { McpConnectionStatus } from './types';

/** One tool call's settings. */
export interface SessionCallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /**
   * The harness's key of the call. Its digest is sent in the request's `_meta` (see
   * `serverIdempotencyKey`), so a server that supports it can drop a repeat.
   */
  idempotencyKey: string;
}

/** A connected client with its lifecycle: calls check and map the status, close ends everything. */
export interface McpSession {
  readonly status: McpConnectionStatus;
  /** The server's name for messages (its announced name, or the command or URL). */
  server: string;
  call(
    tool: string,
    args: Record<string, unknown>,
    options: SessionCallOptions,
  ): Promise<CallToolAnswer>;
  /**
   * Ends the session and stops the server; `endSessionWithinMs` (default: the session's close
   * timeout) bounds the wait for an HTTP server to delete its session.
   */
  close(options?: { endSessionWithinMs?: number }): Promise<void>;
}

const sdkTimeoutMarginMs = 1_000;

/**
 * Wraps a client (not yet connected) and its transport in a session. The status follows the
 * transport from here on, so a server that dies during the handshake is already `lost`.
 *
 * A transport that breaks without closing (see {@link TransportFailure}) ends the calls it
 * lost at once, as `mcp.transport_failed`, instead of leaving them to their timeout. A broken
 * stdio stream under a call makes the session `lost`: an answer may be gone, and the next
 * one could be read as another call's. A line on stdout that is not an MCP message is
 * skipped, as the MCP SDK does — most are log lines of a server that answers right after —
 * and, written while calls wait, reported once as a process warning
 * (`AGENTCHART_MCP_STRAY_OUTPUT`): should it have been an answer, that call times out.
 */
export function createSession(
  client: Client,
  created: CreatedTransport,
  { closeTimeoutMs }: { closeTimeoutMs: number },
): McpSession {
  let status: McpConnectionStatus = 'open';
  let closing: Promise<void> | undefined;
  /** The failure that made the session `lost`, for the calls refused after it. */
  let brokenBy: TransportFailure | undefined;
  const calls = inFlightCalls();
  const send = (event: McpConnectionEvent) => {
    status = nextConnectionStatus(status, event);
  };
  client.onclose = () => send('transport.closed');
  created.onFailure = (failure) => {
    if (status !== 'open') return;
    const ended = calls.fail(failure);
    if (failure.scope === 'connection' && ended > 0) {
      brokenBy = failure;
      send('stream.broken');
    }
  };
  let warnedOfStrayOutput = false;
  created.onStrayOutput = (line) => {
    // A banner before any call loses no answer; a line while calls wait is reported once.
    if (warnedOfStrayOutput || calls.size === 0) return;
    warnedOfStrayOutput = true;
    process.emitWarning(strayOutputWarning(session.server, line), {
      code: 'AGENTCHART_MCP_STRAY_OUTPUT',
    });
  };
  const session: McpSession = {
    get status() {
      return status;
    },
    server: created.label,
    async call(tool, args, { signal, timeoutMs, idempotencyKey }) {
      const failure = (error: unknown, sent: boolean, broken: TransportFailure | undefined) =>
        toMcpServerError(error, {
          server: session.server,
          tool,
          timeoutMs,
          status,
          sent,
          broken,
          stderrTail: quotedStderr(created.stderrTail()),
        });
      if (status !== 'open') throw failure(undefined, false, brokenBy);
      const sentKey = serverIdempotencyKey(idempotencyKey);
      const inFlight = calls.start(sentKey);
      try {
        const answer = await client.callTool(
          { name: tool, arguments: args, _meta: { [idempotencyKeyMeta]: sentKey } },
          undefined,
          // The harness times the call and aborts `signal`, which cancels the request on the
          // server. The SDK's own timer (60 s unless told) is only a backstop, a little later,
          // so the failure is the harness's `tool.timeout` rather than a race between the two.
          // A transport failure aborts `inFlight.signal`, which cancels the request too.
          {
            signal: AbortSignal.any([signal, inFlight.signal]),
            timeout: timeoutMs + sdkTimeoutMarginMs,
          },
        );
        return answer as CallToolAnswer;
      } catch (error) {
        // The harness has already settled the call with its own reason (timeout, state exit).
        if (signal.aborted) throw signal.reason;
        const broken = inFlight.failure();
        if (!broken && isConnectionClosed(error)) send('session.expired');
        throw failure(error, true, broken);
      } finally {
        inFlight.end();
      }
    },
    close({ endSessionWithinMs = closeTimeoutMs } = {}) {
      closing ??= closeOnce(endSessionWithinMs);
      return closing;
    },
  };
  async function closeOnce(endSessionWithinMs: number) {
    const wasOpen = status === 'open';
    send('close');
    if (wasOpen) await withinTime(created.endSession(), endSessionWithinMs);
    await client.close();
    await created.stopped();
  }
  return session;
}

/** Waits for `promise` at most `ms`, ignoring its failure: closing must not hang on a dead server. */
async function withinTime(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([promise.catch(() => undefined), expired]);
  clearTimeout(timer);
}

/** The warning for a line on a stdio server's stdout that is not an MCP message. */
function strayOutputWarning(server: string, line: string): string {
  return `MCP server "${server}" wrote a line to stdout that is ${line} while a call waited for its answer; the line was skipped (this is said once per connection). MCP lets a stdio server write only its messages to stdout: make it log to stderr. Should the line have been the answer, the call waits for its timeoutMs and fails then.`;
}
