import { useEffect, useRef } from 'preact/hooks';
import type { ChartView } from '../src/studio/types';

/** What the chart marks on top of the drawing. */
export interface ChartMarks {
  /** States active at the step shown. */
  active: readonly string[];
  /** States the run has been in up to that step. */
  visited?: ReadonlySet<string>;
  /** Transitions taken up to that step. */
  taken?: ReadonlySet<string>;
  /** Heat per state, 0 to 1. */
  heat?: Readonly<Record<string, number>>;
  /** A short figure written in a state's corner: its cost or its time. */
  figures?: Readonly<Record<string, string>>;
  /** A state picked by the user. */
  selected?: string;
}

/** The heat colour of a share between 0 and 1: white through amber to red. */
export function heatColour(share: number): string {
  const clamped = Math.max(0, Math.min(1, share));
  return `hsl(${Math.round(45 - 40 * clamped)}, 95%, ${Math.round(94 - 30 * clamped)}%)`;
}

/**
 * The statechart as the server drew it (the same SVG as `agentchart graph --format svg`),
 * with the page's marks — active states, the path taken, heat — set as classes and fills.
 */
export function Chart({ chart, marks }: { chart: ChartView; marks: ChartMarks }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const root = host.current;
    if (!root) return;
    const active = new Set(marks.active);
    for (const element of root.querySelectorAll<SVGGElement>('[data-state]')) {
      const id = element.dataset.state ?? '';
      element.classList.toggle('is-active', active.has(id));
      element.classList.toggle('is-visited', marks.visited?.has(id) ?? false);
      element.classList.toggle('is-selected', marks.selected === id);
      const box = element.querySelector<SVGRectElement>('rect.ac-box');
      const share = marks.heat?.[id];
      if (box) box.style.fill = share === undefined || id === '' ? '' : heatColour(share);
      if (box) writeFigure(element, box, marks.figures?.[id]);
    }
    for (const element of root.querySelectorAll<SVGGElement>('[data-transition]')) {
      element.classList.toggle(
        'is-taken',
        marks.taken?.has(element.dataset.transition ?? '') ?? false,
      );
    }
  });

  return (
    <div
      class="chart"
      data-testid="chart"
      ref={host}
      // The server's own markup, built from escaped text: the same drawing as the SVG export.
      dangerouslySetInnerHTML={{ __html: chart.svg }}
    />
  );
}

const svgNamespace = 'http://www.w3.org/2000/svg';

/** Writes (or removes) a figure in the top-right corner of a state's box. */
function writeFigure(state: SVGGElement, box: SVGRectElement, figure: string | undefined) {
  let text = state.querySelector<SVGTextElement>(':scope > text.ac-figure');
  if (figure === undefined) {
    text?.remove();
    return;
  }
  if (!text) {
    text = document.createElementNS(svgNamespace, 'text');
    text.setAttribute('class', 'ac-figure');
    text.setAttribute('text-anchor', 'end');
    state.appendChild(text);
  }
  const x = Number(box.getAttribute('x')) + Number(box.getAttribute('width')) - 8;
  text.setAttribute('x', String(x));
  text.setAttribute('y', String(Number(box.getAttribute('y')) + 16));
  text.textContent = figure;
}

/**
 * The transitions a run took between consecutive sets of active states: a transition whose
 * source was active and whose target was entered, and the initial arrows into entered states.
 */
export function takenTransitions(
  chart: ChartView,
  sequence: readonly (readonly string[])[],
): Set<string> {
  const taken = new Set<string>();
  for (let index = 1; index < sequence.length; index++) {
    const before = new Set(sequence[index - 1]);
    const after = new Set(sequence[index]);
    for (const transition of chart.transitions) {
      const entered = after.has(transition.target) && !before.has(transition.target);
      if (!entered) continue;
      if (transition.source.startsWith('initial:')) {
        if (after.has(transition.source.slice('initial:'.length))) taken.add(transition.id);
      } else if (before.has(transition.source)) {
        taken.add(transition.id);
      }
    }
  }
  // The machine's own initial arrow, into the first state the run was in.
  const first = new Set(sequence[0] ?? []);
  for (const transition of chart.transitions) {
    if (transition.source === 'initial:' && first.has(transition.target)) taken.add(transition.id);
  }
  return taken;
}
