import type { Agent } from '@agentchart/core';
import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import {
  checkCount,
  checkDelay,
  checkQueueOptions,
  checkSchemaName,
} from '../check-postgres-options';
import type { PostgresWorkerOptions } from './worker-options';

const owner = 'createPostgresWorker';

/** The shortest retention: a thread that has just ended may still be read by whoever ran it. */
export const minRetentionMs = 60_000;

const endedStatuses = ['done', 'failed', 'limit', 'stopped'];

function fail(message: string): never {
  throw new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}

/**
 * Checks a worker's options before it opens anything. Before, a misspelt option was ignored,
 * a retention of 0 deleted each thread as it ended, one of NaN never pruned, a pool of -1
 * hung every call, and a value pg-boss refuses failed after both pools were open, leaking
 * them.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkWorkerOptions(options: PostgresWorkerOptions): void {
  const given = options as unknown as Record<string, unknown>;
  checkQueueOptions(owner, given, [
    'agents',
    'concurrency',
    'tenantConcurrency',
    'poolSize',
    'schema',
    'leaseTtlMs',
    'schedulerIntervalMs',
    'orphanIntervalMs',
    'pollingIntervalSeconds',
    'monitorIntervalSeconds',
    'retention',
  ]);
  const { agents, concurrency, tenantConcurrency, poolSize, schema, retention } = options;
  const valid = (agent: unknown) =>
    typeof agent === 'object' &&
    agent !== null &&
    typeof (agent as { create?: unknown }).create === 'function';
  const how = 'each made with agentFactory((host) => createAgent({ ...options, ...host }))';
  if (!Array.isArray(agents) || agents.length === 0) {
    fail(`agents is ${describeValue(agents)}. Give the agents to run, ${how}.`);
  }
  const wrong = agents.findIndex((agent) => !valid(agent));
  if (wrong >= 0) {
    // An agent made with createAgent cannot be given a worker's store: a factory can.
    fail(
      `agents[${wrong}] is ${describeValue(agents[wrong])}, not an agent factory. Give factories, ${how}.`,
    );
  }
  if (typeof concurrency === 'object' && concurrency !== null) {
    for (const [name, limit] of Object.entries(concurrency)) {
      checkCount(owner, `concurrency.${name}`, limit, 1, 'threads at once');
    }
  } else if (concurrency !== undefined) {
    checkCount(owner, 'concurrency', concurrency, 1, 'threads at once');
  }
  if (tenantConcurrency !== undefined) {
    checkCount(owner, 'tenantConcurrency', tenantConcurrency, 1, "a tenant's threads at once");
  }
  if (poolSize !== undefined) checkCount(owner, 'poolSize', poolSize, 1, 'connections');
  if (schema !== undefined) checkSchemaName(owner, 'schema', schema);
  for (const name of ['schedulerIntervalMs', 'orphanIntervalMs'] as const) {
    const value = options[name];
    if (value !== undefined) checkDelay(owner, name, value, { min: 10, unit: 'ms' });
  }
  // pg-boss's own minimums.
  if (options.pollingIntervalSeconds !== undefined) {
    checkDelay(owner, 'pollingIntervalSeconds', options.pollingIntervalSeconds, {
      min: 0.5,
      unit: 's',
    });
  }
  if (options.monitorIntervalSeconds !== undefined) {
    checkDelay(owner, 'monitorIntervalSeconds', options.monitorIntervalSeconds, {
      min: 1,
      unit: 's',
    });
  }
  if (retention !== undefined) checkRetention(retention);
}

function checkRetention(retention: unknown): void {
  if (typeof retention !== 'object' || retention === null || Array.isArray(retention)) {
    fail(
      `retention is ${describeValue(retention)}. Give { olderThanMs, statuses?, intervalMs? }, such as { olderThanMs: 30 * 86_400_000 }.`,
    );
  }
  checkOptionNames(owner, retention, ['olderThanMs', 'statuses', 'intervalMs'], 'retention.');
  const { olderThanMs, statuses, intervalMs } = retention as Record<string, unknown>;
  if (
    typeof olderThanMs !== 'number' ||
    !Number.isFinite(olderThanMs) ||
    olderThanMs < minRetentionMs
  ) {
    fail(
      `retention.olderThanMs is ${describeValue(olderThanMs)}. Give how long an ended thread is kept, in milliseconds, at least ${minRetentionMs} (a minute: whoever ran a thread may still read its outcome), such as 30 * 86_400_000 for 30 days.`,
    );
  }
  if (
    statuses !== undefined &&
    (!Array.isArray(statuses) ||
      statuses.length === 0 ||
      !statuses.every((status) => endedStatuses.includes(status)))
  ) {
    fail(
      `retention.statuses is ${describeValue(statuses)}. Give ended statuses (${endedStatuses.join(', ')}); a running or waiting thread is live and never pruned.`,
    );
  }
  if (intervalMs !== undefined) {
    checkDelay(owner, 'retention.intervalMs', intervalMs, { min: 1_000, unit: 'ms' });
  }
}

/**
 * Two agents of one name would share a queue, and the second would quietly replace the first.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkAgentName(agents: ReadonlyMap<string, Agent>, name: string): void {
  if (agents.has(name)) {
    fail(
      `two of its agents are named "${name}": each agent's threads go to a queue of its name. Give each agent its own name (createAgent({ name })), or pass it once.`,
    );
  }
}

/**
 * A concurrency for an agent the worker does not run was ignored, and that agent ran at the
 * default.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkConcurrencyNames(
  concurrency: Readonly<Record<string, number>>,
  agents: ReadonlyMap<string, Agent>,
): void {
  for (const name of Object.keys(concurrency)) {
    if (!agents.has(name)) {
      fail(
        `concurrency names "${name}", which is not one of its agents (${[...agents.keys()].map((known) => `"${known}"`).join(', ')}). Name an agent it runs.`,
      );
    }
  }
}
