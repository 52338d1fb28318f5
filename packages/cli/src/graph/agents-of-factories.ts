import { type Agent, MemoryCheckpointer } from '@agentchart/core';
import { isAgentFactory } from '@agentchart/core/internal';
import { CliError } from '../cli-error';

/** A module's exports with each agent factory replaced by the agent it makes. */
export interface FactoryAgents {
  exports: Record<string, unknown>;
  /** Lets go of the agents made here. */
  close(): Promise<void>;
}

/**
 * Makes the agent of every agent factory a module exports, on an in-memory store that no run
 * ever uses, so its chart can be read as an agent's is: the module shape that
 * `agentchart run`, `resume` and `worker` ask for draws as well as one exporting the agent.
 */
export function agentsOfFactories(
  moduleExports: Record<string, unknown>,
  file: string,
): FactoryAgents {
  const made: Agent[] = [];
  const exports: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(moduleExports)) {
    if (!isAgentFactory(value)) {
      exports[name] = value;
      continue;
    }
    try {
      const agent = value.create({ checkpointer: new MemoryCheckpointer() });
      made.push(agent);
      exports[name] = agent;
    } catch (error) {
      throw new CliError(
        'cli.load_failed',
        `The agent factory "${name}" of ${file} threw as it made its agent: ${(error as Error)?.message ?? String(error)}`,
        error,
      );
    }
  }
  return {
    exports,
    close: async () => {
      await Promise.all(made.map((agent) => agent.close()));
    },
  };
}
