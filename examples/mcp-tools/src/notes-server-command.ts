import { fileURLToPath } from 'node:url';
import type { McpStdioTransportOptions } from '@agentchart/mcp';

/** Starts the example's notes server with this process's Node. */
export const notesServer: McpStdioTransportOptions = {
  command: process.execPath,
  args: [fileURLToPath(new URL('./notes-server.ts', import.meta.url))],
};
