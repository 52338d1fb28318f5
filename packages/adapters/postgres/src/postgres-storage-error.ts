import { StorageError, type StorageErrorCode } from '@agentchart/core';
import type pg from 'pg';

/** What a failed query or connection carries: a server error's SQLSTATE, or a socket's errno. */
interface DriverError {
  code?: unknown;
  message?: unknown;
}

/** SQLSTATEs and socket errors that mean the server is out of reach for now. */
const unavailable = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or recovering
  '53300', // too_many_connections
]);

/** A failure told apart, and what to do about it when that differs from its kind's remedy. */
interface Classified {
  kind: StorageErrorCode;
  remedy?: string;
}

/**
 * Failures pg reports with a message and no code: the client's side of a login or of the
 * TLS handshake going wrong.
 */
const messageFailures: readonly (Classified & { pattern: RegExp })[] = [
  {
    // SCRAM: the server asks for a password and the connection string gives none. It is the
    // same mistake as a wrong password, which the server reports as 28P01.
    pattern: /client password must be a string/i,
    kind: 'storage.permission_denied',
    remedy:
      'The server asks for a password and none was given: put it in the connection string (postgres://user:password@host:port/database) or in the PGPASSWORD environment variable, or use ~/.pgpass.',
  },
  {
    // pg-pool's, when every connection of a full pool stayed checked out for the whole wait
    // (a connection it opens that takes too long fails with "Connection terminated due to
    // connection timeout" instead). The server may be answering well: an SRE told to check that
    // it runs looked in the wrong place while a lock held every connection.
    pattern: /timeout exceeded when trying to connect/i,
    kind: 'storage.unavailable',
    remedy:
      "No connection of the pool came free in time (the checkpointer's queryTimeoutMs, or the pool's connectionTimeoutMillis): every one was busy. Their statements are held up — by a lock another session holds on the agentchart_* tables (look in pg_stat_activity for a long transaction), or by a server slow to answer — or more runs write at once than the pool has connections (raise max, the pool size). Once connections come free, agent.resume(threadId) continues a run from its last checkpoint.",
  },
  {
    pattern: /server does not support SSL connections/i,
    kind: 'storage.permission_denied',
    remedy:
      "The connection string asks for TLS (sslmode=require, verify-ca or verify-full, or ssl=true) and this server does not offer it: turn ssl on in the server's postgresql.conf, or, on a network you trust, drop sslmode from the connection string.",
  },
];

/** The SQLSTATE classes and codes agentchart tells apart, with what each needs. */
function classify(code: string, message: string): Classified | undefined {
  const kind = classifyCode(code, message);
  if (kind !== undefined) return { kind };
  if (code !== '') return undefined;
  return messageFailures.find(({ pattern }) => pattern.test(message));
}

/** The kind of a failure the server or the socket reported with a code (or pg's own few). */
function classifyCode(code: string, message: string): StorageErrorCode | undefined {
  if (unavailable.has(code) || code.startsWith('08')) return 'storage.unavailable';
  // pg reports a connection the server dropped, a query on a connection that broke or was
  // closed, or a connect timeout, without a code.
  if (code === '' && /Connection terminated|is not queryable/i.test(message)) {
    return 'storage.unavailable';
  }
  if (code === '28P01' || code === '28000' || code === '42501') {
    return 'storage.permission_denied';
  }
  if (code === '3D000') return 'storage.not_found';
  if (code === '53100') return 'storage.full';
  if (code === '25006') return 'storage.read_only';
  if (code === '57014' || code === '55P03') return 'storage.timeout';
  // The pool's own limit on an answer (queryTimeoutMs): the server took too long, or hangs.
  if (code === '' && /Query read timeout/.test(message)) return 'storage.timeout';
  if (code === '58030') return 'storage.io_error';
  return undefined;
}

/** What to do about each failure, after what happened. */
const remedies: Partial<Record<StorageErrorCode, string>> = {
  'storage.unavailable':
    'Check that the server is running and the connection string names its host and port, then try again: nothing committed is lost, and a run this failed continues from its last checkpoint with agent.resume(threadId) (the compare-and-set keeps a write that did land from being made twice).',
  'storage.permission_denied':
    'Check the user and password in the connection string, and that the role may log in and use the schema (GRANT USAGE, CREATE ON SCHEMA …; SELECT, INSERT, UPDATE, DELETE on the agentchart_* tables).',
  'storage.not_found':
    'Create the database (createdb, or CREATE DATABASE) or fix its name in the connection string: agentchart creates its tables, not the database.',
  'storage.full':
    "Free space on the server's disk, then agent.resume(threadId): the write that failed was not applied.",
  'storage.read_only':
    'Point the connection string at the primary (this server is a read-only standby, or default_transaction_read_only is on).',
  'storage.timeout':
    "A statement took longer than allowed (the server's statement_timeout or lock_timeout, or the checkpointer's queryTimeoutMs): look for a long transaction holding the agentchart_* tables (pg_stat_activity) or a server that stopped answering, or raise the limit; then agent.resume(threadId).",
  'storage.io_error': "Check the server's disk and its log.",
};

/**
 * Where a pool (or a connection string) connects, for messages:
 * `postgres://user@host:port/database`, never the password.
 */
export function describeServer(target: pg.Pool | string): string {
  const options: pg.PoolConfig =
    typeof target === 'string'
      ? { connectionString: target }
      : ((target as pg.Pool & { options?: pg.PoolConfig }).options ?? {});
  let { host, port, database, user } = options;
  if (options.connectionString) {
    try {
      const url = new URL(options.connectionString);
      host ??= decodeURIComponent(url.hostname) || undefined;
      port ??= url.port === '' ? undefined : Number(url.port);
      database ??= decodeURIComponent(url.pathname.slice(1)) || undefined;
      user ??= decodeURIComponent(url.username) || undefined;
    } catch {
      // Not a URL pg would read either: the parts below say what is known.
    }
  }
  const who = user === undefined ? '' : `${user}@`;
  return `postgres://${who}${host ?? 'localhost'}:${port ?? 5432}/${database ?? user ?? ''}`;
}

/**
 * `error` as a {@link StorageError} when it is the database server failing (out of reach,
 * refusing the login, no such database, full, read-only, too slow), saying what was being
 * done on which server and what to do; any other error as it is.
 */
export function storageFailure(error: unknown, server: string, doing: string): unknown {
  if (typeof error !== 'object' || error === null || error instanceof StorageError) return error;
  const { code, message } = error as DriverError;
  const text = typeof message === 'string' ? message : String(error);
  const classified = classify(typeof code === 'string' ? code : '', text);
  if (classified === undefined) return error;
  const { kind, remedy = remedies[kind] } = classified;
  return new StorageError(
    kind,
    server,
    `PostgreSQL at ${server} failed while ${doing}: ${text}${typeof code === 'string' ? ` (${code})` : ''}. ${remedy}`,
    error,
  );
}
