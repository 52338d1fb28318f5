import { type Agent, MemoryCheckpointer } from '@agentchart/core';
import { isAgentFactory } from '@agentchart/core/internal';
import { CliError } from '../cli-error';

/** A module's exports with each agent factory replaced by the agent it makes. */
export interface FactoryAgents {
  exports: Record<string, unknown>;
  /**
   * The factories that threw as they made their agent, by export name: left out of
   * `exports`, since drawing a chart needs no model and the module may export the machine too.
   */
  failed: Map<string, CliError>;
  /** Lets go of the agents made here. */
  close(): Promise<void>;
}

/**
 * Makes the agent of every agent factory a module exports, on an in-memory store that no run
 * ever uses, so its chart can be read as an agent's is: the module shape that
 * `agentchart run`, `resume` and `worker` ask for draws as well as one exporting the agent.
 * A factory that throws (its model wants an API key the shell has not got) is set aside in
 * `failed`, for the caller to report or draw around.
 */
export function agentsOfFactories(
  moduleExports: Record<string, unknown>,
  file: string,
): FactoryAgents {
  const made: Agent[] = [];
  const exports: Record<string, unknown> = {};
  const failed = new Map<string, CliError>();
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
      failed.set(
        name,
        new CliError(
          'cli.load_failed',
          `The agent factory "${name}" of ${file} threw as it made its agent: ${(error as Error)?.message ?? String(error)}`,
          error,
        ),
      );
    }
  }
  return {
    exports,
    failed,
    close: async () => {
      await Promise.all(made.map((agent) => agent.close()));
    },
  };
}
