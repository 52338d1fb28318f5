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
 * stored with every checkpoint so a snapshot is never restored into a different machine.
 */
export function machineVersionOf(machine: AnyStateMachine): string {
  const definition = JSON.stringify((machine.root as { definition: unknown }).definition);
  return createHash('sha256').update(definition).digest('hex').slice(0, 16);
}
