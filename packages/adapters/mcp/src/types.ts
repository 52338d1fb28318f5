import type { Tool, ToolEffect } from '@agentchart/core';
import type { z } from 'zod';
import type { McpToolResultSchema } from './tool-result';

/** Start a server as a child process and talk to it over its stdin and stdout. */
export interface McpStdioTransportOptions {
  /** The executable that starts the server; run directly, never through a shell. */
  command: string;
  args?: readonly string[] | undefined;
  /**
   * Variables for the server, added to (and winning over) the few the MCP SDK passes on
   * (`PATH`, `HOME`, `USER`, `SHELL`, `TERM`, `LOGNAME`; others on Windows): the rest of this
   * process's environment, its API keys included, never reaches the server. Neither do proxy
   * and certificate settings: `npx` behind a corporate CA needs `NODE_EXTRA_CA_CERTS` here.
   */
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  /**
   * Receives what the server writes to stderr (its logs). Without it the output is kept
   * only as a short tail for the errors that report a dead server.
   */
  onStderr?: ((text: string) => void) | undefined;
}

/** Talk to a server over MCP's streamable HTTP transport. */
export interface McpHttpTransportOptions {
  url: string | URL;
  /** Headers sent with every request, e.g. `Authorization`. */
  headers?: Record<string, string> | undefined;
}

/** Where the server is: a command to start (stdio) or a URL (streamable HTTP). */
export type McpTransportOptions = McpStdioTransportOptions | McpHttpTransportOptions;

/** Options of `connectMcpServer`. */
export interface ConnectMcpServerOptions {
  transport: McpTransportOptions;
  /**
   * The effect kind of each tool, by its name on the server. MCP's own hints
   * (`readOnlyHint`, `idempotentHint`) come from the server and are not trusted for this.
   */
  effects?: Record<string, ToolEffect> | undefined;
  /** The effect kind of every tool not named in `effects`. Default `unsafe`. */
  defaultEffect?: ToolEffect | undefined;
  /** Only these tools (names on the server) become agentchart tools. Default: all of them. */
  include?: readonly string[] | undefined;
  /**
   * Descriptions that replace the server's, by tool name. A server's description goes to the
   * model as it is, so replace those of servers you do not control.
   */
  descriptions?: Record<string, string> | undefined;
  /**
   * Put before every tool name, so two servers' tools cannot collide (`github_` makes
   * `create_issue` into `github_create_issue`).
   */
  prefix?: string | undefined;
  /** How long one tool call may take (each tool's `timeoutMs`). Default 30 s. */
  timeoutMs?: number | undefined;
  /**
   * How long connecting may take: starting the server, the handshake and every page of the
   * tool listing together, one deadline rather than one per request. Default 60 s: a first
   * `npx` run downloads the server. A server that misses it is stopped before
   * `connectMcpServer` fails; a stdio server that ignores the end of its input is given up to
   * 4 s more to exit. `close()` waits at most 5 s (or this, if less) for an HTTP server to end
   * the session.
   */
  connectTimeoutMs?: number | undefined;
  /** The largest tool result accepted, in bytes of JSON; larger fail with `mcp.output_too_large`. Default 1 MiB. */
  maxOutputBytes?: number | undefined;
  /**
   * The most bytes the chosen tools' definitions (name, description, input schema, as JSON)
   * may take together: they go to the model with every request, so a server listing
   * thousands of tools or megabytes of description would cost that on every call. Over it,
   * `connectMcpServer` fails with `definition.invalid_option`, naming the largest tools.
   * Default 256 KiB (roughly 64,000 tokens).
   */
  maxToolDefinitionsBytes?: number | undefined;
}

/** Where a connection is in its life: `lost` when the server went away while connected. */
export type McpConnectionStatus = 'open' | 'lost' | 'closed';

/** What an MCP tool returns: the content blocks and, when the tool has one, its structured result. */
export type McpToolResult = z.output<typeof McpToolResultSchema>;

/** An MCP server's tool as an agentchart tool. */
export type McpTool = Tool<z.ZodType<Record<string, unknown>>, typeof McpToolResultSchema>;

/** A connected MCP server and its tools. */
export interface McpConnection {
  /** The server's tools with their contracts, ready for `toolLoop` or `toolCall`. */
  readonly tools: McpTool[];
  /** The server's name and version, as it announced them. */
  readonly server: { name: string; version: string };
  readonly status: McpConnectionStatus;
  /**
   * Ends the session: a stdio server's process is stopped (stdin closed, then SIGTERM,
   * then SIGKILL) and waited for; an HTTP session is deleted on the server. Calls made after it
   * fail with `mcp.closed`. Safe to call twice.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
