/** What fires a transition. */
export type TransitionTrigger =
  | { kind: 'event'; event: string }
  /** `invoke` is the invoke's {@link InvokeGraph.name}. */
  | { kind: 'invoke-done'; invoke: string }
  | { kind: 'invoke-error'; invoke: string }
  | { kind: 'invoke-snapshot'; invoke: string }
  /** The state's own `onDone`: a final child state was reached. */
  | { kind: 'state-done' }
  | { kind: 'after'; delay: string }
  | { kind: 'always' }
  | { kind: 'route' };

/** One transition of a state, as the graph shows it. */
export interface TransitionGraph {
  trigger: TransitionTrigger;
  /** The guard's name; `and(a, not(b))` for combined guards. */
  guard?: string;
  /** Target state paths from the machine root; empty when the transition has no target. */
  targets: string[][];
  reenter: boolean;
}

/** One invoked actor of a state. */
export interface InvokeGraph {
  id: string;
  /** The id when one was given, else the `src` name, else `inline #<n>`: what readers see. */
  name: string;
  /** The `src` name, or undefined when the logic was given inline. */
  src?: string;
  /** For agentchart effects: what kind, which model aliases and tools. */
  effect?: { kind: string; models: string[]; tools: string[] };
}

/** One state node and everything under it. */
export interface StateGraph {
  key: string;
  /** Keys from the machine root; empty for the root. */
  path: string[];
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  history?: 'shallow' | 'deep';
  /** The key of the initial child, for compound states. */
  initial?: string;
  description?: string;
  invokes: InvokeGraph[];
  transitions: TransitionGraph[];
  children: StateGraph[];
}

/** A machine found in a module, described for printing. */
export interface MachineGraph {
  id: string;
  /** The module exports it was found under: `name` or `name.machine` for an agent. */
  exports: string[];
  root: StateGraph;
}
