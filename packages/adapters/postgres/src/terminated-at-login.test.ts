import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownedClients } from './owned-clients';
import { PostgresCheckpointer } from './postgres-checkpointer';

/** A PostgreSQL message: its type byte, its length, its body. */
function message(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

/** An ErrorResponse with these fields (S, V, C, M …), each a NUL-terminated string. */
function errorResponse(fields: Record<string, string>): Buffer {
  const parts = Object.entries(fields).map(([code, value]) => Buffer.from(`${code}${value}\0`));
  return message('E', Buffer.concat([...parts, Buffer.from('\0')]));
}

/**
 * A server that lets every login in and, in the same packet as the "ready for query" that
 * ends it, says the connection is terminated (57P01): what a client whose backend an
 * operator ends with pg_terminate_backend (or a fast shutdown) just as it logs in reads.
 */
let server: Server;
let port = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', () => {
      const authenticationOk = message('R', Buffer.from([0, 0, 0, 0]));
      const readyForQuery = message('Z', Buffer.from('I'));
      const terminated = errorResponse({
        S: 'FATAL',
        V: 'FATAL',
        C: '57P01',
        M: 'terminating connection due to administrator command',
      });
      socket.end(Buffer.concat([authenticationOk, readyForQuery, terminated]));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('a connection the server ends in the packet that completes its login', () => {
  it("fails the store's call with storage.unavailable, and does not crash the process (a pool the store opens)", async () => {
    const store = new PostgresCheckpointer({
      connectionString: `postgres://agents@127.0.0.1:${port}/agents`,
    });
    try {
      // pg emitted 'error' on a connection the pool had just handed out, before anyone could
      // listen: an uncaught exception that ended the process.
      await expect(store.listThreads()).rejects.toMatchObject({
        name: 'StorageError',
        code: 'storage.unavailable',
      });
    } finally {
      await store.close();
    }
  });

  it("fails the store's call with storage.unavailable, and does not crash the process (a pool of the caller's)", async () => {
    const pool = new pg.Pool({ connectionString: `postgres://agents@127.0.0.1:${port}/agents` });
    pool.on('error', () => undefined);
    const store = new PostgresCheckpointer({ pool });
    try {
      await expect(store.listThreads()).rejects.toMatchObject({
        name: 'StorageError',
        code: 'storage.unavailable',
      });
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it("is heard in the job queue's pool too, which pg-boss checks out with await pool.connect()", async () => {
    const clients = ownedClients();
    const pool = new pg.Pool({
      connectionString: `postgres://agents@127.0.0.1:${port}/agents`,
      Client: clients.Client,
    });
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      // The connection is unusable, and says so when used; the process goes on.
      await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable/);
      client.release(true);
    } finally {
      await pool.end();
      clients.destroyAll();
    }
  });
});
