import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { toMcpServerError } from './to-mcp-server-error';

const call = {
  server: 'bank',
  tool: 'transfer',
  timeoutMs: 1_000,
  status: 'open' as const,
  sent: true,
  stderrTail: '',
};

describe('toMcpServerError', () => {
  it('says a call whose answer the protocol refuses ran, and a server error may have', () => {
    // Before: both were "refused", and a model told so called an unsafe tool again.
    const unreadable = Object.assign(new Error('Invalid input'), { name: 'ZodError', issues: [] });
    expect(toMcpServerError(unreadable, call)).toMatchObject({
      code: 'mcp.request_failed',
      details: { answered: true },
    });
    const checkedByServer = new McpError(ErrorCode.InvalidParams, 'Invalid tools/call result: …');
    expect(toMcpServerError(checkedByServer, call)).toMatchObject({ details: { answered: true } });
    for (const status of [503, 408]) {
      expect(toMcpServerError(new StreamableHTTPError(status, 'failed'), call)).toMatchObject({
        code: 'mcp.connection_lost',
        details: { mayHaveRun: true },
      });
    }
  });

  it('keeps a refusal a refusal: a JSON-RPC error, and an HTTP 4xx', () => {
    const refused = [
      new McpError(ErrorCode.InvalidParams, 'amount must be positive'),
      new StreamableHTTPError(401, 'unauthorised'),
      new StreamableHTTPError(429, 'rate limited'),
      // JSON-RPC's generic server error: the SDK's own "connection closed" has the same code.
      new McpError(-32000, 'rate limited, try again in a minute'),
    ];
    for (const error of refused) {
      expect(toMcpServerError(error, call)).toMatchObject({
        code: 'mcp.request_failed',
        details: { mayHaveRun: false },
      });
      expect(toMcpServerError(error, call).details.answered).toBeUndefined();
    }
  });
});
