import { roundRatio } from '../measure/time-cases';
import type { Row, TargetResult } from '../types';

type Find = (workload: string, variant: string) => Row | undefined;

/** A ratio of one row's metric to another's, or undefined when either was not measured. */
function ratio(find: Find, workload: string, variant: string, reference: string, metric: string) {
  const row = find(workload, variant);
  const base = find(workload, reference);
  if (row?.status !== 'ok' || base?.status !== 'ok') return undefined;
  // Per step and per run are the same ratio: both rows take the same steps.
  return roundRatio(row, base, metric === 'usPerStep' ? 'usPerRun' : metric);
}

/** The first of these rows that was measured. */
function firstMeasured(find: Find, workload: string, variants: string[]): Row | undefined {
  return variants.map((variant) => find(workload, variant)).find((row) => row?.status === 'ok');
}

function judge(
  target: string,
  value: number | undefined,
  limit: number,
  show: (value: number) => string,
): TargetResult {
  if (value === undefined) return { target, measured: 'not measured', verdict: 'pending' };
  return { target, measured: show(value), verdict: value <= limit ? 'met' : 'missed' };
}

const times = (value: number) => `${value.toFixed(2)}×`;

/** `agentchart (toolCall per state, journaled)` → `toolCall per state, journaled`. */
const label = (variant: string) => variant.replace(/^agentchart \((.*)\)$/, '$1');

/** The targets, judged on this run's rows. */
export function evaluateTargets(rows: readonly Row[]): TargetResult[] {
  const find: Find = (workload, variant) =>
    rows.find((row) => row.workload === workload && row.variant === variant);
  const results: TargetResult[] = [];

  for (const variant of [
    'agentchart (promise actor per state)',
    'agentchart (toolCall per state, journaled)',
  ]) {
    results.push(
      judge(
        `chain10 memory, ${label(variant)}: ≤ 2× raw XState per step`,
        ratio(find, 'chain10 memory', variant, 'raw XState', 'usPerStep'),
        2,
        (value) => `${times(value)} raw XState`,
      ),
    );
  }
  for (const variant of [
    'agentchart (promise actor per state)',
    'agentchart (toolCall per state, journaled)',
  ]) {
    results.push(
      judge(
        `chain10 durable, ${label(variant)} + SQLite: ≤ 1.5× raw XState + SQLite per step`,
        ratio(find, 'chain10 durable', `${variant} + SQLite`, 'raw XState + SQLite', 'usPerStep'),
        1.5,
        (value) => `${times(value)} raw XState + SQLite`,
      ),
    );
  }
  results.push(
    judge(
      'react5: ≤ 2× the hand-written loop',
      ratio(find, 'react5', 'agentchart (toolLoop)', 'hand-written loop (floor)', 'usPerRun'),
      2,
      (value) => `${times(value)} hand-written`,
    ),
  );
  results.push(
    judge(
      'fanout: wall ≤ 2× the ideal 50 ms',
      find('fanout', 'agentchart (structuredCall)')?.metrics.wallMs,
      100,
      (value) => `${value.toFixed(0)} ms`,
    ),
  );
  results.push(
    judge(
      "fanout: peak RSS ≤ raw XState's + 25%",
      ratio(find, 'fanout', 'agentchart (structuredCall)', 'raw XState', 'peakRssMb'),
      1.25,
      (value) => `${times(value)} raw XState`,
    ),
  );
  const waiting = firstMeasured(find, 'suspended', [
    'agentchart (humanWait, evictWaiting) + SQLite',
    'agentchart (humanWait, evictWaiting, in-memory store)',
    'agentchart (humanWait, in-memory store)',
  ]);
  results.push(
    judge(
      'suspended: a waiting run holds ≤ 1 KB in the process',
      waiting?.metrics.bytesInMemoryPerRun,
      1024,
      (value) => `${(value / 1024).toFixed(1)} KB (${waiting?.variant})`,
    ),
  );
  for (const [label, variants] of [
    [
      'history in context',
      [
        'agentchart (history in context) + SQLite',
        'agentchart (history in context), in-memory store',
      ],
    ],
    [
      'history inside one toolLoop',
      [
        'agentchart (history inside one toolLoop) + SQLite',
        'agentchart (history inside one toolLoop), in-memory store',
      ],
    ],
  ] as const) {
    const row = firstMeasured(find, 'history growth', [...variants]);
    results.push(
      judge(
        `history growth, ${label}: bytes per step follow the message, not the history (last 10 steps ≤ 1.5× first 10)`,
        row?.metrics.growth,
        1.5,
        (value) =>
          `${times(value)} (${row?.variant}; ${formatBytes(row?.metrics.lastStepsBytesPerStep ?? 0)}/step at the end)`,
      ),
    );
  }
  return results;
}

/** Bytes as B, KB or MB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes.toFixed(0)} B`;
}
