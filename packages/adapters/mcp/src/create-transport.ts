import { DefinitionError } from '@agentchart/core';
import type { CreatedTransport } from './created-transport';
import { httpTransport } from './http-transport';
import { stdioTransport } from './stdio-transport';
import type { McpTransportOptions } from './types';

/** The SDK transport for a command (stdio) or a URL (streamable HTTP). */
export function createTransport(options: McpTransportOptions): CreatedTransport {
  if ('command' in options && typeof options.command === 'string') return stdioTransport(options);
  if ('url' in options && options.url) return httpTransport(options);
  throw new DefinitionError(
    'definition.invalid_option',
    'connectMcpServer: transport has neither a command nor a url. Give { command, args } to start a server over stdio, or { url } for streamable HTTP.',
  );
}
