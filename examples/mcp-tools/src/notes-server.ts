// A small MCP server for the example, written with the MCP SDK: notes kept in memory,
// searched and added over stdio. Any MCP server works the same way; this one needs no
// network and no install. Run by the agent as `node notes-server.ts` (Node strips the types).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const notes = [
  'Invoices over 10,000 EUR need the finance lead to sign.',
  'The Berlin office closes at 18:00 on Fridays.',
  'Refunds are paid within 14 days of approval.',
];

const server = new McpServer({ name: 'notes', version: '1.0.0' });

server.registerTool(
  'search_notes',
  {
    description: 'Finds the notes that contain every word of the query.',
    inputSchema: { query: z.string().min(2).max(200) },
  },
  ({ query }) => {
    const words = query.toLowerCase().split(/\s+/);
    const found = notes.filter((note) => words.every((word) => note.toLowerCase().includes(word)));
    return { content: found.map((note) => ({ type: 'text', text: note })) };
  },
);

server.registerTool(
  'add_note',
  {
    description: 'Adds a note for everyone to read.',
    inputSchema: { text: z.string().min(1).max(500) },
  },
  ({ text }) => {
    notes.push(text);
    return { content: [{ type: 'text', text: `Saved note ${notes.length}.` }] };
  },
);

await server.connect(new StdioServerTransport());
