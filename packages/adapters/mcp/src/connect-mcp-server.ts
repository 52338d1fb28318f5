import { DefinitionError, type ToolEffect } from '@agentchart/core';
import { checkOptionNames, describeValue, maxTimerMs } from '@agentchart/core/internal';
import { createRedactor } from '@agentchart/core/security';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { checkDefinitionsSize, ownValue } from './check-definitions-size';
import { checkTextRecord } from './check-text-record';
import { startConnectDeadline } from './connect-deadline';
import { connectFailureAdvice } from './connect-failure-advice';
import { createLinearAjv } from './create-linear-ajv';
import { createTransport } from './create-transport';
import { listServerTools, ToolListError } from './list-server-tools';
import { McpServerError } from './mcp-server-error';
import { createSession } from './mcp-session';
import { mcpTool } from './mcp-tool';
import { OutputSchemaValidator } from './output-schema-validator';
import { quotedStderr } from './quoted-stderr';
import { agentchartToolNames, selectTools } from './select-tools';
import { transportSecrets } from './transport-secrets';
import type { ConnectMcpServerOptions, McpConnection } from './types';

const defaultTimeoutMs = 30_000;
const defaultConnectTimeoutMs = 60_000;
const defaultMaxOutputBytes = 1024 * 1024;
const defaultMaxToolDefinitionsBytes = 256 * 1024;
const toolEffects: readonly ToolEffect[] = ['pure', 'idempotent', 'unsafe'];
const clientInfo = { name: 'agentchart', version: '0.1.0' };
/** Every option: a misspelt `include` would otherwise expose every tool of the server. */
const optionNames = Object.keys({
  transport: true,
  effects: true,
  defaultEffect: true,
  include: true,
  descriptions: true,
  prefix: true,
  timeoutMs: true,
  connectTimeoutMs: true,
  maxOutputBytes: true,
  maxToolDefinitionsBytes: true,
} satisfies Record<keyof ConnectMcpServerOptions, true>);

/**
 * How long `close()` waits for an HTTP server to end the session (at most `connectTimeoutMs`):
 * ending it is a courtesy to the server, and a server that never answers must not hold a
 * shutdown for the minute a first connect may take.
 */
const endSessionTimeoutMs = 5_000;

/**
 * Connects to an MCP server (a command started over stdio, or a streamable HTTP URL) and
 * turns its tools into agentchart tools. Each tool's arguments are checked against the
 * server's input schema before the call reaches it; its effect kind is the one you declare,
 * `unsafe` unless you say otherwise; an `isError` answer fails the call with
 * `mcp.tool_error`. The tool list is read once: tools a server adds later are not offered.
 *
 * @example
 * ```ts
 * const files = await connectMcpServer({
 *   transport: { command: 'npx', args: ['@modelcontextprotocol/server-filesystem', '/srv/docs'] },
 *   include: ['read_text_file', 'list_directory'],
 *   effects: { read_text_file: 'pure', list_directory: 'pure' },
 * });
 * const research = toolLoop({ model: 'fast', tools: files.tools, prompt: (question) => question });
 * // … run agents …
 * await files.close();
 * ```
 */
