interface StateNodeLike {
  path: readonly string[];
  invoke: readonly { id: string }[];
  states: Record<string, StateNodeLike>;
}

/**
 * The chart state that invokes each root-level actor, by invoke id, as a dotted path
 * (`researching`, `review.legal`): an effect's site starts with that id, so a model or tool
 * call can be placed under the state span that made it.
 */
export function invokingStates(machine: { root: unknown }): Map<string, string> {
  const states = new Map<string, string>();
  const walk = (node: StateNodeLike) => {
    for (const invoke of node.invoke) states.set(invoke.id, node.path.join('.'));
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as StateNodeLike);
  return states;
}
