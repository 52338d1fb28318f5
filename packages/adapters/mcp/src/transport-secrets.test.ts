import { afterAll, describe, expect, it } from 'vitest';
import { stdioTestServer } from '../test/fixtures/test-servers';
import { connectMcpServer } from './connect-mcp-server';
import { transportSecrets } from './transport-secrets';

describe('transportSecrets', () => {
  it('takes the credential headers and variables, and the token after a scheme, and nothing else', () => {
    expect(
      transportSecrets({
        url: 'https://mcp.example.com/',
        headers: {
          Authorization: 'Bearer tok-1234567890',
          'X-Api-Key': 'k-abcdef123',
          Accept: 'json',
        },
      }),
    ).toEqual(['Bearer tok-1234567890', 'tok-1234567890', 'k-abcdef123']);
    expect(
      transportSecrets({
        command: 'server',
        env: { GITHUB_TOKEN: 'ghp_canary12345', LOG_LEVEL: 'debug', DB_PASSWORD: 'hunter2hunter2' },
      }),
    ).toEqual(['ghp_canary12345', 'hunter2hunter2']);
  });
});

describe('connectMcpServer and the credentials it hands the server', () => {
  const server = stdioTestServer();
  afterAll(() => server.remove());

  it("gives every tool the transport's credentials as its secrets, for the agent to redact (issue 13)", async () => {
    const transport = server.transport as { command: string; env?: Record<string, string> };
    const connection = await connectMcpServer({
      transport: {
        ...transport,
        env: { ...transport.env, SERVICE_TOKEN: 'svc-canary-5e7a9c1b3d' },
      },
      effects: { echo: 'pure' },
    });
    try {
      expect(connection.tools.length).toBeGreaterThan(0);
      for (const tool of connection.tools) expect(tool.secrets).toEqual(['svc-canary-5e7a9c1b3d']);
    } finally {
      await connection.close();
    }
  });
});
