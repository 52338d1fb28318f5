import { connectMcpServer } from '@agentchart/mcp';

/**
 * The MCP guide's first example: the reference filesystem server's two read-only tools over
 * a folder, started with npx. Type-checked here; the guide's tested agent is in agent.ts.
 */
export async function connectDocsFolder() {
  const files = await connectMcpServer({
    transport: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/docs'],
    },
    include: ['read_text_file', 'list_directory'],
    effects: { read_text_file: 'pure', list_directory: 'pure' },
  });
  // files.tools → toolLoop({ tools: files.tools, … }); when done: await files.close();
  return files;
}
