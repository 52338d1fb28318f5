import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of a PostgreSQL server; see {@link startFreezableProxy}. */
export interface FreezableProxy {
  /** `connectionString` with the proxy's port in place of the server's. */
  connectionString: string;
  /**
   * From now on nothing passes either way and new connections are taken but never answered:
   * a server that hangs (frozen, or behind a network that drops packets), as clients see it.
   */
  freeze(): void;
  /** Closes every connection and the proxy. */
  stop(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards to the server of `connectionString` until it is
 * frozen: a hung server without stopping the real one, which other tests share.
 */
export async function startFreezableProxy(connectionString: string): Promise<FreezableProxy> {
  const target = new URL(connectionString);
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    if (frozen) return;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    track(upstream);
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.once('end', () => {
        if (!frozen) to.end();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxied = new URL(connectionString);
  proxied.port = String(port);
  return {
    connectionString: proxied.toString(),
    freeze() {
      frozen = true;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
