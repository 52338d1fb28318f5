import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import pg from 'pg';

/** The longest name PostgreSQL keeps: it cuts longer ones, so two would name one schema. */
const maxIdentifierBytes = 63;

/** The longest delay a platform timer takes; a longer one fires at once. */
const maxTimerMs = 2_147_483_647;

function fail(owner: string, message: string): never {
  throw new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}

/**
 * A schema name PostgreSQL keeps as it is given: not empty, and at most 63 bytes. Longer, the
 * server cuts it, and two schemas that differ only past byte 63 would share their tables.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkSchemaName(owner: string, option: string, name: unknown): void {
  if (typeof name !== 'string' || name.trim() === '') {
    fail(owner, `${option} is ${describeValue(name)}. Name a schema, such as 'agentchart'.`);
  }
  const bytes = Buffer.byteLength(name);
  if (bytes > maxIdentifierBytes) {
    fail(
      owner,
      `${option} "${name.slice(0, 40)}…" is ${bytes} bytes; PostgreSQL keeps ${maxIdentifierBytes} and cuts the rest, so two such names would share one schema's tables. Give a shorter name.`,
    );
  }
}

/**
 * A whole number from `min`: connections, jobs, threads.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkCount(
  owner: string,
  option: string,
  value: unknown,
  min: number,
  what: string,
): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(
      owner,
      `${option} is ${describeValue(value)}. Give a whole number of ${what}, ${min} or more.`,
    );
  }
}

/**
 * A positive number of milliseconds or seconds a timer can wait.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkDelay(
  owner: string,
  option: string,
  value: unknown,
  { min, unit, integer = false }: { min: number; unit: 'ms' | 's'; integer?: boolean },
): void {
  const max = unit === 'ms' ? maxTimerMs : Math.floor(maxTimerMs / 1_000);
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    fail(
      owner,
      `${option} is ${describeValue(value)}. Give ${integer ? 'a whole number' : 'a number'} of ${unit === 'ms' ? 'milliseconds' : 'seconds'} from ${min} to ${max}.`,
    );
  }
}

/** The options of `createPostgresWorker` and `createThreadJobs` both take. */
const queueOptionNames = [
  'connectionString',
  'jobSchema',
  'heartbeatSeconds',
  'expireInSeconds',
  'onError',
  'queryTimeoutMs',
];

/**
 * Checks what a job queue client or worker is given before either starts anything: a value
 * pg-boss refuses would fail after its pools were open, and leak them.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkQueueOptions(
  owner: string,
  options: Record<string, unknown>,
  extraNames: readonly string[] = [],
): void {
  checkOptionNames(owner, options, [...queueOptionNames, ...extraNames]);
  const {
    connectionString,
    jobSchema,
    heartbeatSeconds,
    expireInSeconds,
    onError,
    queryTimeoutMs,
  } = options;
  checkConnectionString(owner, connectionString);
  if (jobSchema !== undefined) checkSchemaName(owner, 'jobSchema', jobSchema);
  // pg-boss's own minimum.
  if (heartbeatSeconds !== undefined)
    checkDelay(owner, 'heartbeatSeconds', heartbeatSeconds, { min: 10, unit: 's', integer: true });
  if (expireInSeconds !== undefined)
    checkDelay(owner, 'expireInSeconds', expireInSeconds, { min: 1, unit: 's', integer: true });
  if (onError !== undefined && typeof onError !== 'function') {
    fail(owner, `onError is ${describeValue(onError)}. Give a function of the error.`);
  }
  if (queryTimeoutMs !== undefined) {
    checkDelay(owner, 'queryTimeoutMs', queryTimeoutMs, { min: 1, unit: 'ms' });
  }
}

/**
 * What the job queue's pool (pg-boss's) is given so that a hung server cannot hold it for
 * ever, as the checkpointer's pool is: without these, pg-boss's statements had no limit, and a
 * server that stopped answering (frozen, or behind a network that drops packets) held
 * `jobs.start()` and a worker's `close()` for as long as it stayed so.
 */
export function queuePoolTimeouts(queryTimeoutMs: number): {
  query_timeout: number;
  connectionTimeoutMillis: number;
  keepAlive: true;
} {
  return {
    query_timeout: queryTimeoutMs,
    connectionTimeoutMillis: queryTimeoutMs,
    keepAlive: true,
  };
}

/** A connection string with its password masked, for messages. */
function maskPassword(connectionString: string): string {
  return connectionString.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/**
 * A connection string pg can open: a `postgres://` or `postgresql://` URL, or a `socket:`
 * path, that pg can read. Anything else (an empty string, a MySQL URL, a port that is not a
 * number) failed at the first query, with an error that named neither the option nor the
 * string.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkConnectionString(owner: string, value: unknown): void {
  if (typeof value !== 'string' || !/^(postgres(ql)?:\/\/|socket:)/.test(value)) {
    fail(
      owner,
      `connectionString is ${describeValue(value)}. Give a PostgreSQL URL, such as postgres://user:password@localhost:5432/app.`,
    );
  }
  try {
    // pg reads the string when a client is made, not before; made here it opens no socket.
    new pg.Client({ connectionString: value });
  } catch (error) {
    fail(
      owner,
      `connectionString ${JSON.stringify(maskPassword(value))} cannot be read (${(error as Error).message}). Give a PostgreSQL URL, such as postgres://user:password@localhost:5432/app, with a numeric port and any special character of the password percent-encoded.`,
    );
  }
}
