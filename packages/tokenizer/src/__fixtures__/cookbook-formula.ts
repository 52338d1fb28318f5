import type { ChatMessage, ToolDefinition } from '@agentchart/core';

/**
 * OpenAI's documented counting rules, transcribed from its cookbook ("How to count tokens
 * with tiktoken", sections 6 and 7: `num_tokens_from_messages` and `num_tokens_for_tools`)
 * for gpt-4o / gpt-4o-mini (o200k_base) and gpt-4 / gpt-3.5-turbo (cl100k_base). Kept apart
 * from the counter under test: the derived fixtures come from this, the counter renders tools
 * differently, so agreement between them is a check, not a tautology.
 */
export function cookbookPromptTokens(
  messages: readonly (ChatMessage & { name?: string })[],
  tools: readonly ToolDefinition[],
  encoding: 'o200k_base' | 'cl100k_base',
  countText: (text: string) => number,
): number {
  let tokens = 3; // every reply is primed with <|start|>assistant<|message|>
  for (const message of messages) {
    tokens += 3 + countText(message.role) + countText(message.content);
    if (message.name !== undefined) tokens += countText(message.name) + 1;
  }
  if (tools.length === 0) return tokens;
  const functionInit = encoding === 'o200k_base' ? 7 : 10;
  for (const tool of tools) {
    tokens += functionInit + countText(`${tool.name}:${tool.description.replace(/\.$/, '')}`);
    const properties = (tool.parameters.properties ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    if (Object.keys(properties).length === 0) continue;
    tokens += 3; // prop_init
    for (const [key, property] of Object.entries(properties)) {
      tokens += 3; // prop_key
      if (Array.isArray(property.enum)) {
        tokens += -3; // enum_init
        for (const item of property.enum) tokens += 3 + countText(String(item));
      }
      const description = String(property.description ?? '').replace(/\.$/, '');
      tokens += countText(`${key}:${String(property.type)}:${description}`);
    }
  }
  return tokens + 12; // func_end
}
