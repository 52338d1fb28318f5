import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMcpServer } from './connect-mcp-server';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A loopback HTTP server that answers every request with `status` and `body`. */
async function answering(status: number, body: string, type = 'text/html'): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': type }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** A loopback port nothing listens on: one a server was given, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failure = (url: string) =>
  connectMcpServer({ transport: { url }, connectTimeoutMs: 5_000 }).catch(
    (caught: unknown) => caught,
  );

describe('connectMcpServer: why a connection failed', () => {
  it('says a server refused the credentials, with its HTTP status', async () => {
    // Before: "Streamable HTTP error: Error POSTing to endpoint: <html>Unauthorized</html>.
    // Check the command or URL" — no status, and nothing about the Authorization header.
    const error = await failure(await answering(401, '<html>Unauthorized</html>'));
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      details: { status: 401 },
      message: expect.stringContaining(
        '(the server answered HTTP 401): it refused the credentials: check transport.headers',
      ),
    });
  });

  it('says no MCP endpoint answers at the path of the URL', async () => {
    const error = await failure(await answering(404, 'not found', 'text/plain'));
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      details: { status: 404 },
      message: expect.stringContaining("no MCP endpoint at that path: check the URL's path"),
    });
  });

  it('says nothing listens at the address, instead of "fetch failed" alone', async () => {
    const error = await failure(`http://127.0.0.1:${await closedPort()}/mcp`);
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      message: expect.stringContaining(
        'fetch failed (ECONNREFUSED): nothing listens at that address and port',
      ),
    });
  });

  it('says a stdio command was not found', async () => {
    const error = await connectMcpServer({
      transport: { command: '/nonexistent/mcp-server' },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      message: expect.stringContaining(
        '(the command was not found): give its full path, or check that it is installed',
      ),
    });
  });
});