export async function connectMcpServer(options: ConnectMcpServerOptions): Promise<McpConnection> {
  checkOptionNames('connectMcpServer', options, optionNames);
  const {
    transport: transportOptions,
    effects = {},
    defaultEffect = 'unsafe',
    include,
    descriptions = {},
    prefix = '',
    timeoutMs = defaultTimeoutMs,
    connectTimeoutMs = defaultConnectTimeoutMs,
    maxOutputBytes = defaultMaxOutputBytes,
    maxToolDefinitionsBytes = defaultMaxToolDefinitionsBytes,
  } = options;
  checkOptions({
    effects,
    defaultEffect,
    timeoutMs,
    connectTimeoutMs,
    maxOutputBytes,
    maxToolDefinitionsBytes,
  });
  checkSelection(include, prefix);
  checkTextRecord('descriptions', descriptions, "{ search: 'Searches the wiki by title.' }");
  const created = createTransport(transportOptions, { maxOutputBytes });
  const outputValidator = new OutputSchemaValidator();
  const client = new Client(clientInfo, { capabilities: {}, jsonSchemaValidator: outputValidator });
  const session = createSession(client, created, {
    closeTimeoutMs: Math.min(connectTimeoutMs, endSessionTimeoutMs),
  });
  let listed: Awaited<ReturnType<typeof listServerTools>>;
  const deadline = startConnectDeadline(connectTimeoutMs);
  try {
    await deadline.run('starting the server and the handshake', (requestOptions) =>
      client.connect(created.transport, requestOptions),
    );
    listed = await deadline.run('listing its tools', (requestOptions) =>
      listServerTools(client, requestOptions),
    );
  } catch (cause) {
    // Deleting an HTTP session gets what is left of the deadline: a server too slow to connect
    // is not waited for again. A stdio server is still stopped, whatever it takes.
    await session.close({ endSessionWithinMs: deadline.remainingMs() });
    // Redacted as an agent redacts what it stores: a server that fails to start often
    // prints its configuration, credentials included, and this text goes to logs.
    const stderr = quotedStderr(
      createRedactor({ toolSecrets: transportSecrets(transportOptions) }).text(
        created.stderrTail(),
      ),
    );
    const advice = connectFailureAdvice(cause);
    throw new McpServerError('mcp.connect_failed', {
      message:
        `Could not connect to MCP server "${created.label}": ${(cause as Error)?.message ?? String(cause)}` +
        (advice ? ` (${advice.reason}): ${advice.advice}.` : '.') +
        (stderr
          ? ` Its stderr ended with: ${stderr}`
          : cause instanceof ToolListError || advice
            ? ''
            : ' Check the command or URL, and that the server speaks MCP.'),
      cause,
      details: {
        server: created.label,
        ...(advice?.status === undefined ? {} : { status: advice.status }),
        ...(stderr ? { stderr } : {}),
      },
    });
  } finally {
    deadline.clear();
  }
  const announced = client.getServerVersion();
  session.server = announced?.name || created.label;
  try {
    const selected = selectTools(session.server, listed, { include, effects, descriptions });
    const names = agentchartToolNames(session.server, selected, prefix);
    // Before any schema is compiled: the size is what a hostile listing inflates.
    checkDefinitionsSize(session.server, selected, {
      names,
      descriptions,
      maxBytes: maxToolDefinitionsBytes,
    });
    const ajv = createLinearAjv();
    const secrets = transportSecrets(transportOptions);
    const tools = selected.map((listedTool, index) =>
      mcpTool({
        session,
        listed: listedTool,
        name: names[index]!,
        effect: ownValue(effects, listedTool.name) ?? defaultEffect,
        description: ownValue(descriptions, listedTool.name),
        timeoutMs,
        maxOutputBytes,
        ajv,
        outputSchemaFailure: listedTool.outputSchema
          ? outputValidator.failureOf(listedTool.outputSchema)
          : undefined,
        checkOutput: listedTool.outputSchema
          ? outputValidator.checkerOf(listedTool.outputSchema)
          : undefined,
        secrets,
      }),
    );
    const close = () => session.close();
    return {
      tools,
      server: { name: session.server, version: announced?.version ?? '' },
      get status() {
        return session.status;
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    // A definition mistake must not leave the server process running.
    await session.close();
    throw error;
  }
}

function checkOptions({
  effects,
  defaultEffect,
  timeoutMs,
  connectTimeoutMs,
  maxOutputBytes,
  maxToolDefinitionsBytes,
}: {
  effects: Record<string, ToolEffect>;
  defaultEffect: ToolEffect;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxOutputBytes: number;
  maxToolDefinitionsBytes: number;
}) {
  for (const [tool, effect] of [['defaultEffect', defaultEffect], ...Object.entries(effects)]) {
    if (!toolEffects.includes(effect as ToolEffect)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `connectMcpServer: the effect of ${tool === 'defaultEffect' ? 'defaultEffect' : `"${tool}"`} is "${effect}". Use 'pure', 'idempotent' or 'unsafe'.`,
      );
    }
  }
  for (const [option, value] of [
    ['timeoutMs', timeoutMs],
    ['connectTimeoutMs', connectTimeoutMs],
    ['maxOutputBytes', maxOutputBytes],
    ['maxToolDefinitionsBytes', maxToolDefinitionsBytes],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new DefinitionError(
        'definition.invalid_option',
        `connectMcpServer: ${option} is ${value}. Give a positive whole number.`,
      );
    }
    // Past 2^31 - 1 ms a timer fires at once: the connection failed after 1 ms, saying it
    // had not connected within the time given.
    if (option.endsWith('Ms') && value > maxTimerMs) {
      throw new DefinitionError(
        'definition.invalid_option',
        `connectMcpServer: ${option} is ${value}. Give at most ${maxTimerMs} milliseconds (about 24.8 days).`,
      );
    }
  }
}

/**
 * Checked before the server starts: `include: []` connected and offered no tool, a string was
 * read letter by letter, and a prefix that is not text was written into every tool's name.
 */
function checkSelection(include: unknown, prefix: unknown): void {
  if (
    include !== undefined &&
    (!Array.isArray(include) ||
      include.length === 0 ||
      !include.every((name) => typeof name === 'string' && name !== ''))
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `connectMcpServer: include is ${describeValue(include)}. Give the names of the server's tools to offer, such as ['search', 'fetch'], or leave it out for all of them.`,
    );
  }
  if (typeof prefix !== 'string') {
    throw new DefinitionError(
      'definition.invalid_option',
      `connectMcpServer: prefix is ${describeValue(prefix)}. Give the text put before each tool's name, such as 'github_'.`,
    );
  }
}
