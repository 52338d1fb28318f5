import type { Server } from 'node:http';
import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { minimalHttpServer } from '../test/fixtures/minimal-http-server';
import { connectMcpServer } from './connect-mcp-server';

/** Bytes the flooding server sends at most, so the old client's test ends too. */
const floodBytes = 96 * 1024 * 1024;

/**
 * A minimal MCP server over HTTP whose one tool answers with a body that does not end (until
 * `floodBytes`): JSON-RPC answers for the handshake and the listing, then a flood. With
 * `answerDelete: false` it never answers the request that ends a session.
 */
async function floodingServer({ answerDelete = true } = {}): Promise<{
  url: string;
  server: Server;
  sent: () => number;
}> {
  let sent = 0;
  const { url, server } = await minimalHttpServer({
    name: 'flood',
    tools: ['flood'],
    answerDelete,
    onCall(message, response) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(
        `{"jsonrpc":"2.0","id":${message.id},"result":{"content":[{"type":"text","text":"`,
      );
      const chunk = 'x'.repeat(64 * 1024);
      const more = () => {
        while (sent < floodBytes && !response.destroyed) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', more);
        }
        response.end('"}]}}');
      };
      more();
    },
  });
  return { url, server, sent: () => sent };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('httpTransport', () => {
  it('stops reading an answer that runs past its bound, instead of holding all a server sends', async () => {
    const { url, server, sent } = await floodingServer();
    servers.push(server);
    const connection = await connectMcpServer({ transport: { url }, maxOutputBytes: 1024 });
    try {
      const flood = connection.tools.find((tool) => tool.name === 'flood')!;
      const { error } = await runEffect(toolCall(flood), {});
      // The server was answering: the unsafe tool may have acted, so it is not sent back to
      // the model as refused (before, it was `tool.failed`, and the model could call it again).
      expect(error).toMatchObject({ code: 'effect.ambiguous' });
      expect(error.cause).toMatchObject({
        code: 'mcp.transport_failed',
        message: expect.stringMatching(/ran past 16777216 bytes/),
      });
      // Read no further than the bound: the server did not get to send its 96 MiB.
      expect(sent()).toBeLessThan(floodBytes);
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('closes without waiting connectTimeoutMs for a server that never ends the session', async () => {
    const { url, server } = await floodingServer({ answerDelete: false });
    servers.push(server);
    // A minute to connect, as a first npx run may need; closing must not wait that long.
    const connection = await connectMcpServer({ transport: { url }, connectTimeoutMs: 60_000 });
    await connection.close();
  }, 20_000);
});
