import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ListedTool } from './select-tools';

/** More pages than any real server has; a server that keeps answering with a cursor is stopped. */
const maxPages = 100;

/** Every tool the server lists, following `nextCursor` page by page. */
export async function listServerTools(client: Client, timeoutMs: number): Promise<ListedTool[]> {
  const tools: ListedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await client.listTools(cursor === undefined ? {} : { cursor }, {
      timeout: timeoutMs,
    });
    tools.push(...(answer.tools as ListedTool[]));
    cursor = answer.nextCursor;
    if (cursor === undefined) return tools;
  }
  throw new Error(`the server listed more than ${maxPages} pages of tools`);
}
