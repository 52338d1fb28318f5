import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import { checkTextRecord } from './check-text-record';
import type { CreatedTransport } from './created-transport';
import { httpTransport } from './http-transport';
import { stdioTransport } from './stdio-transport';
import type {
  McpHttpTransportOptions,
  McpStdioTransportOptions,
  McpTransportOptions,
} from './types';

const stdioOptionNames = Object.keys({
  command: true,
  args: true,
  env: true,
  cwd: true,
  onStderr: true,
} satisfies Record<keyof McpStdioTransportOptions, true>);
const httpOptionNames = Object.keys({
  url: true,
  headers: true,
} satisfies Record<keyof McpHttpTransportOptions, true>);

/**
 * The SDK transport for a command (stdio) or a URL (streamable HTTP). `maxOutputBytes` is the
 * largest tool result the connection accepts: a stdio transport reads messages that size.
 */
export function createTransport(
  options: McpTransportOptions,
  { maxOutputBytes }: { maxOutputBytes: number },
): CreatedTransport {
  if ('command' in options && typeof options.command === 'string') {
    checkOptionNames('connectMcpServer', options, stdioOptionNames, 'transport.');
    checkStdioOptions(options);
    return stdioTransport(options, { maxOutputBytes });
  }
  if ('url' in options && options.url) {
    checkOptionNames('connectMcpServer', options, httpOptionNames, 'transport.');
    checkTextRecord('transport.headers', options.headers, '{ Authorization: token }');
    return httpTransport(options, { maxOutputBytes });
  }
  throw new DefinitionError(
    'definition.invalid_option',
    'connectMcpServer: transport has neither a command nor a url. Give { command, args } to start a server over stdio, or { url } for streamable HTTP.',
  );
}

/**
 * Before, `onStderr: 42` threw uncaught as soon as the server wrote to stderr, `args` given as
 * a string became one argument per character, and an empty `cwd` was ignored.
 */
function checkStdioOptions(options: McpStdioTransportOptions): void {
  const fail = (message: string): never => {
    throw new DefinitionError(
      'definition.invalid_option',
      `connectMcpServer: transport.${message}`,
    );
  };
  const { args, cwd, onStderr, env } = options;
  checkTextRecord('transport.env', env, '{ API_KEY: key }');
  if (
    args !== undefined &&
    (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string'))
  ) {
    fail(
      `args is ${describeValue(args)}. Give the arguments as a list of strings, such as ['-y', '@modelcontextprotocol/server-everything'].`,
    );
  }
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd.trim() === '')) {
    fail(
      `cwd is ${describeValue(cwd)}. Give the folder to start the server in, or leave it out for this process's.`,
    );
  }
  if (onStderr !== undefined && typeof onStderr !== 'function') {
    fail(
      `onStderr is ${describeValue(onStderr)}. Give a function of each chunk of the server's stderr.`,
    );
  }
}
