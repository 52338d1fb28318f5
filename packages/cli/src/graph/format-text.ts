import { invokeLabel, transitionLabel } from './labels';
import type { MachineGraph, StateGraph, TransitionGraph } from './types';

/**
 * The graph as indented text: each state with its marks (initial, final, parallel,
 * history), what it invokes, and each transition as `trigger [guard] → target`.
 *
 * ```
 * machine tenderPipeline (export tenderPipeline): 8 states, 4 final, 11 transitions
 *   filtering  (initial)
 *     invoke filter: structured-call · model classifier
 *     onDone(filter) [dropped] → filteredOut
 *     onError(filter) → failed
 * ```
 */
export function formatText(graph: MachineGraph): string {
  const lines: string[] = [];
  const { states, finals, transitions } = countGraph(graph.root);
  const exports = graph.exports.length > 0 ? ` (export ${graph.exports.join(', ')})` : '';
  lines.push(
    `machine ${graph.id}${exports}: ${plural(states, 'state')}, ${finals} final, ${plural(transitions, 'transition')}`,
  );
  writeBody(graph.root, 1, lines);
  for (const child of graph.root.children) writeState(child, graph.root, 1, lines);
  return `${lines.join('\n')}\n`;
}

function writeState(state: StateGraph, parent: StateGraph, depth: number, lines: string[]) {
  const marks = [
    parent.initial === state.key ? 'initial' : undefined,
    state.type === 'final' ? 'final' : undefined,
    state.type === 'parallel' ? 'parallel' : undefined,
    state.history ? `history: ${state.history}` : undefined,
  ].filter(Boolean);
  const description = state.description ? ` — ${state.description}` : '';
  lines.push(
    `${indent(depth)}${state.key}${marks.length ? `  (${marks.join(', ')})` : ''}${description}`,
  );
  writeBody(state, depth + 1, lines);
  for (const child of state.children) writeState(child, state, depth + 1, lines);
}

function writeBody(state: StateGraph, depth: number, lines: string[]) {
  // Transitions on the machine itself are taken from whatever state the machine is in.
  const scope = state.path.length === 0 ? '(any state) ' : '';
  for (const invoke of state.invokes) {
    const { name, runs } = invokeLabel(invoke);
    lines.push(`${indent(depth)}${scope}invoke ${name}: ${runs}`);
  }
  for (const transition of state.transitions) {
    lines.push(
      `${indent(depth)}${scope}${transitionLabel(transition)} → ${targetText(transition)}`,
    );
  }
}

function targetText(transition: TransitionGraph): string {
  const reenter = transition.reenter ? ' (reenter)' : '';
  if (transition.targets.length === 0) return '(no target: actions only)';
  return (
    transition.targets.map((path) => (path.length ? path.join('.') : '(machine)')).join(', ') +
    reenter
  );
}

function countGraph(state: StateGraph): { states: number; finals: number; transitions: number } {
  let states = 0;
  let finals = 0;
  let transitions = state.transitions.length;
  for (const child of state.children) {
    const counted = countGraph(child);
    states += 1 + counted.states;
    finals += (child.type === 'final' ? 1 : 0) + counted.finals;
    transitions += counted.transitions;
  }
  return { states, finals, transitions };
}

const indent = (depth: number) => '  '.repeat(depth);
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
