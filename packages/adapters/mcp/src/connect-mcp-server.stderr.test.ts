import { describe, expect, it } from 'vitest';
import { connectMcpServer } from './connect-mcp-server';

const token = 'tok-5f2c9a81d04e7b36';

describe('connectMcpServer', () => {
  it('redacts the credentials it gave a server from the stderr its mcp.connect_failed quotes', async () => {
    // A server that prints its configuration, credential included, and exits.
    const error = await connectMcpServer({
      transport: {
        command: process.execPath,
        args: ['-e', "console.error('starting with SERVICE_TOKEN=' + process.env.SERVICE_TOKEN)"],
        env: { SERVICE_TOKEN: token },
      },
      connectTimeoutMs: 10_000,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      message: expect.stringContaining('starting with SERVICE_TOKEN=[REDACTED'),
    });
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(token);
  });

  it('quotes no part of a credential its 2,000-character quote would cut in two', async () => {
    // The quote starts ten characters before the credential ends.
    const error = await connectMcpServer({
      transport: {
        command: process.execPath,
        args: ['-e', "process.stderr.write(process.env.SERVICE_TOKEN + 'y'.repeat(1_990))"],
        env: { SERVICE_TOKEN: token },
      },
      connectTimeoutMs: 10_000,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'mcp.connect_failed' });
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(
      token.slice(-10),
    );
  });
});
