// A real MCP server for the tests, run as its own process with Node's type stripping:
//   node mcp-test-server.ts stdio   speaks MCP on stdin/stdout (the SDK's low-level Server,
//                                   so each tool's JSON Schema is exactly what is written here)
//   node mcp-test-server.ts http    serves streamable HTTP on 127.0.0.1, an ephemeral port
//                                   printed as "listening <port>" (the SDK's McpServer)
//   node mcp-test-server.ts hang    never answers and ignores the end of its stdin
// With MCP_TEST_PID_FILE set it writes its pid there, so a test can check it is gone.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const mode = process.argv[2];
if (process.env.MCP_TEST_PID_FILE)
  writeFileSync(process.env.MCP_TEST_PID_FILE, String(process.pid));

/** What the stdio server lists: hand-written JSON Schemas, as servers in other languages send them. */
const stdioTools = [
  {
    name: 'echo',
    description: 'Repeats a text.',
    inputSchema: {
      type: 'object',
      properties: {
        text: { type: 'string', minLength: 1 },
        times: { type: 'integer', minimum: 1, maximum: 3, default: 1 },
      },
      required: ['text'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: { echoed: { type: 'string' }, idempotencyKey: { type: 'string' } },
      required: ['echoed'],
    },
  },
  {
    name: 'fail',
    description: 'Always answers with an error result.',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'crash',
    description: 'Exits the server process in the middle of the call.',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'slow',
    description: 'Answers only when cancelled.',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'big',
    description: 'Answers with a text of the given length.',
    inputSchema: {
      type: 'object',
      properties: { length: { type: 'integer', minimum: 0 } },
      required: ['length'],
    },
  },
  {
    name: 'transfer',
    description: 'A schema zod cannot convert: the amount is required only for kind "pay".',
    inputSchema: {
      type: 'object',
      properties: { kind: { enum: ['pay', 'check'] }, amount: { type: 'number' } },
      required: ['kind'],
      if: { properties: { kind: { const: 'pay' } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a thenable.
      then: { required: ['amount'] },
    },
  },
  {
    name: 'files.read',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
  },
  {
    name: 'stats',
    description: 'Counts the calls of the other tools and the cancellations received.',
    inputSchema: { type: 'object', properties: {} },
  },
];

function stdioServer(): Server {
  const server = new Server(
    { name: 'test-server', version: '1.2.3' },
    { capabilities: { tools: {} } },
  );
  let calls = 0;
  let cancelled = 0;
  const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: stdioTools }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args = {}, _meta } = request.params;
    if (name !== 'stats') calls++;
    switch (name) {
      case 'echo': {
        const echoed = String(args.text).repeat(Number(args.times ?? 1));
        const idempotencyKey = _meta?.['agentchart/idempotency-key'];
        return {
          ...text(echoed),
          structuredContent: {
            echoed,
            ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
          },
        };
      }
      case 'fail':
        return { ...text('disk quota exceeded on /data'), isError: true };
      case 'crash':
        process.stderr.write('crashing on purpose\n');
        process.exit(3);
        break;
      case 'slow':
        return new Promise<CallToolResult>((resolve) => {
          extra.signal.addEventListener('abort', () => {
            cancelled++;
            resolve(text('cancelled'));
          });
        });
      case 'big':
        return text('x'.repeat(Number(args.length)));
      case 'transfer':
        return text(`${args.kind} ${args.amount ?? ''}`.trim());
      case 'files.read':
        return text(`contents of ${String(args.path)}`);
      case 'stats':
        return text(JSON.stringify({ calls, cancelled, pid: process.pid }));
    }
    throw new Error(`unknown tool ${name}`);
  });
  return server;
}

/** One McpServer per HTTP session (an McpServer serves one transport); `sessions` counts them. */
function httpServer(sessions: () => number): McpServer {
  const server = new McpServer({ name: 'http-test-server', version: '0.0.1' });
  server.registerTool(
    'add',
    {
      description: 'Adds two integers.',
      inputSchema: { a: z.number().int(), b: z.number().int() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool('sessions', { description: 'Counts open sessions.' }, () => ({
    content: [{ type: 'text', text: String(sessions()) }],
  }));
  server.registerTool('crash', { description: 'Exits the server in the middle of the call.' }, () =>
    process.exit(3),
  );
  return server;
}

async function serveHttp() {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (request, response) => {
    const sessionId = request.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId !== undefined) {
        response.writeHead(404).end();
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports.set(id, created);
        },
      });
      created.onclose = () => {
        if (created.sessionId) transports.delete(created.sessionId);
      };
      await httpServer(() => transports.size).connect(created);
      transport = created;
    }
    await transport.handleRequest(request, response);
  });
  http.listen(0, '127.0.0.1', () => {
    const address = http.address();
    if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
  });
}

if (mode === 'stdio') await stdioServer().connect(new StdioServerTransport());
else if (mode === 'http') await serveHttp();
else if (mode === 'hang') {
  process.stderr.write('hanging on purpose\n');
  setInterval(() => {}, 60_000);
} else {
  process.stderr.write('usage: node mcp-test-server.ts stdio|http\n');
  process.exit(2);
}
