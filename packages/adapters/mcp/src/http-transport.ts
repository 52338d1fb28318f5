import { DefinitionError } from '@agentchart/core';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type AnswerLostListener, boundedFetch } from './bounded-fetch';
import type { CreatedTransport } from './created-transport';
import type { McpHttpTransportOptions } from './types';

/** The least an answer may take: a long tool listing comes in one answer too. */
const minAnswerBytes = 16 * 1024 * 1024;

/**
 * MCP's streamable HTTP transport to a URL; closing deletes the session on the server. An
 * answer is read up to twice `maxOutputBytes` and 64 KiB more (a result written as JSON
 * inside the JSON-RPC message, its text escaped once more), and at least 16 MiB: one over the
 * cap is refused as `mcp.output_too_large`, and one without end is not read whole.
 */
export function httpTransport(
  { url, headers }: McpHttpTransportOptions,
  { maxOutputBytes }: { maxOutputBytes: number },
): CreatedTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new DefinitionError(
      'definition.invalid_option',
      `connectMcpServer: "${String(url)}" is not a URL. Give the server's full MCP endpoint, e.g. http://127.0.0.1:3000/mcp.`,
      cause,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DefinitionError(
      'definition.invalid_option',
      `connectMcpServer: "${parsed.href}" is not an http(s) URL. Streamable HTTP needs http: or https:.`,
    );
  }
  const answerLost: AnswerLostListener = (requests, error) =>
    created.onFailure?.({
      scope: 'answers',
      reason: `its answer broke off (${reasonOf(error)})`,
      advice: 'Check that the server is up; the connection stays open for the next call.',
      cause: error,
      requests,
    });
  const transport = new StreamableHTTPClientTransport(parsed, {
    ...(headers ? { requestInit: { headers } } : {}),
    fetch: boundedFetch(Math.max(minAnswerBytes, 2 * maxOutputBytes + 64 * 1024), answerLost),
  });
  const created: CreatedTransport = {
    transport,
    // Origin and path only: a query string may carry a token.
    label: parsed.origin + parsed.pathname,
    stderrTail: () => '',
    endSession: () => transport.terminateSession(),
    stopped: async () => {},
  };
  return created;
}

/** An error's message, with its cause's: Node's fetch says only "terminated" without it. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error.message + cause;
}
