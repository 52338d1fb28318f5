import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { stdioTestServer } from '../test/fixtures/test-servers';
import { connectMcpServer } from './connect-mcp-server';

describe('stdioTransport', () => {
  const server = stdioTestServer();
  afterAll(() => server.remove());

  it('reads a result as large as maxOutputBytes allows, past the SDK’s 10 MiB message bound', async () => {
    const connection = await connectMcpServer({
      transport: server.transport,
      include: ['big'],
      maxOutputBytes: 24 * 1024 * 1024,
    });
    try {
      const big = connection.tools.find((tool) => tool.name === 'big')!;
      // 12 MiB of text: over the SDK’s bound on one stdio message, under maxOutputBytes (and
      // under a journal row raised to keep it).
      const length = 12 * 1024 * 1024;
      const { output, error } = await runEffect(
        toolCall(big),
        { length },
        { maxJournalValueBytes: 32 * 1024 * 1024 },
      );
      expect(error).toBeUndefined();
      const { content } = output as { content: { text: string }[] };
      expect(content[0]!.text).toHaveLength(length);
    } finally {
      await connection.close();
    }
  }, 60_000);
});
