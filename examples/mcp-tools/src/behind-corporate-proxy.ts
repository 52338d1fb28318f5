import { connectMcpServer } from '@agentchart/mcp';

/**
 * The MCP guide's example of passing proxy and certificate settings to a stdio server, which
 * gets only a few of this process's variables: without them `npx` cannot download the
 * server behind a corporate proxy or a TLS-inspecting CA. Type-checked here.
 */
export async function connectBehindProxy() {
  const passOn = ['NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'NO_PROXY'];
  // Only the variables that are set: an undefined value is refused.
  const env = Object.fromEntries(
    passOn.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  return connectMcpServer({
    transport: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'], env },
  });
}
