import type { ListedTool } from './select-tools';

/**
 * The description the model receives for a listed tool: the developer's replacement, else
 * the server's description, else its title, else one naming the tool and its server. One
 * function for the tool and for `checkDefinitionsSize`, so the size checked is the size sent:
 * a blank description beside a title of megabytes (or none, beside a server name of megabytes)
 * passed the check as empty and then went with every model request.
 */
export function toolDescription(
  listed: ListedTool,
  server: string,
  replacement: string | undefined,
): string {
  return (
    replacement ??
    (listed.description?.trim() ||
      listed.title?.trim() ||
      `The "${listed.name}" tool of MCP server "${server}".`)
  );
}
