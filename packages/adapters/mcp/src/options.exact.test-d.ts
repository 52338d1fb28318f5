/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { it } from 'vitest';
import { connectMcpServer, McpServerError } from './index';

it('takes undefined for the options of connectMcpServer and its transports', async () => {
  await connectMcpServer({
    transport: {
      command: 'npx',
      args: undefined,
      env: undefined,
      cwd: process.env.MCP_CWD,
      onStderr: undefined,
    },
    effects: undefined,
    defaultEffect: undefined,
    include: undefined,
    descriptions: undefined,
    prefix: undefined,
    timeoutMs: undefined,
    connectTimeoutMs: undefined,
    maxOutputBytes: undefined,
    maxToolDefinitionsBytes: undefined,
  });
  await connectMcpServer({ transport: { url: 'http://127.0.0.1:3000/mcp', headers: undefined } });
  new McpServerError('mcp.connect_failed', {
    message: 'down',
    cause: undefined,
    details: undefined,
  });
});
