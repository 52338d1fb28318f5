import type { AnyStateMachine } from 'xstate';
import { DefinitionError } from '../errors/definition-error';
import type { Agent, AgentOptions } from './types';

const factoryMarker = Symbol.for('agentchart.agentFactory');

/**
 * What a host — the `agentchart` command, a worker — gives the agents it runs: the store it
 * opened (the run database the user named), and how it wants waiting runs and leases handled
 * (a worker wakes due threads from the store itself: `wakeWaiting: false`).
 * Spread it into `createAgent`.
 */
export type HostedAgentOptions = Pick<
  AgentOptions<AnyStateMachine>,
  'checkpointer' | 'evictWaiting' | 'wakeWaiting' | 'leaseTtlMs'
>;

/**
 * An agent a host creates on its own store: `agentchart run | resume | send | worker` load a
 * module, find its factories and call them with the run database given on the command line.
 * See {@link agentFactory}.
 */
export interface AgentFactory<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly [factoryMarker]: true;
  /** Creates the agent on the host's store. */
  create(host: HostedAgentOptions): Agent<TMachine>;
}

/**
 * Wraps the code that creates an agent so a host can choose its store: export the result
 * from a module and `agentchart run <module>` runs it on the database named by `--db` (or
 * `AGENTCHART_DB`), a worker on its PostgreSQL.
 *
 * @example
 * ```ts
 * export const support = agentFactory((host) =>
 *   createAgent({ machine, models: { fast: openAIChatModel({ model: 'gpt-4o-mini' }) }, ...host }),
 * );
 * // agentchart run src/support.ts --input '{"ticket":"I was charged twice"}'
 * ```
 */
export function agentFactory<TMachine extends AnyStateMachine>(
  create: (host: HostedAgentOptions) => Agent<TMachine>,
): AgentFactory<TMachine> {
  if (typeof create !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `agentFactory expects a function that creates the agent from the host's options, got ${typeof create}. Write agentFactory((host) => createAgent({ machine, models, ...host })).`,
    );
  }
  return { [factoryMarker]: true, create };
}

/** True for a value made by {@link agentFactory}, from any copy of this package. */
export function isAgentFactory(value: unknown): value is AgentFactory {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[factoryMarker] === true &&
    typeof (value as { create?: unknown }).create === 'function'
  );
}
