import { resolve } from 'node:path';
import type { Checkpointer } from '@agentchart/core';
import {
  isAgentFactory,
  machineVersionOf,
  versionWithoutChildMachines,
} from '@agentchart/core/internal';
import type { CommandContext } from '../commands/types';
import { findMachines } from '../graph/find-machines';
import { loadFailure } from '../load-failure';
import type { AgentCatalog, ReplyAgent } from './agent-catalog';

/** Options of {@link loadStudioModules}. */
export interface LoadStudioModulesOptions {
  files: readonly string[];
  catalog: AgentCatalog;
  context: CommandContext;
  /** Opens the run database for writing, for agents made by a factory (opened once, on demand). */
  openWritable: () => Promise<Checkpointer>;
}

/**
 * Loads the modules given to the studio: every machine they export (directly, or as an agent's
 * `.machine`) goes in the catalog, so runs are drawn on their chart; every agent, or agent
 * factory (created on the run database), can answer its runs' waits.
 */
export async function loadStudioModules({
  files,
  catalog,
  context,
  openWritable,
}: LoadStudioModulesOptions): Promise<Map<string, ReplyAgent>> {
  const agents = new Map<string, ReplyAgent>();
  for (const file of files) {
    const path = resolve(context.cwd, file);
    let moduleExports: Record<string, unknown>;
    try {
      moduleExports = await context.importModule(path);
    } catch (error) {
      throw loadFailure(file, error, context.cwd);
    }
    const before = agents.size;
    for (const [name, value] of Object.entries(moduleExports)) {
      const agent = isAgentFactory(value)
        ? value.create({ checkpointer: await openWritable() })
        : value;
      if (!isReplyAgent(agent)) continue;
      catalog.add(agent.machine, agent.name ?? name);
      agents.set(machineVersionOf(agent.machine), agent);
      const former = versionWithoutChildMachines(agent.machine);
      if (former !== undefined && !agents.has(former)) agents.set(former, agent);
    }
    try {
      for (const { machine } of findMachines(moduleExports, { file })) catalog.add(machine);
    } catch (error) {
      // A module of agent factories exports no machine itself: its agents were found above.
      if (agents.size === before) throw error;
    }
  }
  return agents;
}

function isReplyAgent(value: unknown): value is ReplyAgent {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof ReplyAgent, unknown>>;
  return (
    typeof candidate.send === 'function' &&
    typeof candidate.close === 'function' &&
    typeof candidate.machine === 'object' &&
    candidate.machine !== null
  );
}
