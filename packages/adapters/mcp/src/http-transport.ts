import { DefinitionError } from '@agentchart/core';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CreatedTransport } from './created-transport';
import type { McpHttpTransportOptions } from './types';

/** MCP's streamable HTTP transport to a URL; closing deletes the session on the server. */
export function httpTransport({ url, headers }: McpHttpTransportOptions): CreatedTransport {
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
  const transport = new StreamableHTTPClientTransport(parsed, {
    ...(headers ? { requestInit: { headers } } : {}),
  });
  return {
    transport,
    // Origin and path only: a query string may carry a token.
    label: parsed.origin + parsed.pathname,
    stderrTail: () => '',
    endSession: () => transport.terminateSession(),
    stopped: async () => {},
  };
}
