import { roundRatio } from '../measure/time-cases';
import type { Row, TargetResult } from '../types';
import { formatBytes } from './format-bytes';

/** The row each workload's ratios are taken against. */
const references: Record<string, string> = {
  'chain10 memory': 'raw XState',
  'chain10 durable': 'raw XState + SQLite',
  'chain10 durable, default durability': 'raw XState + SQLite',
  react5: 'raw XState',
  fanout: 'raw XState',
  suspended: 'raw XState (live actors)',
  'checkpoint write': 'raw better-sqlite3 insert (floor)',
  'token counting': 'characters / 4 (floor)',
  'cache hit': 'Map keyed by JSON.stringify (floor)',
};

const micros = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));
/** Spread of the rounds (max − min) around the median, as the table shows it. */
const margin = (row: Row) => `(rounds ±${((row.metrics.spreadPercent ?? 0) / 2).toFixed(0)}%)`;

/** A row's figure, in the workload's own terms. */
function figure(row: Row): string {
  const m = row.metrics;
  switch (row.workload) {
    case 'chain10 memory':
    case 'chain10 durable':
    case 'chain10 durable, default durability':
      return `${micros(m.usPerStep!)} µs/step ${margin(row)}`;
    case 'react5':
      return `${micros(m.usPerRun!)} µs/run, ${micros(m.usPerStep!)} µs/model call ${margin(row)}`;
    case 'checkpoint write':
      return `${micros(m.usPerStep!)} µs/write ${margin(row)}`;
    case 'token counting':
      return `${micros(m.usPerRun!)} µs per ${formatBytes(m.requestBytes!)} request, ${m.megabytesPerSecond!.toFixed(0)} MB/s ${margin(row)}`;
    case 'cache hit':
      return `${micros(m.usPerRun!)} µs/hit ${margin(row)}`;
    case 'fanout':
      return `${m.wallMs!.toFixed(0)} ms wall (best ${m.bestWallMs!.toFixed(0)}), ${m.peakRssMb!.toFixed(0)} MB peak RSS`;
    case 'suspended': {
      const sizes = Object.keys(m)
        .filter((name) => name.startsWith('bytesInMemoryPerRun@'))
        .map((name) => Number(name.split('@')[1]));
      const memory = sizes
        .map((size) => `${formatBytes(m[`bytesInMemoryPerRun@${size}`]!)} (${size / 1000}k)`)
        .join(', ');
      return `${memory} in memory; ${formatBytes(m.bytesStoredPerRun!)} stored per run`;
    }
    case 'history growth':
      return `${formatBytes(m.firstStepsBytesPerStep!)}/step at start → ${formatBytes(m.lastStepsBytesPerStep!)}/step at end; ${m.writtenMb!.toFixed(1)} MB written, ${m.storedMb!.toFixed(1)} MB stored`;
    default:
      return Object.entries(m)
        .map(([name, value]) => `${name} ${value.toFixed(2)}`)
        .join(', ');
  }
}

/** The row against its workload's reference row. */
function versus(row: Row, rows: readonly Row[]): string {
  const referenceName = references[row.workload];
  const reference = rows.find(
    (item) => item.workload === row.workload && item.variant === referenceName,
  );
  if (!reference || reference === row || reference.status !== 'ok') return '';
  const of = (metric: string) => roundRatio(row, reference, metric);
  switch (row.workload) {
    case 'fanout':
      return `${of('wallMs')?.toFixed(2)}× wall, ${of('peakRssMb')?.toFixed(2)}× RSS`;
    case 'suspended': {
      // At a size every variant ran at.
      const metric =
        row.metrics['bytesInMemoryPerRun@10000'] === undefined
          ? 'bytesInMemoryPerRun'
          : 'bytesInMemoryPerRun@10000';
      return `${of(metric)?.toFixed(2)}× memory`;
    }
    default: {
      const value = of('usPerRun');
      return value === undefined ? '' : `${value.toFixed(2)}×`;
    }
  }
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The rows as a Markdown table: readable in a terminal, pasteable into docs. */
export function rowsTable(rows: readonly Row[]): string {
  const lines = ['| Workload | Variant | Result | vs reference | Note |', '|---|---|---|---|---|'];
  let previous = '';
  for (const row of rows) {
    const result =
      row.status === 'ok'
        ? figure(row)
        : row.status === 'error'
          ? 'ERROR'
          : row.status.toUpperCase();
    const note = row.status === 'error' ? (row.note ?? '').split('\n')[0]! : (row.note ?? '');
    lines.push(
      `| ${row.workload === previous ? '' : row.workload} | ${cell(row.variant)} | ${cell(result)} | ${row.status === 'ok' ? versus(row, rows) : ''} | ${cell(note)} |`,
    );
    previous = row.workload;
  }
  return lines.join('\n');
}

/** The targets as a Markdown table. */
export function targetsTable(targets: readonly TargetResult[]): string {
  const lines = ['| Target | Measured | Verdict |', '|---|---|---|'];
  for (const { target, measured, verdict } of targets) {
    lines.push(
      `| ${cell(target)} | ${cell(measured)} | ${verdict === 'met' ? 'met' : verdict === 'missed' ? '**missed**' : 'pending'} |`,
    );
  }
  return lines.join('\n');
}
