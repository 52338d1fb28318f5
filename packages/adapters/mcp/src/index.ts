/**
 * @module @agentchart/mcp
 * The tools of any MCP server, over stdio or streamable HTTP, as agentchart tools: the
 * server's input schemas as zod contracts checked before each call, the effect kind you
 * declare (`unsafe` unless you say otherwise), failures as typed errors.
 */
export { connectMcpServer } from './connect-mcp-server';
export {
  McpServerError,
  type McpServerErrorCode,
  type McpServerErrorOptions,
} from './mcp-server-error';
export { McpToolResultSchema } from './tool-result';
export type {
  ConnectMcpServerOptions,
  McpConnection,
  McpConnectionStatus,
  McpHttpTransportOptions,
  McpStdioTransportOptions,
  McpTool,
  McpToolResult,
  McpTransportOptions,
} from './types';
