import type { ToolDefinition } from '@agentchart/core';

/** A tool in OpenAI's function format, which `bindTools` of every LangChain provider accepts. */
export interface OpenAIFunctionTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** Core's tool definitions in OpenAI's function format. */
export function toOpenAITools(tools: readonly ToolDefinition[]): OpenAIFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}
