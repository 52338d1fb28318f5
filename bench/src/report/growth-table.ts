import { roundRatio } from '../measure/time-cases';
import type { Row } from '../types';
import { formatBytes } from './format-bytes';

/** A growth row's family and size, read back from its variant (`<family> · <size> <unit>`). */
function parse(row: Row): { family: string; size: number; unit: string } | undefined {
  const match = /^(.*) · (\d+) (.+)$/.exec(row.variant);
  return match ? { family: match[1]!, size: Number(match[2]), unit: match[3]! } : undefined;
}

/**
 * The per-step cost of one family between its shortest and longest run, the per-step figures
 * compared round by round (both ran in every round): 1 is flat, growth shows a step costing
 * more as the state grows.
 */
export function growthRatio(
  rows: readonly Row[],
  workload: string,
  family: string,
): number | undefined {
  const sized = rows
    .filter(
      (row) => row.workload === workload && row.status === 'ok' && parse(row)?.family === family,
    )
    .sort((a, b) => parse(a)!.size - parse(b)!.size);
  const first = sized[0];
  const last = sized.at(-1);
  if (!first || !last || first === last) return undefined;
  const perRun = roundRatio(last, first);
  return perRun === undefined ? undefined : (perRun * parse(first)!.size) / parse(last)!.size;
}

/**
 * The growth workloads as one table: per family, µs per step (per model call for a tool loop)
 * at each length, the ratio of the longest to the shortest, and bytes written per step on SQLite.
 */
export function growthTable(rows: readonly Row[]): string {
  const growthRows = rows.filter((row) => row.workload.startsWith('growth: '));
  const workloads = [...new Set(growthRows.map((row) => row.workload))];
  const lines: string[] = [];
  for (const workload of workloads) {
    const ofWorkload = growthRows.filter((row) => row.workload === workload);
    const sizes = [...new Set(ofWorkload.map((row) => parse(row)?.size ?? 0))].sort(
      (a, b) => a - b,
    );
    const unit = parse(ofWorkload[0]!)?.unit ?? '';
    const perWhat = unit === 'tool calls' ? 'µs per model call' : 'µs per step';
    const withBytes = ofWorkload.some((row) => row.metrics.bytesPerStep !== undefined);
    const header = [
      `${workload.replace('growth: ', '')} (${perWhat})`,
      ...sizes.map((size) => `${size.toLocaleString('en-US')} ${unit}`),
      `${sizes.at(-1)} ÷ ${sizes[0]} per step`,
      ...(withBytes ? ['bytes written per step'] : []),
    ];
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    const families = [...new Set(ofWorkload.map((row) => parse(row)?.family ?? row.variant))];
    for (const family of families) {
      const at = (size: number) =>
        ofWorkload.find((row) => parse(row)?.family === family && parse(row)?.size === size);
      const cells = sizes.map((size) => {
        const row = at(size);
        if (!row) return '';
        return row.status === 'ok' ? row.metrics.usPerStep!.toFixed(1) : 'ERROR';
      });
      const ratio = growthRatio(rows, workload, family);
      const bytes = sizes
        .map((size) => at(size)?.metrics.bytesPerStep)
        .map((value) => (value === undefined ? '–' : formatBytes(value)))
        .join(' / ');
      lines.push(
        `| ${[family, ...cells, ratio === undefined ? '' : `${ratio.toFixed(2)}×`, ...(withBytes ? [bytes] : [])].join(' | ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
