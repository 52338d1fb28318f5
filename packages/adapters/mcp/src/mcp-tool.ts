import { defineTool, type ToolEffect } from '@agentchart/core';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { z } from 'zod';
import { inputContractOf } from './input-contract';
import type { McpSession } from './mcp-session';
import type { ListedTool } from './select-tools';
import { McpToolResultSchema, toToolOutput } from './tool-result';
import type { McpTool } from './types';

/** How one listed tool becomes an agentchart tool. */
export interface McpToolOptions {
  session: McpSession;
  listed: ListedTool;
  /** The agentchart name (prefixed, provider-safe); calls use `listed.name`. */
  name: string;
  effect: ToolEffect;
  description: string | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
  validator: jsonSchemaValidator;
}

/**
 * An MCP server's tool as an agentchart tool: arguments checked against the server's input
 * schema before the call, the server's JSON Schema sent to the model as it is, the result
 * checked against MCP's content shape.
 */
export function mcpTool({
  session,
  listed,
  name,
  effect,
  description,
  timeoutMs,
  maxOutputBytes,
  validator,
}: McpToolOptions): McpTool {
  const owner = `MCP tool "${listed.name}" of server "${session.server}"`;
  const { $schema: _ignored, ...parameters } = listed.inputSchema;
  const tool = defineTool({
    name,
    description:
      description ??
      (listed.description?.trim() ||
        listed.title?.trim() ||
        `The "${listed.name}" tool of MCP server "${session.server}".`),
    input: inputContractOf(listed.inputSchema, { owner, validator }),
    output: McpToolResultSchema,
    effect,
    timeoutMs,
    execute: async (input, { signal, idempotencyKey }) => {
      const answer = await session.call(listed.name, input, { signal, timeoutMs, idempotencyKey });
      return toToolOutput(answer, {
        server: session.server,
        tool: listed.name,
        maxOutputBytes,
      }) as z.input<typeof McpToolResultSchema>;
    },
  });
  // The server's own schema, not zod's round trip of it: same constraints, its own wording.
  return { ...tool, parameters };
}
