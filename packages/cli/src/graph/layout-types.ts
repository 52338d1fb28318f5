import type { StateGraph } from './types';

/** A point on the chart, in pixels from its top-left corner. */
export interface ChartPoint {
  x: number;
  y: number;
}

/** A box on the chart, in pixels from its top-left corner. */
export interface ChartBox extends ChartPoint {
  width: number;
  height: number;
}

/** One state as drawn: its box, and the lines written in its header. */
export interface LaidOutState extends ChartBox {
  /** The state's path joined with `.`; `''` for the machine itself. */
  id: string;
  path: string[];
  key: string;
  type: StateGraph['type'] | 'machine';
  /** Nesting depth: 0 for the machine, 1 for its states … */
  depth: number;
  /** A region of a parallel state (drawn dashed, side by side with its siblings). */
  region: boolean;
  /** Lines under the key: what the state invokes. */
  lines: string[];
  /** The header's height: children start below it. */
  headerHeight: number;
}

/** The dot that points at a compound state's initial child. */
export interface LaidOutInitial extends ChartBox {
  /** The id of the compound state it belongs to. */
  parent: string;
  /** The id of the initial child. */
  target: string;
}

/** One transition (or one target of it) as drawn: a polyline and its label's box. */
export interface LaidOutTransition {
  /** `<source id>#<index of the transition>` plus `>` and the target index for several targets. */
  id: string;
  source: string;
  /** The target state's id; the source's own id for a transition without target. */
  target: string;
  label: string;
  /** The route, first point on the source, last on the target. */
  points: ChartPoint[];
  labelBox?: ChartBox;
  /** Taken without a target (actions only) or re-entering: drawn as a loop. */
  loop: boolean;
}

/** A statechart laid out for drawing: absolute boxes and routes, shared by the SVG and the studio. */
export interface ChartLayout {
  width: number;
  height: number;
  states: LaidOutState[];
  initials: LaidOutInitial[];
  transitions: LaidOutTransition[];
}
