import { chartFont } from './layout-chart';
import type { ChartLayout, ChartPoint, LaidOutState, LaidOutTransition } from './layout-types';

/** Options of {@link renderChartSvg}. */
export interface RenderChartSvgOptions {
  /**
   * Include the stylesheet, so the file looks right on its own (`agentchart graph --format
   * svg`). The studio leaves it out and styles the same classes itself. Default true.
   */
  standalone?: boolean;
}

/** The stylesheet of a standalone chart; the studio's page styles the same classes. */
export const chartStyles = `
.ac-chart { font-family: ${chartFont.family}; font-size: ${chartFont.size}px; }
.ac-state rect.ac-box { fill: #fff; stroke: #57606a; stroke-width: 1.2; }
.ac-state.ac-machine > rect.ac-box { fill: #f6f8fa; stroke: #8c959f; }
.ac-state.ac-compound > rect.ac-box, .ac-state.ac-parallel > rect.ac-box { fill: #f6f8fa; }
.ac-state.ac-region > rect.ac-box { fill: none; stroke-dasharray: 5 4; }
.ac-state.ac-final > rect.ac-inner { fill: none; stroke: #57606a; stroke-width: 1; }
.ac-state text.ac-key { font-weight: 600; fill: #1f2328; }
.ac-state text.ac-line { font-size: ${chartFont.smallSize}px; fill: #57606a; }
.ac-transition path { fill: none; stroke: #8c959f; stroke-width: 1.2; marker-end: url(#ac-arrow); }
.ac-transition text { fill: #424a53; }
.ac-transition rect.ac-label { fill: #fff; opacity: 0.85; }
.ac-initial circle { fill: #1f2328; }
#ac-arrow path { fill: #8c959f; }
`;

/**
 * Draws a laid-out statechart as SVG: states as rounded boxes nested in their parents (final
 * states with a double border, parallel regions dashed), transitions as arrows with their
 * labels, an initial dot in each compound state. Every state carries `data-state` (its path
 * joined with `.`) and every transition `data-transition`, `data-source` and `data-target`,
 * so the studio can mark active states, the path taken and heat without drawing again.
 */
export function renderChartSvg(
  layout: ChartLayout,
  { standalone = true }: RenderChartSvgOptions = {},
): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="ac-chart" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img">`,
    '<defs><marker id="ac-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  ];
  if (standalone) parts.push(`<style>${chartStyles}</style>`);
  // Parents first, so children are drawn over them; transitions last, over every state.
  const states = [...layout.states].sort((a, b) => a.depth - b.depth);
  for (const state of states) parts.push(stateSvg(state));
  for (const initial of layout.initials) {
    const cx = initial.x + initial.width / 2;
    const cy = initial.y + initial.height / 2;
    parts.push(
      `<g class="ac-initial" data-initial="${attr(initial.parent)}"><circle cx="${cx}" cy="${cy}" r="${initial.width / 2}"/></g>`,
    );
  }
  for (const transition of layout.transitions) parts.push(transitionSvg(transition));
  parts.push('</svg>');
  return parts.join('\n');
}

function stateSvg(state: LaidOutState): string {
  const classes = ['ac-state', `ac-${state.type}`, state.region ? 'ac-region' : '']
    .filter(Boolean)
    .join(' ');
  const { x, y, width, height } = state;
  const radius = state.type === 'machine' ? 4 : 8;
  const body = [
    `<rect class="ac-box" x="${x}" y="${y}" width="${width}" height="${height}" rx="${radius}"/>`,
  ];
  if (state.type === 'final') {
    body.push(
      `<rect class="ac-inner" x="${x + 3}" y="${y + 3}" width="${width - 6}" height="${height - 6}" rx="${radius - 2}"/>`,
    );
  }
  const title = state.type === 'parallel' ? `${state.key} ∥` : state.key;
  body.push(`<text class="ac-key" x="${x + 12}" y="${y + 16}">${text(title)}</text>`);
  state.lines.forEach((line, index) => {
    body.push(
      `<text class="ac-line" x="${x + 12}" y="${y + 31 + index * 15}">${text(line)}</text>`,
    );
  });
  // The type is the definition's word, and a definition may come from an inspector's socket or
  // a recording: escaped like every other text from it.
  return `<g class="${attr(classes)}" data-state="${attr(state.id)}"><title>${text(state.path.join('.') || state.key)}</title>${body.join('')}</g>`;
}

function transitionSvg(transition: LaidOutTransition): string {
  const label = transition.labelBox
    ? `<rect class="ac-label" x="${transition.labelBox.x}" y="${transition.labelBox.y}" width="${transition.labelBox.width}" height="${transition.labelBox.height}" rx="3"/><text x="${transition.labelBox.x + 3}" y="${transition.labelBox.y + 12}">${text(transition.label)}</text>`
    : '';
  return `<g class="ac-transition" data-transition="${attr(transition.id)}" data-source="${attr(transition.source)}" data-target="${attr(transition.target)}"><path d="${pathData(transition.points)}"/>${label}</g>`;
}

function pathData(points: readonly ChartPoint[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
}

/** Text content, escaped for XML. */
function text(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An attribute value, escaped for XML. */
function attr(value: string): string {
  return text(value).replaceAll('"', '&quot;');
}
