import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { invokeLabel, transitionLabel } from './labels';
import type {
  ChartBox,
  ChartLayout,
  LaidOutInitial,
  LaidOutState,
  LaidOutTransition,
} from './layout-types';
import type { StateGraph } from './types';

/**
 * Text metrics of the chart's font. Labels are drawn in a monospace font, so a label's width
 * is known from its length on the server, where no browser measures text.
 */
export const chartFont = {
  family: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
  size: 12,
  smallSize: 11,
  /** Advance of one character as a share of the font size (DejaVu Sans Mono: 0.602). */
  advance: 0.61,
} as const;

const keyLineHeight = 22;
const invokeLineHeight = 15;
const padding = 12;
const initialDot = 10;

/** The width of `text` in the chart's font at `size` pixels. */
export function textWidth(text: string, size: number = chartFont.size): number {
  return Math.ceil([...text].length * size * chartFont.advance);
}

/** The lines written under a state's key: one per invoke. */
function stateLines(state: StateGraph): string[] {
  return state.invokes.map((invoke) => {
    const { name, runs } = invokeLabel(invoke);
    return `⚙ ${name} · ${runs}`;
  });
}

/**
 * Lays a statechart out with ELK's layered algorithm (elkjs): states nested in their parents,
 * the regions of a parallel state side by side, every transition routed with its label, an
 * initial dot in each compound state. Coordinates are absolute, so the SVG export and the
 * studio draw the same picture.
 */
export async function layoutChart(
  root: StateGraph,
  { machineId = root.key }: { machineId?: string } = {},
): Promise<ChartLayout> {
  const elk = new ELK();
  const edges: ElkExtendedEdge[] = [];
  const transitions = new Map<string, Omit<LaidOutTransition, 'points'>>();
  const states = new Map<string, { state: StateGraph; depth: number; region: boolean }>();
  const initials = new Map<string, { parent: string; target: string }>();

  const nodeOf = (state: StateGraph, depth: number, region: boolean): ElkNode => {
    const id = state.path.join('.');
    states.set(id, { state, depth, region });
    const title = depth === 0 ? `${machineId}` : state.key;
    const lines = stateLines(state);
    const headerHeight = keyLineHeight + lines.length * invokeLineHeight;
    const width = Math.max(
      textWidth(title) + 2 * padding + 12,
      ...lines.map((line) => textWidth(line, chartFont.smallSize) + 2 * padding),
      60,
    );
    const children: ElkNode[] = state.children
      .filter((child) => child.type !== 'history' || child.transitions.length > 0)
      .map((child) => nodeOf(child, depth + 1, state.type === 'parallel'));
    if (state.type === 'compound' && state.initial !== undefined) {
      const target = [...state.path, state.initial].join('.');
      const dotId = `i:${id}`;
      initials.set(dotId, { parent: id, target });
      children.unshift({ id: dotId, width: initialDot, height: initialDot });
      edges.push({ id: `e:${dotId}`, sources: [dotId], targets: [`s:${target}`] });
    }
    state.transitions.forEach((transition, index) => {
      const label = transitionLabel(transition);
      const targets = transition.targets.length > 0 ? transition.targets : [state.path];
      targets.forEach((targetPath, targetIndex) => {
        const target = targetPath.join('.');
        const edgeId = `${id}#${index}${targets.length > 1 ? `>${targetIndex}` : ''}`;
        const loop = transition.targets.length === 0 || target === id;
        transitions.set(edgeId, { id: edgeId, source: id, target, label, loop });
        edges.push({
          id: `t:${edgeId}`,
          sources: [`s:${id}`],
          targets: [`s:${target}`],
          labels: [{ text: label, width: textWidth(label) + 6, height: 16 }],
        });
      });
    });
    return {
      id: `s:${id}`,
      ...(children.length === 0 ? { width, height: headerHeight + 8 } : {}),
      layoutOptions: {
        'elk.padding': `[top=${headerHeight + 8},left=${padding},bottom=${padding},right=${padding}]`,
        'elk.nodeSize.minimum': `(${width}, ${headerHeight + 8})`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // A parallel state's regions have no edges between them: side by side, not stacked.
        ...(state.type === 'parallel' ? { 'elk.direction': 'RIGHT' } : {}),
      },
      children,
    };
  };

  const machine = nodeOf(root, 0, false);
  const graph: ElkNode = {
    id: 'chart',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.inline': 'false',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeNode': '16',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
    },
    children: [machine],
    edges,
  };
  const laid = await elk.layout(graph);

  const outStates: LaidOutState[] = [];
  const outInitials: LaidOutInitial[] = [];
  const walk = (node: ElkNode) => {
    const box = boxOf(node);
    if (node.id.startsWith('s:')) {
      const id = node.id.slice(2);
      const { state, depth, region } = states.get(id)!;
      const lines = stateLines(state);
      outStates.push({
        id,
        path: state.path,
        key: depth === 0 ? machineId : state.key,
        type: depth === 0 ? 'machine' : state.type,
        depth,
        region,
        lines,
        headerHeight: keyLineHeight + lines.length * invokeLineHeight,
        ...box,
      });
    } else if (node.id.startsWith('i:')) {
      outInitials.push({ ...initials.get(node.id)!, ...box });
    }
    for (const child of node.children ?? []) walk(child);
  };
  for (const child of laid.children ?? []) walk(child);

  const outTransitions: LaidOutTransition[] = [];
  for (const edge of collectEdges(laid)) {
    if (!edge.id.startsWith('t:')) continue;
    const transition = transitions.get(edge.id.slice(2))!;
    const section = edge.sections?.[0];
    const points = section
      ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(round)
      : [];
    const label = edge.labels?.[0];
    outTransitions.push({
      ...transition,
      points,
      ...(label && label.x !== undefined ? { labelBox: boxOf(label) } : {}),
    });
  }
  // Initial dots' edges are drawn from their dot to the child: keep them as transitions too.
  for (const edge of collectEdges(laid)) {
    if (!edge.id.startsWith('e:')) continue;
    const initial = initials.get(edge.id.slice(2))!;
    const section = edge.sections?.[0];
    if (!section) continue;
    outTransitions.push({
      id: edge.id,
      source: `initial:${initial.parent}`,
      target: initial.target,
      label: '',
      loop: false,
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(round),
    });
  }
  return {
    width: Math.ceil(laid.width ?? 0),
    height: Math.ceil(laid.height ?? 0),
    states: outStates,
    initials: outInitials,
    transitions: outTransitions,
  };
}

function collectEdges(node: ElkNode): ElkExtendedEdge[] {
  return [...(node.edges ?? []), ...(node.children ?? []).flatMap(collectEdges)];
}

function boxOf(shape: { x?: number; y?: number; width?: number; height?: number }): ChartBox {
  return {
    x: Math.round(shape.x ?? 0),
    y: Math.round(shape.y ?? 0),
    width: Math.round(shape.width ?? 0),
    height: Math.round(shape.height ?? 0),
  };
}

function round(point: { x: number; y: number }) {
  return { x: Math.round(point.x), y: Math.round(point.y) };
}
