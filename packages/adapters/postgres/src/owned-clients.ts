import pg from 'pg';

/** The part of pg's connection a client keeps that holds its socket. */
interface WithSocket {
  connection?: { stream?: { destroy(): void } };
}

/** The clients of one pool, as {@link ownedClients} makes them. */
export interface OwnedClients {
  /** A `pg.Client` class for the pool's `Client` option. */
  Client: typeof pg.Client;
  /** Destroys the socket of every client still open: for after the pool has ended. */
  destroyAll(): void;
}

/** Closes a client's socket at once, whatever state its login is in. */
function destroySocket(client: pg.Client): void {
  (client as unknown as WithSocket).connection?.stream?.destroy();
}

/**
 * A client class for a pool the store owns, which lets go of every socket it opens.
 *
 * A login that fails on the client's side — a server asking for a password the connection
 * string lacks (SCRAM: "client password must be a string") — fails `connect()` but leaves the
 * socket open, the server still waiting for the rest of the login until its
 * `authentication_timeout`. The pool forgets such a client, so `pool.end()` does not close it,
 * and the open socket kept the process alive after everything else had ended: a CLI command
 * that had printed its error never exited. Here a client whose connect fails closes its socket
 * then and there, and `destroyAll()` closes any the pool did not end. Its clients are always
 * heard for 'error' (see the constructor), so a connection the server ends cannot crash the
 * process whoever holds it.
 */
export function ownedClients(): OwnedClients {
  const open = new Set<pg.Client>();
  class OwnedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // Always heard: pg-pool takes its own listener off a connection it hands out, and
      // pg-boss and callers of `await pool.connect()` put theirs on only once the promise's
      // callbacks run. A server ending the connection in the packet that completes its login
      // (pg_terminate_backend, a fast shutdown) made pg emit 'error' in between, with nobody
      // listening: an uncaught exception that ended the process. The connection is unusable
      // all the same, and its next query fails with that error.
      this.on('error', () => undefined);
      open.add(this);
      this.once('end', () => open.delete(this));
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: (error: Error | null, client?: pg.Client) => void): void;
    override connect(
      callback?: (error: Error | null, client?: pg.Client) => void,
    ): Promise<pg.Client> | undefined {
      if (callback === undefined) {
        return super.connect().catch((error: unknown) => {
          this.#failed();
          throw error;
        });
      }
      super.connect((error: Error | null) => {
        if (error) this.#failed();
        callback(error, error ? undefined : this);
      });
      return undefined;
    }

    #failed(): void {
      open.delete(this);
      destroySocket(this);
    }
  }
  return {
    Client: OwnedClient,
    destroyAll() {
      for (const client of open) destroySocket(client);
      open.clear();
    },
  };
}
