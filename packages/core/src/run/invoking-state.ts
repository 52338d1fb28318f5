import type { AnyActorRef } from 'xstate';

interface StateNodeLike {
  path: readonly string[];
  invoke: readonly { id: string }[];
  states: Record<string, StateNodeLike>;
}

/** Invoke id → the dotted path of the state that invokes it, per machine, built once. */
const statesByMachine = new WeakMap<object, ReadonlyMap<string, string>>();

/**
 * The chart state that invoked `actor`, as a dotted path (`researching`, `review.legal`):
 * found in the definition of the machine that is the actor's parent, by invoke id. Undefined
 * for an actor that was spawned rather than invoked, or whose parent is not a machine.
 */
export function invokingStateOf(actor: AnyActorRef): string | undefined {
  // `_parent` and `logic` are XState's links to the parent actor and to its logic.
  const parent = (actor as { _parent?: AnyActorRef })._parent;
  const machine = (parent as { logic?: unknown } | undefined)?.logic;
  if (typeof machine !== 'object' || machine === null || !('root' in machine)) return undefined;
  let states = statesByMachine.get(machine);
  if (!states) {
    states = invokingStates((machine as { root: StateNodeLike }).root);
    statesByMachine.set(machine, states);
  }
  return states.get(actor.id);
}

function invokingStates(root: StateNodeLike): Map<string, string> {
  const states = new Map<string, string>();
  const walk = (node: StateNodeLike) => {
    for (const invoke of node.invoke) states.set(invoke.id, node.path.join('.'));
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(root);
  return states;
}
