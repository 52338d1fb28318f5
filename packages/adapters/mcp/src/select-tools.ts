import { DefinitionError } from '@agentchart/core';

/** A tool as the server lists it (the fields this package reads). */
export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  /** How the tool may be run: `taskSupport: 'required'` takes MCP's task API, not a call. */
  execution?: { taskSupport?: string };
}

/** The options of `connectMcpServer` that name tools. */
export interface ToolSelection {
  include?: readonly string[] | undefined;
  effects?: Record<string, unknown> | undefined;
  descriptions?: Record<string, string> | undefined;
}

/**
 * The listed tools to expose, after checking that every tool named in `include`, `effects`
 * and `descriptions` exists on the server: a misspelt name in `effects` would otherwise leave
 * the real tool on its default effect without a word.
 */
export function selectTools(
  server: string,
  listed: readonly ListedTool[],
  { include, effects = {}, descriptions = {} }: ToolSelection,
): ListedTool[] {
  const names = new Set(listed.map((tool) => tool.name));
  const named: [string, readonly string[]][] = [
    ['include', include ?? []],
    ['effects', Object.keys(effects)],
    ['descriptions', Object.keys(descriptions)],
  ];
  for (const [option, toolNames] of named) {
    const unknown = toolNames.filter((name) => !names.has(name));
    if (unknown.length > 0) {
      throw new DefinitionError(
        'definition.invalid_option',
        `connectMcpServer: ${option} names ${unknown.map((name) => `"${name}"`).join(', ')}, ` +
          `which MCP server "${server}" does not have. Its tools: ${[...names].join(', ') || '(none)'}. ` +
          'Fix the name or leave it out.',
      );
    }
  }
  if (!include) return [...listed];
  const wanted = new Set(include);
  return listed.filter((tool) => wanted.has(tool.name));
}

const maxToolNameLength = 64;

/**
 * The agentchart names of the selected tools: `prefix` + the server's name, with characters
 * model providers refuse (`.`, `/`, spaces …) turned into `_`. Calls still use the server's
 * own name. Two tools that end up with one name, or a name over 64 characters, are refused.
 */
export function agentchartToolNames(
  server: string,
  tools: readonly ListedTool[],
  prefix: string,
): string[] {
  if (!/^[a-zA-Z0-9_-]*$/.test(prefix)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `connectMcpServer: prefix "${prefix}" has characters model providers refuse in tool names. Use letters, digits, "_" or "-".`,
    );
  }
  const taken = new Map<string, string>();
  return tools.map((tool) => {
    const name = prefix + tool.name.replace(/[^a-zA-Z0-9_-]/g, '_');
    if (name.length > maxToolNameLength) {
      throw new DefinitionError(
        'definition.invalid_option',
        `MCP tool "${tool.name}" of server "${server}" would be named "${name}", over the ${maxToolNameLength} characters model providers accept. Use a shorter prefix, or leave the tool out with include.`,
      );
    }
    const other = taken.get(name);
    if (other !== undefined) {
      throw new DefinitionError(
        'definition.duplicate_tool',
        `MCP tools "${other}" and "${tool.name}" of server "${server}" would both be named "${name}". Leave one out with include.`,
      );
    }
    taken.set(name, tool.name);
    return name;
  });
}
