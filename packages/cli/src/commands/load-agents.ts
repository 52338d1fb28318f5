import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Agent, AgentFactory, HostedAgentOptions } from '@agentchart/core';
import { isAgentFactory } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { loadFailure } from '../load-failure';
import { shellWord } from './run-database';
import type { CommandContext } from './types';

/** The environment variable naming the agent module when `--agent` is absent. */
export const agentVariable = 'AGENTCHART_AGENT';

/** An agent a command created from a module's factory. */
export interface LoadedAgent {
  /** The export it came from. */
  exportName: string;
  agent: Agent;
}

/** The agent module from `--agent`, else `AGENTCHART_AGENT`; a usage error naming both when absent. */
export function agentModuleOf(
  flag: string | undefined,
  command: string,
  context: CommandContext,
): { file: string; source: 'flag' | 'env' } {
  if (flag !== undefined) return { file: flag, source: 'flag' };
  const fromEnv = context.env?.[agentVariable];
  if (fromEnv) return { file: fromEnv, source: 'env' };
  throw new CliError(
    'cli.usage',
    `"agentchart ${command}" needs the module that defines the agent: pass --agent <module> or set ${agentVariable}. The module exports agentFactory((host) => createAgent({ machine, models, ...host })).`,
  );
}

/** The `--agent …` words to repeat in a command we suggest. */
export function agentArgument(module: { file: string; source: 'flag' | 'env' }): string {
  return module.source === 'flag' ? ` --agent ${shellWord(module.file)}` : '';
}

/**
 * Loads a module and creates every agent its {@link agentFactory} exports make (or only
 * `exportName`'s) on the host's store. A module that exports agents but no factory is
 * refused with the one-line change that makes it loadable: the command must choose the store.
 */
export async function loadAgents(
  file: string,
  host: HostedAgentOptions,
  context: CommandContext,
  exportName?: string,
): Promise<LoadedAgent[]> {
  return (await loadAgentFactories(file, context, exportName)).map(
    ({ exportName: name, factory }) => {
      try {
        return { exportName: name, agent: factory.create(host) };
      } catch (error) {
        throw new CliError(
          'cli.load_failed',
          `The agent factory "${name}" of ${file} failed: ${(error as Error)?.message ?? String(error)}`,
          error,
        );
      }
    },
  );
}

/** The agent factories a module exports (or only `exportName`), by export name. */
export async function loadAgentFactories(
  file: string,
  context: CommandContext,
  exportName?: string,
): Promise<{ exportName: string; factory: AgentFactory }[]> {
  const moduleExports = await importAgentModule(file, context);
  const factories = Object.entries(moduleExports).filter((entry): entry is [string, AgentFactory] =>
    isAgentFactory(entry[1]),
  );
  if (exportName !== undefined) {
    const chosen = factories.find(([name]) => name === exportName);
    if (!chosen) {
      throw new CliError(
        'cli.no_agent',
        `${file} has no agent factory exported as "${exportName}".${factories.length ? ` Its agent factories: ${factories.map(([name]) => name).join(', ')}.` : ''}`,
      );
    }
    factories.splice(0, factories.length, chosen);
  }
  if (factories.length === 0) {
    const plainAgents = Object.entries(moduleExports)
      .filter(([, value]) => isAgent(value))
      .map(([name]) => name);
    throw new CliError(
      'cli.no_agent',
      plainAgents.length > 0
        ? `${file} exports an agent (${plainAgents.join(', ')}) but no agent factory, so the command cannot give it the run database. Export agentFactory((host) => createAgent({ machine, models, ...host })) from @agentchart/core instead.`
        : `${file} exports no agent factory. Export agentFactory((host) => createAgent({ machine, models, ...host })) from @agentchart/core.`,
    );
  }
  return factories.map(([name, factory]) => ({ exportName: name, factory }));
}

/**
 * The one agent of `agents` that runs a thread started by the agent named `agentName` (as
 * its checkpoint records it); the only one when there is one.
 */
export function agentFor(
  agents: readonly LoadedAgent[],
  agentName: string | undefined,
  threadId: string,
  file: string,
): Agent {
  const named =
    agentName === undefined ? [] : agents.filter((item) => item.agent.name === agentName);
  if (named.length === 1) return named[0]!.agent;
  if (agents.length === 1) return agents[0]!.agent;
  throw new CliError(
    'cli.no_agent',
    `Thread "${threadId}" was started by agent "${agentName ?? 'unknown'}", and ${file} has ${named.length === 0 ? 'no agent of that name' : 'several'} among ${agents.map((item) => `${item.exportName} (${item.agent.name})`).join(', ')}. Pick one with --export <name>.`,
  );
}

async function importAgentModule(
  file: string,
  context: CommandContext,
): Promise<Record<string, unknown>> {
  const path = resolve(context.cwd, file);
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) {
    throw new CliError(
      'cli.file_not_found',
      stats
        ? `${file} is a directory; give the module file that exports the agent factory.`
        : `File not found: ${file} (looked for ${path}).`,
    );
  }
  try {
    return await context.importModule(path);
  } catch (error) {
    throw loadFailure(file, error, context.cwd);
  }
}

function isAgent(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { start?: unknown }).start === 'function' &&
    typeof (value as { resume?: unknown }).resume === 'function' &&
    'machine' in value
  );
}
