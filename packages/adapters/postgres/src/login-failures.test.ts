import { StorageError } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

// A server of its own, and a file of its own: the socket count below sees this file's only.
let server: ThrowawayPostgres | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres({ password: 'right horse' });
});

afterAll(() => server?.stop());

/** The server's connection string with another password, or none. */
function withPassword(password: string | undefined): string {
  const url = new URL(server!.connectionString);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return url.toString();
}

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

/** TCP sockets this process has open, once the ones being closed are gone. */
async function openSockets(): Promise<number> {
  // A destroyed socket's handle closes on a later turn of the event loop.
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

describe('PostgresCheckpointer on a server that asks for a password', () => {
  it('says a connection string without the password is refused, as a wrong one is (storage.permission_denied)', async () => {
    const store = new PostgresCheckpointer({ connectionString: withPassword(undefined) });
    try {
      const error = await failure(store.listThreads());
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: 'storage.permission_denied' });
      expect((error as Error).message).toContain(
        'The server asks for a password and none was given',
      );
    } finally {
      await store.close();
    }
    const wrong = new PostgresCheckpointer({ connectionString: withPassword('wrong') });
    try {
      expect(await failure(wrong.listThreads())).toMatchObject({
        code: 'storage.permission_denied',
      });
    } finally {
      await wrong.close();
    }
  });

  it('leaves no socket open once closed after a login that failed half-way, so the process can exit', async () => {
    const before = await openSockets();
    const store = new PostgresCheckpointer({ connectionString: withPassword(undefined) });
    await failure(store.latest('t'));
    await failure(store.latest('t'));
    await store.close();
    expect(await openSockets()).toBe(before);
  });

  it('says the server offers no TLS when the connection string asks for it', async () => {
    const store = new PostgresCheckpointer({
      connectionString: `${server!.connectionString}?ssl=true`,
    });
    try {
      const error = await failure(store.listThreads());
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: 'storage.permission_denied' });
      expect((error as Error).message).toContain('this server does not offer it');
    } finally {
      await store.close();
    }
  });
});
