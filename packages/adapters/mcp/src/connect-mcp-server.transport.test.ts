import type { Server } from 'node:http';
import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { minimalHttpServer } from '../test/fixtures/minimal-http-server';
import { stdioTestServer } from '../test/fixtures/test-servers';
import { connectMcpServer } from './connect-mcp-server';
import type { McpConnection, McpTool } from './types';

/**
 * Far longer than each test may take (its vitest timeout): a failure must come from the
 * broken transport, not from waiting out the call's time.
 */
const timeoutMs = 30_000;
const testTimeoutMs = 15_000;

function toolNamed(connection: McpConnection, name: string): McpTool {
  const tool = connection.tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

describe('connectMcpServer when a stdio stream breaks (issue: transport errors wait for the timeout)', () => {
  const open: McpConnection[] = [];
  const servers: ReturnType<typeof stdioTestServer>[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    for (const server of servers.splice(0)) server.remove();
  });
  const connect = async (
    mode: string,
    options: { effects?: Record<string, 'idempotent'>; timeoutMs?: number } = {},
  ) => {
    const server = stdioTestServer();
    servers.push(server);
    const connection = await connectMcpServer({
      transport: { ...server.transport, args: [server.transport.args![0]!, mode] },
      timeoutMs,
      ...options,
    });
    open.push(connection);
    return connection;
  };

  it(
    'skips log lines a server writes to stdout while it answers, plain or JSON, and the call gets its answer',
    async () => {
      const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const connection = await connect('stdio-noisy');
        for (let round = 0; round < 3; round++) {
          const { output, error } = await runEffect(toolCall(toolNamed(connection, 'chatty')), {});
          expect(error).toBeUndefined();
          expect(output).toMatchObject({ content: [{ type: 'text', text: 'page' }] });
        }
        expect(connection.status).toBe('open');
        // Said once per connection, without the line (a log line may hold a secret).
        expect(warned).toHaveBeenCalledTimes(1);
        expect(warned).toHaveBeenCalledWith(
          expect.stringMatching(
            /MCP server "test-server" wrote a line to stdout that is (not JSON|JSON but not a JSON-RPC message) while a call waited.*log to stderr/,
          ),
          { code: 'AGENTCHART_MCP_STRAY_OUTPUT' },
        );
        expect(String(warned.mock.calls[0]![0])).not.toContain('Fetching');
      } finally {
        warned.mockRestore();
      }
    },
    testTimeoutMs,
  );

  it(
    'leaves a call whose answer never comes after a stray line to its timeout, explained by the warning, and keeps the connection',
    async () => {
      const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const connection = await connect('stdio-noisy', { timeoutMs: 2_000 });
        const { error } = await runEffect(toolCall(toolNamed(connection, 'garbage')), {});
        // Sent and unanswered: the tool may have acted.
        expect(error).toMatchObject({ code: 'effect.ambiguous' });
        expect(warned).toHaveBeenCalledWith(
          expect.stringContaining('Should the line have been the answer'),
          { code: 'AGENTCHART_MCP_STRAY_OUTPUT' },
        );
        expect(connection.status).toBe('open');
        const after = await runEffect(toolCall(toolNamed(connection, 'echo')), { text: 'a' });
        expect(after.error).toBeUndefined();
      } finally {
        warned.mockRestore();
      }
    },
    testTimeoutMs,
  );

  it(
    'skips a line that is not JSON-RPC while no call waits, as the SDK does (a banner)',
    async () => {
      const connection = await connect('stdio-noisy');
      const { output, error } = await runEffect(toolCall(toolNamed(connection, 'echo')), {
        text: 'a',
      });
      expect(error).toBeUndefined();
      expect(output).toMatchObject({ content: [{ type: 'text', text: 'a' }] });
      expect(connection.status).toBe('open');
    },
    testTimeoutMs,
  );

  it('fails a call whose answer runs past the read bound as a broken stream, not as a server that went away', async () => {
    // Reading 11 MiB takes the SDK seconds (it joins its buffer anew with each chunk): a
    // longer bound, and a call time longer still.
    const connection = await connect('stdio', { timeoutMs: 10 * 60_000 });
    // 11 MiB: past the 10 MiB a result of the default maxOutputBytes (1 MiB) may take.
    const { error } = await runEffect(
      toolCall(toolNamed(connection, 'big')),
      { length: 11 * 1024 * 1024 },
      { maxJournalValueBytes: 32 * 1024 * 1024 },
    );
    expect(error).toMatchObject({ code: 'effect.ambiguous' });
    expect(error.cause).toMatchObject({
      code: 'mcp.transport_failed',
      message: expect.stringContaining('a message over 10485760 bytes'),
      details: { tool: 'big', mayHaveRun: true },
    });
    expect(connection.status).toBe('lost');
  }, 60_000);
});

/**
 * A minimal MCP server over HTTP: JSON answers for the handshake and the listing; `dies`
 * starts an event-stream answer (one comment) and then drops the connection, as a server
 * that crashes mid-answer; `ok` answers.
 */
function dyingServer(): Promise<{ url: string; server: Server }> {
  return minimalHttpServer({
    name: 'dying',
    tools: ['dies', 'ok'],
    onCall(message, response) {
      if (message.params.name === 'dies') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(': working\n\n', () => response.socket?.destroy());
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: message.id,
          result: { content: [{ type: 'text', text: 'fine' }] },
        }),
      );
    },
  });
}

describe('connectMcpServer when an HTTP answer breaks off (issue: transport errors wait for the timeout)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it(
    'fails an unsafe call whose server dies mid-answer at once, as ambiguous, and keeps the connection for the next call',
    async () => {
      const { url, server } = await dyingServer();
      servers.push(server);
      await using connection = await connectMcpServer({ transport: { url }, timeoutMs });
      const { error } = await runEffect(toolCall(toolNamed(connection, 'dies')), {});
      // The server had begun its answer: it got the request, and may have acted.
      expect(error).toMatchObject({ code: 'effect.ambiguous' });
      expect(error.cause).toMatchObject({
        code: 'mcp.transport_failed',
        message: expect.stringMatching(/its answer broke off .*may or may not have run/),
        details: { server: 'dying', tool: 'dies', mayHaveRun: true },
      });
      expect(connection.status).toBe('open');
      const { output } = await runEffect(toolCall(toolNamed(connection, 'ok')), {});
      expect(output).toMatchObject({ content: [{ type: 'text', text: 'fine' }] });
    },
    testTimeoutMs,
  );
});
