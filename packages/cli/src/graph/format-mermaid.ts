import { invokeLabel, transitionLabel } from './labels';
import type { MachineGraph, StateGraph } from './types';

/**
 * The graph as a Mermaid `stateDiagram-v2`: nested states as composite states, parallel
 * regions separated by `--`, invokes as state descriptions, every transition as a labelled
 * edge. Transitions on the machine itself have no source state in Mermaid and are kept as
 * `%%` comments.
 */
export function formatMermaid(graph: MachineGraph): string {
  const ids = new StateIds(graph.root);
  const lines = ['stateDiagram-v2', `  %% machine ${graph.id}`];
  for (const transition of graph.root.transitions) {
    const targets = transition.targets.map((path) => path.join('.')).join(', ') || 'no target';
    lines.push(`  %% on the machine: ${transitionLabel(transition)} → ${targets}`);
  }
  for (const invoke of graph.root.invokes) {
    const { name, runs } = invokeLabel(invoke);
    lines.push(`  %% the machine invokes ${name} — ${runs}`);
  }
  writeScope(graph.root, 1, lines, ids);
  return `${lines.join('\n')}\n`;
}

function writeScope(parent: StateGraph, depth: number, lines: string[], ids: StateIds) {
  const pad = '  '.repeat(depth);
  if (parent.initial !== undefined) {
    lines.push(`${pad}[*] --> ${ids.of([...parent.path, parent.initial])}`);
  }
  parent.children.forEach((state, index) => {
    if (parent.type === 'parallel' && index > 0) lines.push(`${pad}--`);
    writeState(state, depth, lines, ids);
  });
}

function writeState(state: StateGraph, depth: number, lines: string[], ids: StateIds) {
  const pad = '  '.repeat(depth);
  const id = ids.of(state.path);
  const label = mermaidText(state.key).replaceAll('"', "'");
  const composite = state.children.length > 0;
  if (label !== id) lines.push(`${pad}state "${label}" as ${id}`);
  else if (!composite) lines.push(`${pad}state ${id}`);
  if (composite) {
    lines.push(`${pad}state ${id} {`);
    writeScope(state, depth + 1, lines, ids);
    lines.push(`${pad}}`);
  }
  if (state.history) lines.push(`${pad}${id} : history (${state.history})`);
  if (state.description) lines.push(`${pad}${id} : ${mermaidText(state.description)}`);
  for (const invoke of state.invokes) {
    const { name, runs } = invokeLabel(invoke);
    lines.push(`${pad}${id} : invoke ${mermaidText(`${name} — ${runs}`)}`);
  }
  for (const transition of state.transitions) {
    const label = mermaidText(transitionLabel(transition));
    if (transition.targets.length === 0) lines.push(`${pad}${id} --> ${id} : ${label} (no target)`);
    for (const target of transition.targets) {
      const reenter = transition.reenter ? ' (reenter)' : '';
      lines.push(`${pad}${id} --> ${ids.of(target)} : ${label}${reenter}`);
    }
  }
  if (state.type === 'final') lines.push(`${pad}${id} --> [*]`);
}

/**
 * Mermaid ids for state paths: the state's key where it is unique in the machine (so the
 * diagram reads like the chart), else its path; letters, digits and `_` only.
 */
class StateIds {
  readonly #byPath = new Map<string, string>();
  readonly #taken = new Set<string>();
  readonly #keyCounts = new Map<string, number>();

  constructor(root: StateGraph) {
    const count = (state: StateGraph) => {
      for (const child of state.children) {
        this.#keyCounts.set(child.key, (this.#keyCounts.get(child.key) ?? 0) + 1);
        count(child);
      }
    };
    count(root);
  }

  of(path: readonly string[]): string {
    const key = JSON.stringify(path);
    const known = this.#byPath.get(key);
    if (known) return known;
    const parts = this.#keyCounts.get(path.at(-1) ?? '') === 1 ? path.slice(-1) : path;
    const base = parts.map((part) => part.replace(/[^A-Za-z0-9_]/g, '_')).join('__') || 'root';
    const safe = /^[A-Za-z_]/.test(base) ? base : `s_${base}`;
    let id = safe;
    for (let n = 2; this.#taken.has(id); n++) id = `${safe}_${n}`;
    this.#byPath.set(key, id);
    this.#taken.add(id);
    return id;
  }
}

/** Keeps text on one line and away from Mermaid's statement syntax. */
function mermaidText(text: string): string {
  return text.replace(/\s+/g, ' ').replaceAll(';', ',').replaceAll('{', '(').replaceAll('}', ')');
}
