import { createHash } from 'node:crypto';
import type { AnyStateMachine } from 'xstate';
import { effectSpecOf } from '../effects/create-effect-logic';
import type { EffectSpec } from '../effects/types';

interface StateNodeLike {
  id: string;
  invoke: readonly { src: unknown; id: string }[];
  states: Record<string, StateNodeLike>;
}

/** Every string `src` the machine invokes, with the state that invokes it. */
export function invokedSources(machine: AnyStateMachine): { src: string; state: string }[] {
  const found: { src: string; state: string }[] = [];
  const walk = (node: StateNodeLike) => {
    for (const invoke of node.invoke) {
      if (typeof invoke.src === 'string') found.push({ src: invoke.src, state: node.id });
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as StateNodeLike);
  return found;
}

/**
 * The `spawnChild` actions of a machine that give the child no `id`, with the state they are
 * in: its entry, exit and transitions (named actions from `setup({ actions })` included).
 * One made inside `enqueueActions` is not visible before it runs.
 */
export function spawnsWithoutId(machine: AnyStateMachine): { src: string; state: string }[] {
  const named = (machine.implementations.actions ?? {}) as Record<string, unknown>;
  const found: { src: string; state: string }[] = [];
  const look = (action: unknown, state: string) => {
    const reference =
      typeof action === 'string' ? action : (action as { type?: unknown } | null)?.type;
    const resolved =
      typeof action === 'function' || typeof reference !== 'string' ? action : named[reference];
    const spawn = resolved as { type?: unknown; id?: unknown; src?: unknown } | undefined;
    if (spawn?.type !== 'xstate.spawnChild' || spawn.id !== undefined) return;
    found.push({ src: typeof spawn.src === 'string' ? spawn.src : 'an inline actor', state });
  };
  const walk = (node: SpawningNodeLike) => {
    const transitions = [...node.transitions.values()].flat().concat(node.always ?? []);
    for (const action of [...node.entry, ...node.exit]) look(action, node.id);
    for (const transition of transitions) {
      for (const action of transition.actions) look(action, node.id);
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as SpawningNodeLike);
  return found;
}

interface SpawningNodeLike {
  id: string;
  entry: readonly unknown[];
  exit: readonly unknown[];
  transitions: Map<string, readonly { actions: readonly unknown[] }[]>;
  always?: readonly { actions: readonly unknown[] }[];
  states: Record<string, SpawningNodeLike>;
}

/** The agentchart effects registered in a machine's `setup({ actors })`, by name. */
export function effectSpecsOf(machine: AnyStateMachine): Map<string, EffectSpec> {
  const specs = new Map<string, EffectSpec>();
  const actors = (machine.implementations.actors ?? {}) as Record<string, unknown>;
  for (const [name, logic] of Object.entries(actors)) {
    const spec = effectSpecOf(logic);
    if (spec) specs.set(name, spec);
  }
  return specs;
}

/**
 * A hash of the machine's definition (states, transitions, invokes — not function bodies),
 * with the definitions of the child machines its `setup({ actors })` registers, stored with
 * every checkpoint so a snapshot is never restored into a different machine: a checkpoint
 * holds its child machines' states too. A machine with no child machine hashes as it did
 * before child machines were part of the version.
 */
export function machineVersionOf(machine: AnyStateMachine): string {
  return hashOf(versionText(machine, new Set()));
}

/**
 * The version a machine with child machines had before their definitions were part of it
 * (its own definition only), or undefined when it has none: its threads checkpointed then are
 * restored as they were, and store the full version from their next checkpoint on.
 */
export function versionWithoutChildMachines(machine: AnyStateMachine): string | undefined {
  const own = hashOf(definitionText(machine));
  return own === machineVersionOf(machine) ? undefined : own;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function definitionText(machine: AnyStateMachine): string {
  return JSON.stringify((machine.root as { definition: unknown }).definition);
}

/** The machine's definition, then each registered child machine's by name (once per machine). */
function versionText(machine: AnyStateMachine, seen: Set<AnyStateMachine>): string {
  seen.add(machine);
  let text = definitionText(machine);
  const actors = (machine.implementations.actors ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(actors).sort()) {
    const child = actors[name];
    if (!isStateMachine(child) || seen.has(child)) continue;
    text += `\n${JSON.stringify(name)}:${versionText(child, seen)}`;
  }
  return text;
}

/** True for XState machine logic (a child machine), as opposed to promise or callback logic. */
export function isStateMachine(logic: unknown): logic is AnyStateMachine {
  return (
    typeof logic === 'object' &&
    logic !== null &&
    'root' in logic &&
    typeof (logic as { getStateNodeById?: unknown }).getStateNodeById === 'function'
  );
}
