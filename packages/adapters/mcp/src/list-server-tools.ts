import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import type { DeadlineRequestOptions } from './connect-deadline';
import type { ListedTool } from './select-tools';

/** More pages than any real server has; a server that keeps answering with a cursor is stopped. */
const maxPages = 100;

/**
 * The server answered `tools/list`, but with a list the MCP schema refuses: the connection
 * works, the server's tool definitions do not. Its message names the tool and what is wrong.
 */
export class ToolListError extends Error {}

/** Every tool the server lists, following `nextCursor` page by page, within the connect deadline. */
export async function listServerTools(
  client: Client,
  options: DeadlineRequestOptions,
): Promise<ListedTool[]> {
  const tools: ListedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const params = cursor === undefined ? {} : { cursor };
    let answer: Awaited<ReturnType<Client['listTools']>>;
    try {
      answer = await client.listTools(params, options);
    } catch (cause) {
      throw await describeInvalidList(client, params, options, cause);
    }
    tools.push(...(answer.tools as ListedTool[]));
    cursor = answer.nextCursor;
    if (cursor === undefined) return tools;
  }
  throw new Error(`the server listed more than ${maxPages} pages of tools`);
}

const issueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

/**
 * The SDK refuses a whole `tools/list` answer for one malformed tool, with the zod issues as
 * its only message; this names the tool (from the answer, read again without the schema)
 * and says whose fix it is. Any other failure is returned as it was.
 */
async function describeInvalidList(
  client: Client,
  params: { cursor?: string },
  options: DeadlineRequestOptions,
  cause: unknown,
): Promise<unknown> {
  const parsed = z
    .array(issueSchema)
    .min(1)
    .safeParse((cause as { issues?: unknown })?.issues);
  if (!parsed.success) return cause;
  let names: unknown[] = [];
  try {
    const raw = await client.request(
      { method: 'tools/list', params },
      z.looseObject({ tools: z.array(z.unknown()) }),
      options,
    );
    names = raw.tools.map((tool) => (tool as { name?: unknown } | null)?.name);
  } catch {
    // The issues alone still say where the list is wrong.
  }
  const problems = parsed.data.slice(0, 5).map(({ path, message }) => {
    const [first, index, ...rest] = path;
    const name = first === 'tools' && typeof index === 'number' ? names[index] : undefined;
    const where =
      first === 'tools' && typeof index === 'number'
        ? `tool ${typeof name === 'string' ? `"${name}"` : `#${index + 1}`}${rest.length ? ` at ${rest.join('.')}` : ''}`
        : path.join('.') || 'the answer';
    return `${where}: ${message}`;
  });
  return new ToolListError(
    `its tools/list answer breaks the MCP schema (${problems.join('; ')}), and the MCP SDK refuses the whole list, so no tool of this server can be offered. The server must fix that tool's definition (an inputSchema must be of "type": "object")`,
    { cause },
  );
}
