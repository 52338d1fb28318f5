import type { AnyStateMachine } from 'xstate';
import { CliError } from '../cli-error';

/** A machine exported by a module, under one or more names. */
export interface FoundMachine {
  machine: AnyStateMachine;
  /** `name` for a machine, `name.machine` for an agent. */
  exports: string[];
}

/**
 * Finds the XState machines a module exports, directly or as an agent's `.machine`, each
 * once however many names it has. With `exportName`, only that export, which must be one.
 */
export function findMachines(
  moduleExports: Record<string, unknown>,
  { file, exportName }: { file: string; exportName?: string },
): FoundMachine[] {
  if (exportName !== undefined) {
    if (!Object.hasOwn(moduleExports, exportName)) {
      const available = findMachines(moduleExports, { file }).flatMap((found) => found.exports);
      throw new CliError(
        'cli.no_machine',
        `${file} has no export named "${exportName}".${available.length ? ` Exports with a machine: ${available.join(', ')}.` : ''}`,
      );
    }
    const found = machineIn(exportName, moduleExports[exportName]);
    if (!found) {
      throw new CliError(
        'cli.no_machine',
        `The export "${exportName}" of ${file} is not an XState machine or an agent (it is ${describeValue(moduleExports[exportName])}).`,
      );
    }
    return [found];
  }
  const byMachine = new Map<AnyStateMachine, FoundMachine>();
  for (const [name, value] of Object.entries(moduleExports)) {
    const found = machineIn(name, value);
    if (!found) continue;
    const known = byMachine.get(found.machine);
    if (known) known.exports.push(...found.exports);
    else byMachine.set(found.machine, found);
  }
  if (byMachine.size === 0) {
    throw new CliError(
      'cli.no_machine',
      `${file} exports no XState machine or agent. Export the machine made with setup({ ... }).createMachine({ ... }), the agent made with createAgent({ machine, ... }), or an agentFactory((host) => createAgent({ ... })).`,
    );
  }
  return [...byMachine.values()];
}

function machineIn(name: string, value: unknown): FoundMachine | undefined {
  if (isStateMachine(value)) return { machine: value, exports: [name] };
  if (typeof value === 'object' && value !== null && 'machine' in value) {
    const { machine } = value as { machine: unknown };
    if (isStateMachine(machine)) return { machine, exports: [`${name}.machine`] };
  }
  return undefined;
}

/** Recognizes a machine by shape, so one from another copy of xstate is found too. */
function isStateMachine(value: unknown): value is AnyStateMachine {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<
    Record<'root' | 'getInitialSnapshot' | 'transition' | 'provide', unknown>
  >;
  return (
    typeof candidate.root === 'object' &&
    candidate.root !== null &&
    typeof candidate.getInitialSnapshot === 'function' &&
    typeof candidate.transition === 'function' &&
    typeof candidate.provide === 'function'
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
