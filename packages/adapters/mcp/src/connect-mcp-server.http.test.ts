import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpTestServer, startHttpTestServer } from '../test/fixtures/test-servers';
import { connectMcpServer } from './connect-mcp-server';
import { McpServerError } from './mcp-server-error';
import type { McpConnection } from './types';

/** The number of sessions the server holds, asked through a connection of its own. */
async function openSessions(url: string): Promise<number> {
  const probe = await connectMcpServer({ transport: { url }, include: ['sessions'] });
  try {
    const { output } = await runEffect(toolCall(probe.tools[0]!), {});
    // The probe's own session is one of them.
    return Number((output as { content: { text: string }[] }).content[0]!.text) - 1;
  } finally {
    await probe.close();
  }
}

describe('connectMcpServer over streamable HTTP', () => {
  let server: HttpTestServer;
  const open: McpConnection[] = [];
  beforeEach(async () => {
    server = await startHttpTestServer();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    await server.stop();
  });
  const connect = async () => {
    const connection = await connectMcpServer({
      transport: { url: server.url },
      effects: { add: 'pure' },
    });
    open.push(connection);
    return connection;
  };

  it('lists the tools of an McpServer with the JSON Schema it generates from zod', async () => {
    const connection = await connect();
    expect(connection.server.name).toBe('http-test-server');
    const add = connection.tools.find((tool) => tool.name === 'add')!;
    expect(add.effect).toBe('pure');
    expect(add.parameters).toMatchObject({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      required: ['a', 'b'],
    });
    expect(connection.tools.find((tool) => tool.name === 'sessions')!.effect).toBe('unsafe');
  });

  it('calls a tool and returns its content and structured result', async () => {
    const add = (await connect()).tools.find((tool) => tool.name === 'add')!;
    const { output } = await runEffect(toolCall(add), { a: 2, b: 40 });
    expect(output).toEqual({
      content: [{ type: 'text', text: '42' }],
      structuredContent: { sum: 42 },
    });
    const refused = await runEffect(toolCall(add), { a: 2.5, b: 1 });
    expect(refused.error).toMatchObject({ code: 'tool.invalid_arguments' });
  });

  it('deletes its session on the server when closed', async () => {
    const connection = await connect();
    expect(await openSessions(server.url)).toBe(1);
    await connection.close();
    expect(connection.status).toBe('closed');
    expect(await openSessions(server.url)).toBe(0);
  });

  it('makes an unsafe call whose server dies mid-call ambiguous', async () => {
    const connection = await connect();
    const crash = connection.tools.find((tool) => tool.name === 'crash')!;
    const { error } = await runEffect(toolCall(crash), {});
    expect(error).toMatchObject({ code: 'effect.ambiguous' });
    expect(McpServerError.isInstance(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({
      code: 'mcp.connection_lost',
      message: expect.stringContaining('may or may not have run'),
      details: { server: 'http-test-server', tool: 'crash', mayHaveRun: true },
    });
  });
});

describe('connectMcpServer deadline over streamable HTTP', () => {
  it('gives the handshake and the tool listing one connectTimeoutMs together, not one each', async () => {
    // Each phase alone fits in the setting; both together do not.
    const server = await startHttpTestServer({ slowMs: 1_500 });
    try {
      const error = await connectMcpServer({
        transport: { url: server.url },
        connectTimeoutMs: 2_000,
      }).then(
        async (connection) => {
          await connection.close();
          return connection;
        },
        (caught: unknown) => caught,
      );
      expect(McpServerError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'mcp.connect_failed',
        message: expect.stringContaining(
          'did not finish connecting within connectTimeoutMs (2000 ms)',
        ),
      });
    } finally {
      await server.stop();
    }
  });
});
