import { DefinitionError } from '@agentchart/core';
import type { ListedTool } from './select-tools';
import { toolDescription } from './tool-description';

/** What {@link checkDefinitionsSize} needs besides the tools. */
export interface DefinitionsSizeOptions {
  /** The agentchart names of the tools, in the same order. */
  names: readonly string[];
  /** The developer's replacements of server descriptions, by server tool name. */
  descriptions: Record<string, string>;
  maxBytes: number;
}

/**
 * Refuses chosen tools whose definitions — name, description and input schema, as the model
 * receives them with every request — take more than `maxBytes` together. A server can list
 * thousands of tools or a description of megabytes: each would cost its tokens on every model
 * call of every run, and compiling their schemas would hold up the connection.
 */
export function checkDefinitionsSize(
  server: string,
  tools: readonly ListedTool[],
  { names, descriptions, maxBytes }: DefinitionsSizeOptions,
): void {
  let total = 0;
  const sizes = tools.map((tool, index) => {
    // Own keys only: a server tool named `toString` or `constructor` read Object's methods.
    const description = toolDescription(tool, server, ownValue(descriptions, tool.name));
    const bytes = Buffer.byteLength(
      JSON.stringify({ name: names[index], description, parameters: tool.inputSchema }),
    );
    total += bytes;
    return { name: tool.name, bytes, descriptionBytes: Buffer.byteLength(description) };
  });
  if (total <= maxBytes) return;
  const largest = sizes
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map(
      ({ name, bytes, descriptionBytes }) =>
        `"${name}" (${bytes} bytes, ${descriptionBytes} of them its description)`,
    );
  throw new DefinitionError(
    'definition.invalid_option',
    `connectMcpServer: the ${tools.length} chosen tools of MCP server "${server}" take ${total} ` +
      `bytes as the model receives them (about ${Math.ceil(total / 4)} tokens), over ` +
      `maxToolDefinitionsBytes (${maxBytes}); they would be sent with every model request. ` +
      `The largest: ${largest.join(', ')}. Choose fewer tools with include, replace long ` +
      'descriptions with descriptions, or raise maxToolDefinitionsBytes.',
  );
}

/** `record[key]` when `record` has it as its own key, not one it inherits from Object. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
