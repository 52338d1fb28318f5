import { DefinitionError } from '@agentchart/core';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { httpTransport } from './http-transport';
import { stdioTransport } from './stdio-transport';
import type { McpTransportOptions } from './types';

/** An SDK transport with what the connection needs around it. */
export interface CreatedTransport {
  transport: Transport;
  /** Names the server in messages until it announces its own name. */
  label: string;
  /** The end of what a stdio server wrote to stderr, for the errors that report it dead. */
  stderrTail(): string;
  /** Deletes an HTTP session on the server; nothing to do for stdio. */
  endSession(): Promise<void>;
  /**
   * Resolves once the server is gone, after the client closed: a stdio server's process has
   * exited (signalled if it lingers); at once for HTTP.
   */
  stopped(): Promise<void>;
}

/** The SDK transport for a command (stdio) or a URL (streamable HTTP). */
export function createTransport(options: McpTransportOptions): CreatedTransport {
  if ('command' in options && typeof options.command === 'string') return stdioTransport(options);
  if ('url' in options && options.url) return httpTransport(options);
  throw new DefinitionError(
    'definition.invalid_option',
    'connectMcpServer: transport has neither a command nor a url. Give { command, args } to start a server over stdio, or { url } for streamable HTTP.',
  );
}
