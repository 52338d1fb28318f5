import { DefinitionError } from '@agentchart/core';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  McpHttpTransportOptions,
  McpStdioTransportOptions,
  McpTransportOptions,
} from './types';

/** An SDK transport with what the connection needs around it. */
export interface CreatedTransport {
  transport: Transport;
  /** Names the server in messages until it announces its own name. */
  label: string;
  /** The end of what a stdio server wrote to stderr, for the errors that report it dead. */
  stderrTail(): string;
  /** Deletes an HTTP session on the server; nothing to do for stdio. */
  endSession(): Promise<void>;
}

const stderrTailLength = 2_000;

/** The SDK transport for a command (stdio) or a URL (streamable HTTP). */
export function createTransport(options: McpTransportOptions): CreatedTransport {
  if ('command' in options && typeof options.command === 'string') return stdio(options);
  if ('url' in options && options.url) return http(options);
  throw new DefinitionError(
    'definition.invalid_option',
    'connectMcpServer: transport has neither a command nor a url. Give { command, args } to start a server over stdio, or { url } for streamable HTTP.',
  );
}

function stdio({
  command,
  args = [],
  env,
  cwd,
  onStderr,
}: McpStdioTransportOptions): CreatedTransport {
  const transport = new StdioClientTransport({
    command,
    args: [...args],
    ...(env ? { env } : {}),
    ...(cwd ? { cwd } : {}),
    // Piped, never inherited: a server's logs are not this process's output.
    stderr: 'pipe',
  });
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-stderrTailLength);
    onStderr?.(text);
  });
  return {
    transport,
    label: [command, ...args].join(' '),
    stderrTail: () => tail.trim(),
    endSession: async () => {},
  };
}

function http({ url, headers }: McpHttpTransportOptions): CreatedTransport {
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
    label: parsed.origin + parsed.pathname,
    stderrTail: () => '',
    endSession: () => transport.terminateSession(),
  };
}
